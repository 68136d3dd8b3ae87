import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { handleUpload } from '../upload-handler.js'
import { MultipartUpload, UploadEnvelope } from '../document-schemas.js'
import { v1UploadResponse } from './upload-answers.js'

/** POST /v1/book/upload and /v1/book/upload/mixed: one PDF into a book, multipart. */
export function uploadDocumentRoutes(app: FastifyInstance, services: Services): void {
  for (const [url, mixed] of [
    ['/v1/book/upload', false],
    ['/v1/book/upload/mixed', true],
  ] as const) {
    app.post(
      url,
      {
        config: { scope: 'documents:write' },
        schema: {
          summary: mixed ? 'Upload a file holding several documents' : 'Upload one document',
          tags: ['Documents'],
          consumes: ['multipart/form-data'],
          description: MultipartUpload,
          response: { 200: UploadEnvelope },
        },
      },
      async (request) => {
        const { outcome } = await handleUpload(request, services, {
          kind: mixed ? 'MIXED' : 'UPLOADED',
        })
        return envelope(v1UploadResponse(outcome, mixed))
      },
    )
  }
}
