import type { FastifyRequest } from 'fastify'

import { readBookRef } from '../books/book-params.js'
import type { BookRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { Services } from '../services.js'
import { FORM_TYPES, type DocumentKind } from './document-values.js'
import { cleanFileName, readUpload } from './read-upload.js'
import type { UploadOutcome } from './upload-service.js'

export interface UploadOptions {
  kind: DocumentKind
  /** v2 routes name the book in the path; v1 routes in a field or the query. */
  bookUuid?: string
  /** v2 routes name the form type in the path. */
  formType?: string
}

/**
 * The steps every PDF upload route shares: receive the file, find the book (after the whole
 * body, since its field may follow the file), check the form type, and hand over to the upload
 * service. The staged file is gone when this returns, stored or not.
 */
export async function handleUpload(
  request: FastifyRequest,
  services: Services,
  options: UploadOptions,
): Promise<{ book: BookRow; outcome: UploadOutcome }> {
  const { staging, uploads, books, config } = services
  const { fields, file } = await readUpload(request, staging, config.uploadMaxBytes)

  try {
    const params = { ...(request.query as object), ...fields }
    const ref = options.bookUuid !== undefined ? { uuid: options.bookUuid } : readBookRef(params)
    const book = await books.get(request.caller.orgId, ref)
    if (file === undefined) throw new ApiError(1104, 'Required file "upload" not found')

    const formType = readFormType(options.formType ?? fields.form_type)
    const name = cleanFileName(fields.doc_name ?? file.filename)
    const outcome = await uploads.accept({
      orgId: request.caller.orgId,
      book,
      staged: file.staged,
      name,
      kind: options.kind,
      formType,
    })
    return { book, outcome }
  } finally {
    await staging.discard(file?.staged)
  }
}

function readFormType(raw: string | undefined): string | null {
  if (raw === undefined || raw.trim() === '') return null
  const formType = raw.trim().toUpperCase()
  if (!(FORM_TYPES as readonly string[]).includes(formType)) throw new ApiError(6001)
  return formType
}
