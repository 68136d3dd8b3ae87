import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'

import { ApiError } from '../../http/api-errors.js'
import { readString } from '../../http/param-readers.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'

const DOC_TYPES = ['UploadedDoc', 'MixedUploadedDoc'] as const

const Query = Type.Object(
  {
    doc_uuid: Type.String({ description: 'The document uuid' }),
    doc_type: Type.Optional(
      Type.String({ enum: [...DOC_TYPES], description: 'UploadedDoc by default' }),
    ),
  },
  { additionalProperties: true },
)

/** GET /v2/document/download: streams the stored original. */
export function downloadDocumentRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v2/document/download',
    {
      config: { scope: 'documents:read' },
      schema: { summary: 'Download a document', tags: ['Documents'], querystring: Query },
    },
    async (request, reply) => {
      const params = readParams(request)
      const uuid = readString(params, 'doc_uuid')
      if (uuid === undefined) throw new ApiError(1003, '"doc_uuid" is required')
      const docType = DOC_TYPES.find(
        (t) => t.toLowerCase() === String(params.doc_type ?? 'UploadedDoc').toLowerCase(),
      )
      if (docType === undefined)
        throw new ApiError(1003, `"doc_type" must be one of ${DOC_TYPES.join(', ')}`)

      const kinds =
        docType === 'MixedUploadedDoc' ? (['MIXED'] as const) : (['UPLOADED', 'JSON'] as const)
      const { document, body } = await services.documents.download(
        request.caller.orgId,
        { uuid: uuid.toLowerCase() },
        kinds,
      )
      return reply
        .header('content-type', document.content_type)
        .header('content-length', String(document.size))
        .header('content-disposition', contentDisposition(document.name))
        .send(body)
    },
  )
}

/** RFC 6266 §4.3: an ASCII fallback plus the UTF-8 name (RFC 8187), quotes and controls dropped. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}
