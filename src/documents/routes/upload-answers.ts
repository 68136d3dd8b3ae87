import type { DocumentRow } from '../../db/schema.js'
import { uploadedView } from '../document-view.js'
import type { SoftRejection, UploadOutcome } from '../upload-service.js'

/** The inner error of a soft refusal, with the duplicates' ids as Ocrolus lists them. */
function softError(rejection: SoftRejection, mixed: boolean) {
  const { message, duplicates } = rejection
  if (duplicates.length === 0) return { status: 400, message }
  if (mixed) {
    const first = duplicates[0] as DocumentRow
    return {
      status: 400,
      message,
      original_existing_doc_pk: first.pk,
      original_existing_doc_uuid: first.uuid,
    }
  }
  return {
    status: 400,
    message,
    original_existing_doc_pks: duplicates.map((d) => d.pk),
    original_existing_doc_uuids: duplicates.map((d) => d.uuid),
  }
}

/** `response` of /v1/book/upload and /v1/book/upload/mixed (reference §5). */
export function v1UploadResponse(outcome: UploadOutcome, mixed: boolean) {
  const list = mixed ? 'mixed_uploaded_docs' : 'uploaded_docs'
  if (!outcome.ok) return { ...softError(outcome.rejection, mixed), [list]: [] }
  return { [list]: [uploadedView(outcome.document)] }
}

/** `response` of the v2 upload routes: the new document's uuid. */
export function v2UploadResponse(outcome: UploadOutcome, mixed: boolean) {
  if (!outcome.ok) return softError(outcome.rejection, mixed)
  return mixed ? { mixed_doc_uuid: outcome.document.uuid } : { doc_uuid: outcome.document.uuid }
}
