import type { DocumentRow } from '../db/schema.js'
import { ocrolusTime } from '../books/book-view.js'
import { UNFINISHED_STATUSES } from './document-values.js'
import type { BookStatus } from '../books/book-values.js'

/** An item of `uploaded_docs` / `mixed_uploaded_docs` in an upload answer. */
export function uploadedView(doc: DocumentRow) {
  return {
    pk: doc.pk,
    id: doc.pk,
    uuid: doc.uuid,
    name: doc.name,
    page_count: doc.page_count,
    checksum: doc.md5,
    created_ts: ocrolusTime(doc.created_at),
  }
}

/** Mixed documents report their finished state as COMPLETED, as Ocrolus's do. */
export function visibleStatus(doc: DocumentRow): string {
  return doc.kind === 'MIXED' && doc.status === 'VERIFICATION_COMPLETE' ? 'COMPLETED' : doc.status
}

/** An item of a book's `docs[]`. */
export function docItem(doc: DocumentRow) {
  return {
    pk: doc.pk,
    uuid: doc.uuid,
    name: doc.name,
    pages: doc.page_count,
    md5: doc.md5,
    status: visibleStatus(doc),
    image_group_pk: doc.image_group_pk,
    mixed_uploaded_doc_pk: null,
    rejection_reason: doc.rejection_reason,
    rejection_reason_description: doc.rejection_reason_description,
    document_class: doc.document_class,
    form_type: doc.form_type,
    processing_type: doc.processing_type,
  }
}

/** An item of a book's `mixed_docs[]`. */
export function mixedDocItem(doc: DocumentRow) {
  return {
    pk: doc.pk,
    id: doc.pk,
    uuid: doc.uuid,
    name: doc.name,
    pages: doc.page_count,
    md5: doc.md5,
    status: visibleStatus(doc),
    image_group_pk: doc.image_group_pk,
    rejection_reason: doc.rejection_reason,
    document_class: doc.document_class,
  }
}

/** The book's status follows from its live documents (reference §4). */
export function bookStatusOf(docs: DocumentRow[], openImageGroup: boolean): BookStatus {
  if (docs.length === 0) return openImageGroup ? 'UPLOAD' : 'CREATED'
  if (docs.some((d) => (UNFINISHED_STATUSES as readonly string[]).includes(d.status)))
    return 'VERIFYING'
  return 'VERIFIED'
}

/** The documents of a book split as Ocrolus lists them. */
export function bookDocuments(docs: DocumentRow[]) {
  return {
    docs: docs.filter((d) => d.kind !== 'MIXED').map(docItem),
    mixed_docs: docs.filter((d) => d.kind === 'MIXED').map(mixedDocItem),
  }
}
