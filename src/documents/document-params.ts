import { ApiError } from '../http/api-errors.js'
import { readEnum, readRef } from '../http/param-readers.js'
import type { Params } from '../http/request-params.js'
import { PROCESSING_TYPES, type DocumentRef, type ProcessingType } from './document-service.js'

/** A document named by any alias Ocrolus's endpoints use: doc_id, doc_pk, pk or doc_uuid. */
export function readDocRef(params: Params): DocumentRef {
  const ref = readRef(
    params,
    ['doc_id', 'doc_pk', 'mixed_doc_pk', 'pk', 'id'],
    ['doc_uuid', 'mixed_doc_uuid', 'uuid'],
  )
  if (ref === undefined) throw new ApiError(1003, 'Required doc pk or doc uuid')
  return ref
}

export function readUpgradeType(params: Params): ProcessingType {
  const type = readEnum(params, 'upgrade_type', PROCESSING_TYPES)
  if (type === undefined)
    throw new ApiError(1003, '"upgrade_type" is required: INSTANT or COMPLETE')
  return type
}
