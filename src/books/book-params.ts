import { ApiError } from '../http/api-errors.js'
import { readBoolean, readEnum, readRef, readString } from '../http/param-readers.js'
import type { Params } from '../http/request-params.js'
import type { BookChanges, BookRef } from './book-service.js'
import { BOOK_CLASSES, BOOK_NAME_MAX, BOOK_TYPES } from './book-values.js'

/** A book named by any alias: pk, book_pk, book_id, or book_uuid, uuid. */
export function readBookRef(params: Params): BookRef {
  const ref = readRef(params, ['pk', 'book_pk', 'book_id', 'id'], ['book_uuid', 'uuid'])
  if (ref === undefined) throw new ApiError(1103)
  return ref
}

export function readBookFields(params: Params): BookChanges {
  const name = readString(params, 'name', { max: BOOK_NAME_MAX })?.trim()
  if (name === '') throw new ApiError(1003, '"name" must not be empty')

  const xid = params.xid === null ? null : readString(params, 'xid')
  return {
    ...(name !== undefined && { name }),
    ...(xid !== undefined && { xid }),
    bookClass: readEnum(params, 'book_class', BOOK_CLASSES),
    bookType: readEnum(params, 'book_type', BOOK_TYPES),
    isPublic: readBoolean(params, 'is_public'),
  }
}
