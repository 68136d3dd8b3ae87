import type { Kysely } from 'kysely'

import type { BookRow, Database, DocumentRow, ImageGroupRow } from '../db/schema.js'
import { findEvent } from '../webhooks/webhook-events.js'

/** What the webhooks module offers: a delivery recorded in the caller's transaction. */
export interface WebhookEmitter {
  emit(
    orgId: string,
    eventName: string,
    payload: Record<string, unknown>,
    db?: Kysely<Database>,
  ): Promise<void>
}

/**
 * The lifecycle transitions other parts listen to: webhook events (reference §8.2, payloads as
 * §8.3) recorded in the same transaction as the change, and the pipeline's wake-up.
 */
export class DocumentEvents {
  private wakeListener: () => void = () => undefined

  constructor(private readonly webhooks: WebhookEmitter | undefined) {}

  onQueued(listener: () => void): void {
    this.wakeListener = listener
  }

  /** New work for the pipeline; it also polls, so a missed call only delays. */
  queued(): void {
    this.wakeListener()
  }

  /** A file or data stored; Plaid data has its own event (reference §8.2). */
  async uploaded(db: Kysely<Database>, book: BookRow, doc: DocumentRow): Promise<void> {
    const plaid = doc.data_source === 'PLAID'
    return this.emit(
      db,
      book,
      plaid ? 'plaid.upload_succeeded' : 'document.upload_succeeded',
      await documentPayload(db, book, doc, plaid ? 'Plaid data uploaded' : 'Document uploaded'),
    )
  }

  /** An image group became a document. */
  async imageGroupUploaded(
    db: Kysely<Database>,
    book: BookRow,
    doc: DocumentRow,
    group: ImageGroupRow,
  ): Promise<void> {
    return this.emit(
      db,
      book,
      'image_group.upload_succeeded',
      await documentPayload(db, book, doc, 'Image group uploaded', group.uuid),
    )
  }

  /** An image group could not become a document; no document was made. */
  imageGroupFailed(db: Kysely<Database>, book: BookRow, group: ImageGroupRow, reason: string) {
    return this.emit(db, book, 'image_group.upload_failed', {
      ...refusalPayload(book, reason),
      uploaded_image_group_pk: group.pk,
      uploaded_image_group_uuid: group.uuid,
    })
  }

  /** Plaid data refused at upload, before any document existed. */
  plaidRefused(db: Kysely<Database>, book: BookRow, reason: string): Promise<void> {
    return this.emit(db, book, 'plaid.upload_failed', refusalPayload(book, reason))
  }

  async classified(db: Kysely<Database>, book: BookRow, doc: DocumentRow): Promise<void> {
    return this.emit(db, book, 'document.classification_succeeded', {
      ...(await documentPayload(db, book, doc, 'Document classified')),
      document_class: doc.document_class,
    })
  }

  async verified(db: Kysely<Database>, book: BookRow, doc: DocumentRow): Promise<void> {
    return this.emit(
      db,
      book,
      'document.verification_succeeded',
      await documentPayload(db, book, doc, 'Document verified'),
    )
  }

  async rejected(db: Kysely<Database>, book: BookRow, doc: DocumentRow): Promise<void> {
    const event =
      doc.kind === 'MIXED'
        ? 'mixed_document.rejected'
        : doc.data_source === 'PLAID'
          ? 'plaid.upload_failed'
          : 'document.upload_failed'
    return this.emit(
      db,
      book,
      event,
      await documentPayload(db, book, doc, doc.rejection_reason ?? 'Document rejected'),
    )
  }

  /** Every document of the book is done: book.verified, then book.completed. */
  async bookSettled(db: Kysely<Database>, book: BookRow, docs: DocumentRow[]): Promise<void> {
    const uploaded_docs = docs.map((d) => ({ uuid: d.uuid, status: d.status }))
    const base = {
      book_pk: book.pk,
      book_uuid: book.uuid,
      book_name: book.name,
      uploaded_docs,
    }

    await this.emit(db, book, 'book.verified', {
      ...base,
      status: 'VERIFIED',
      notification_reason: 'Book is verified',
    })
    await this.emit(db, book, 'book.completed', {
      ...base,
      status: 'BOOK_COMPLETE',
      notification_reason: 'Completed tasks: CAPTURE',
      tasks: ['CAPTURE'],
    })
  }

  private async emit(
    db: Kysely<Database>,
    book: BookRow,
    event: string,
    payload: Record<string, unknown>,
  ): Promise<void> {
    // Type and severity are the ones the event's catalogue entry lists, as GET …/events reports.
    const entry = findEvent(event)
    const head = { event_name: event, notification_type: entry?.type, severity: entry?.severity }
    await this.webhooks?.emit(book.org_id, event, { ...head, ...payload }, db)
  }
}

async function documentPayload(
  db: Kysely<Database>,
  book: BookRow,
  doc: DocumentRow,
  reason: string,
  /** The group's uuid when the caller holds it already, which saves looking it up. */
  groupUuid?: string,
) {
  const mixed = doc.kind === 'MIXED'
  return {
    notification_reason: reason,
    status: doc.status,
    book_pk: book.pk,
    book_uuid: book.uuid,
    doc_uuid: doc.uuid,
    uploaded_doc_pk: mixed ? null : doc.pk,
    uploaded_doc_uuid: mixed ? null : doc.uuid,
    mixed_uploaded_doc_pk: mixed ? doc.pk : null,
    mixed_uploaded_doc_uuid: mixed ? doc.uuid : null,
    uploaded_image_group_pk: doc.image_group_pk,
    uploaded_image_group_uuid: groupUuid ?? (await imageGroupUuid(db, doc.image_group_pk)),
  }
}

/** A document made of an image group names the group by both keys, as the upload answer did. */
async function imageGroupUuid(db: Kysely<Database>, pk: number | null): Promise<string | null> {
  if (pk === null) return null
  const group = await db
    .selectFrom('image_groups')
    .select('uuid')
    .where('pk', '=', pk)
    .executeTakeFirst()
  return group?.uuid ?? null
}

function refusalPayload(book: BookRow, reason: string) {
  return {
    notification_reason: reason,
    status: 'REJECTED',
    book_pk: book.pk,
    book_uuid: book.uuid,
  }
}
