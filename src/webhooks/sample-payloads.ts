import type { WebhookEvent } from './webhook-events.js'

/** Test payloads name no real Book or document: zero pks and the nil uuid, as Ocrolus's test. */
const NIL = '00000000-0000-0000-0000-000000000000'

/** A payload shaped like a real one of this event (reference §8.3), for the test endpoint. */
export function samplePayload(event: WebhookEvent): Record<string, unknown> {
  const common = {
    event_name: event.name,
    notification_type: event.type,
    notification_reason: event.reason,
    severity: event.severity,
  }
  const book = { book_pk: 0, book_uuid: NIL }
  const family = event.name.split('.')[0]

  if (family === 'book') {
    const status = event.name === 'book.completed' ? 'BOOK_COMPLETE' : 'VERIFIED'
    const uploaded_docs = [{ uuid: NIL, status: 'VERIFICATION_COMPLETE' }]
    return { ...common, status, ...book, book_name: 'Sample Book', uploaded_docs }
  }
  if (family === 'document' || family === 'mixed_document') {
    return { ...common, status: documentStatus(event), ...book, ...documentIds(family) }
  }
  if (family === 'image_group') {
    return { ...common, ...book, uploaded_image_group_pk: 0, uploaded_image_group_uuid: NIL }
  }
  return { ...common, ...book }
}

function documentStatus(event: WebhookEvent): string {
  return event.type === 'ISSUE' ? 'REJECTED' : 'VERIFICATION_COMPLETE'
}

function documentIds(family: string) {
  const mixed = family === 'mixed_document'
  return {
    doc_uuid: NIL,
    uploaded_doc_pk: mixed ? null : 0,
    uploaded_doc_uuid: mixed ? null : NIL,
    mixed_uploaded_doc_pk: mixed ? 0 : null,
    mixed_uploaded_doc_uuid: mixed ? NIL : null,
    uploaded_image_group_pk: null,
    uploaded_image_group_uuid: null,
  }
}
