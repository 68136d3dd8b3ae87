import type { Readable } from 'node:stream'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { BookRow, Database, DocumentRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { BlobStore } from './blob-store.js'
import type { DocumentEvents } from './document-events.js'
import {
  GONE_STATUSES,
  REJECTION_REASONS,
  UNFINISHED_STATUSES,
  type DocumentKind,
} from './document-values.js'

export interface DocumentRef {
  pk?: number
  uuid?: string
}

export const PROCESSING_TYPES = ['INSTANT', 'COMPLETE'] as const
export type ProcessingType = (typeof PROCESSING_TYPES)[number]

/**
 * Documents once stored: listing, download, removal, cancellation and upgrade. Every lookup is
 * scoped by organization, so another tenant's document is "Document not found".
 */
export class DocumentService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
  ) {}

  /** The live documents of a book, oldest first. */
  listForBook(bookPk: number): Promise<DocumentRow[]> {
    return this.db
      .selectFrom('documents')
      .selectAll()
      .where('book_pk', '=', bookPk)
      .where('status', 'not in', GONE_STATUSES)
      .orderBy('pk')
      .execute()
  }

  async get(
    orgId: string,
    ref: DocumentRef,
    kinds?: readonly DocumentKind[],
  ): Promise<DocumentRow> {
    let query = this.db
      .selectFrom('documents')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('status', '!=', 'DELETED')
    if (ref.uuid !== undefined) query = query.where('uuid', '=', ref.uuid)
    else if (ref.pk !== undefined) query = query.where('pk', '=', ref.pk)
    else throw new ApiError(1003, 'Required doc pk or doc uuid')
    if (kinds !== undefined) query = query.where('kind', 'in', kinds)

    const document = await query.executeTakeFirst()
    if (document === undefined) throw new ApiError(1501)
    return document
  }

  /** The stored file, streamed; removed documents have none. */
  async download(
    orgId: string,
    ref: DocumentRef,
    kinds: readonly DocumentKind[],
  ): Promise<{ document: DocumentRow; body: Readable }> {
    const document = await this.get(orgId, ref, kinds)
    if (document.blob_key === null || document.status === 'DELETING') throw new ApiError(1501)
    return { document, body: await this.blobs.open(document.blob_key) }
  }

  /** Marks the document DELETING; the pipeline deletes its blob and marks it DELETED. */
  async remove(orgId: string, ref: DocumentRef): Promise<DocumentRow> {
    const document = await this.get(orgId, ref)
    const removed = await this.db
      .updateTable('documents')
      .set({ status: 'DELETING', lease_until: null, updated_at: isoTime(this.clock.now()) })
      .where('pk', '=', document.pk)
      .where('status', 'not in', GONE_STATUSES)
      .returningAll()
      .executeTakeFirst()

    this.events.queued()
    return removed ?? document
  }

  /** Marks every document of a book for deletion, inside the book's removal. */
  async removeAllInBook(trx: Kysely<Database>, book: BookRow): Promise<void> {
    await trx
      .updateTable('documents')
      .set({ status: 'DELETING', lease_until: null, updated_at: isoTime(this.clock.now()) })
      .where('book_pk', '=', book.pk)
      .where('status', 'not in', GONE_STATUSES)
      .execute()
    this.events.queued()
  }

  /** Stops processing of a document not yet finished; a finished one answers 406. */
  async cancel(orgId: string, ref: DocumentRef): Promise<DocumentRow> {
    const document = await this.get(orgId, ref)
    const cancelled = await this.db
      .updateTable('documents')
      .set({
        status: 'REJECTED',
        rejection_reason: REJECTION_REASONS.cancelled.reason,
        rejection_reason_description: REJECTION_REASONS.cancelled.description,
        lease_until: null,
        updated_at: isoTime(this.clock.now()),
      })
      .where('pk', '=', document.pk)
      .where('status', 'in', UNFINISHED_STATUSES)
      .returningAll()
      .executeTakeFirst()

    if (cancelled === undefined) throw new ApiError(1520)
    return cancelled
  }

  /**
   * Changes how a document is processed. A finished Instant document upgraded to Complete is
   * queued again, so the fuller processing runs on it.
   */
  async upgrade(
    orgId: string,
    ref: DocumentRef,
    type: ProcessingType,
    kinds: readonly DocumentKind[],
  ): Promise<DocumentRow> {
    const document = await this.get(orgId, ref, kinds)
    if ((GONE_STATUSES as readonly string[]).includes(document.status)) throw new ApiError(1501)

    const requeue =
      type === 'COMPLETE' &&
      document.processing_type !== 'COMPLETE' &&
      document.status === 'VERIFICATION_COMPLETE'
    const upgraded = await this.db
      .updateTable('documents')
      .set({
        processing_type: type,
        ...(requeue && { status: 'QUEUED', lease_until: null }),
        updated_at: isoTime(this.clock.now()),
      })
      .where('pk', '=', document.pk)
      .returningAll()
      .executeTakeFirstOrThrow()

    if (requeue) this.events.queued()
    return upgraded
  }

  async hasOpenImageGroup(bookPk: number): Promise<boolean> {
    const group = await this.db
      .selectFrom('image_groups')
      .select('pk')
      .where('book_pk', '=', bookPk)
      .where('status', '=', 'OPEN')
      .executeTakeFirst()
    return group !== undefined
  }
}
