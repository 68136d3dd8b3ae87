import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'

import { readBookRef } from '../../books/book-params.js'
import { envelope } from '../../http/api-errors.js'
import { readString } from '../../http/param-readers.js'
import { readParams, type Params } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { UploadEnvelope } from '../document-schemas.js'
import { readUpload } from '../read-upload.js'
import { readFormType } from '../upload-handler.js'

const DoneParams = Type.Object(
  {
    pk: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: 'The Book pk' })),
    book_uuid: Type.Optional(Type.String({ description: 'The Book uuid' })),
    form_type: Type.Optional(
      Type.String({ description: 'The form type of the images; without it, a mixed document' }),
    ),
  },
  { additionalProperties: true },
)

/**
 * POST /v1/book/upload/image/done: closes the book's open image group and makes one PDF
 * document of its images (reference §5). Answers INT-OAS's ids, a superset of DOCS-OAS's `{}`.
 */
export function finishImageGroupRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/book/upload/image/done',
    {
      config: { scope: 'documents:write' },
      schema: {
        summary: 'Finish the open image group into a document',
        tags: ['Documents'],
        description:
          'Parameters in a JSON, form or multipart body, or the query. The answer names the image group, its uuid (`image_bucket_uuid`) and the new document: `mixed_doc_uuid` without `form_type`, `doc_uuid` with it.',
        querystring: DoneParams,
        response: { 200: UploadEnvelope },
      },
    },
    async (request) => {
      const params = await finishParams(request, services)
      const book = await services.books.get(request.caller.orgId, readBookRef(params))
      const formType = readFormType(readString(params, 'form_type'))
      const { group, document } = await services.imageGroupFinisher.finish(
        request.caller.orgId,
        book,
        formType,
      )
      const mixed = document.kind === 'MIXED'
      return envelope({
        image_group_pk: group.pk,
        image_bucket_uuid: group.uuid,
        mixed_doc_uuid: mixed ? document.uuid : null,
        doc_uuid: mixed ? null : document.uuid,
      })
    },
  )
}

/** Ocrolus's own example sends this form as multipart, with no file. */
async function finishParams(request: FastifyRequest, services: Services): Promise<Params> {
  if (!request.isMultipart()) return readParams(request)
  const { fields, file } = await readUpload(request, services.staging, 0)
  await services.staging.discard(file?.staged)
  return { ...(request.query as Params), ...fields }
}
