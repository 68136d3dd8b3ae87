import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { MultipartUpload, UploadEnvelope } from '../document-schemas.js'
import { handleUpload } from '../upload-handler.js'
import { v2UploadResponse } from './upload-answers.js'

const BookPath = Type.Object({ book_uuid: Type.String() })
const FormPath = Type.Object({
  book_uuid: Type.String(),
  form_type: Type.String({ description: 'e.g. paystub, bank_statement, w2' }),
})

/** POST /v2/book/{book_uuid}/document/{form_type} and /v2/book/{book_uuid}/mixed-document. */
export function uploadDocumentV2Routes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: { book_uuid: string; form_type: string } }>(
    '/v2/book/:book_uuid/document/:form_type',
    {
      config: { scope: 'documents:write' },
      schema: {
        summary: 'Upload one document of a form type',
        tags: ['Documents'],
        params: FormPath,
        consumes: ['multipart/form-data'],
        description: MultipartUpload,
        response: { 200: UploadEnvelope },
      },
    },
    async (request) => {
      const { book_uuid, form_type } = request.params
      const { outcome } = await handleUpload(request, services, {
        kind: 'UPLOADED',
        bookUuid: book_uuid,
        formType: form_type,
      })
      return envelope(v2UploadResponse(outcome, false))
    },
  )

  app.post<{ Params: { book_uuid: string } }>(
    '/v2/book/:book_uuid/mixed-document',
    {
      config: { scope: 'documents:write' },
      schema: {
        summary: 'Upload a file holding several documents',
        tags: ['Documents'],
        params: BookPath,
        consumes: ['multipart/form-data'],
        description: MultipartUpload,
        response: { 200: UploadEnvelope },
      },
    },
    async (request) => {
      const { outcome } = await handleUpload(request, services, {
        kind: 'MIXED',
        bookUuid: request.params.book_uuid,
      })
      return envelope(v2UploadResponse(outcome, true))
    },
  )
}
