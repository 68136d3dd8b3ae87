import type { FastifyRequest } from 'fastify'

import { readBookRef } from '../books/book-params.js'
import type { BookRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { Services } from '../services.js'
import { FORM_TYPES, type DocumentKind } from './document-values.js'
import { cleanFileName, readUpload, type ReceivedFile } from './read-upload.js'
import type { UploadOutcome } from './upload-service.js'

export interface UploadOptions {
  kind: DocumentKind
  /** v2 routes name the book in the path; v1 routes in a field or the query. */
  bookUuid?: string
  /** v2 routes name the form type in the path. */
  formType?: string
}

export interface BookUpload {
  book: BookRow
  file: ReceivedFile
  fields: Record<string, string>
}

/**
 * The steps every file upload route shares: receive the file, find the book (after the whole
 * body, since its field may follow the file), and hand both to `use`. The staged file is gone
 * when this returns, stored or not.
 */
export async function withBookUpload<T>(
  request: FastifyRequest,
  services: Services,
  bookUuid: string | undefined,
  use: (upload: BookUpload) => Promise<T>,
): Promise<T> {
  const { staging, books, config } = services
  const { fields, file } = await readUpload(request, staging, config.uploadMaxBytes)

  try {
    const params = { ...(request.query as object), ...fields }
    const ref = bookUuid !== undefined ? { uuid: bookUuid } : readBookRef(params)
    const book = await books.get(request.caller.orgId, ref)
    if (file === undefined) throw new ApiError(1104, 'Required file "upload" not found')
    return await use({ book, file, fields })
  } finally {
    await staging.discard(file?.staged)
  }
}

/** A PDF upload: the form type checked, then the upload service decides. */
export function handleUpload(
  request: FastifyRequest,
  services: Services,
  options: UploadOptions,
): Promise<{ book: BookRow; outcome: UploadOutcome }> {
  return withBookUpload(request, services, options.bookUuid, async ({ book, file, fields }) => {
    const formType = readFormType(options.formType ?? fields.form_type)
    const name = cleanFileName(fields.doc_name ?? file.filename)
    const outcome = await services.uploads.accept({
      orgId: request.caller.orgId,
      book,
      staged: file.staged,
      name,
      kind: options.kind,
      formType,
    })
    return { book, outcome }
  })
}

/** A `form_type`, upper-cased, or null when none is given; 6001 for one Quire does not know. */
export function readFormType(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null
  const formType = raw.trim().toUpperCase()
  if (!(FORM_TYPES as readonly string[]).includes(formType)) throw new ApiError(6001)
  return formType
}
