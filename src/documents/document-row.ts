import crypto from 'node:crypto'

import type { BookRow } from '../db/schema.js'
import type { DocumentKind } from './document-values.js'
import type { StagedFile } from './staging.js'

export interface NewDocument {
  orgId: string
  book: BookRow
  kind: DocumentKind
  name: string
  formType: string | null
  /** The stored file's hashes and size. */
  staged: StagedFile
  blobKey: string
  contentType: string
  pages: number
  now: string
  imageGroupPk?: number
  dataSource?: string
  uploadIntent?: string
}

/** The row of a new document, QUEUED for the pipeline, whichever route made it. */
export function documentRow(doc: NewDocument) {
  return {
    uuid: crypto.randomUUID(),
    org_id: doc.orgId,
    book_pk: doc.book.pk,
    kind: doc.kind,
    name: doc.name,
    form_type: doc.formType,
    status: 'QUEUED',
    page_count: doc.pages,
    md5: doc.staged.md5,
    sha256: doc.staged.sha256,
    size: doc.staged.size,
    content_type: doc.contentType,
    blob_key: doc.blobKey,
    processing_type: doc.book.book_class === 'COMPLETE' ? 'COMPLETE' : 'INSTANT',
    image_group_pk: doc.imageGroupPk ?? null,
    data_source: doc.dataSource ?? null,
    upload_intent: doc.uploadIntent ?? null,
    attempts: 0,
    created_at: doc.now,
    updated_at: doc.now,
  }
}
