import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { UploadEnvelope } from '../document-schemas.js'
import type { ImageOutcome } from '../image-group-service.js'
import { readTruthy } from '../image-params.js'
import { cleanFileName } from '../read-upload.js'
import { withBookUpload } from '../upload-handler.js'

const Query = Type.Object(
  {
    pk: Type.Optional(Type.String({ description: 'The Book pk (or book_pk, book_id)' })),
    book_uuid: Type.Optional(Type.String({ description: 'The Book uuid (or uuid)' })),
    return_image_pk: Type.Optional(Type.String({ description: 'true adds image_pk' })),
  },
  { additionalProperties: true },
)

/** POST /v1/book/upload/image: one image into the book's open image group (reference §5). */
export function uploadImageRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/book/upload/image',
    {
      config: { scope: 'documents:write' },
      schema: {
        summary: 'Upload an image into the open image group',
        tags: ['Documents'],
        consumes: ['multipart/form-data'],
        querystring: Query,
        description:
          'multipart/form-data with the image under `upload`, `file` or any field name; `pk` or `book_uuid` (form or query); optional `return_image_pk`. JPEG, PNG, BMP or single-image TIFF, recognised by content, at most 75 million pixels. A duplicate of an image of the open group, or a file that is not such an image, is answered with HTTP 200 and an inner `status` 400.',
        response: { 200: UploadEnvelope },
      },
    },
    async (request) =>
      withBookUpload(request, services, undefined, async ({ book, file, fields }) => {
        const params = { ...(request.query as object), ...fields }
        const withImagePk = readTruthy(params, 'return_image_pk')
        const outcome = await services.imageGroups.add({
          orgId: request.caller.orgId,
          book,
          staged: file.staged,
          name: cleanFileName(file.filename, 'image'),
        })
        return envelope(imageResponse(outcome, withImagePk))
      }),
  )
}

function imageResponse(outcome: ImageOutcome, withImagePk: boolean) {
  if (outcome.ok) {
    return {
      image_group_pk: outcome.group.pk,
      ...(withImagePk && { image_pk: outcome.image.pk }),
    }
  }
  const { message, group, duplicates } = outcome.rejection
  return {
    status: 400,
    message,
    original_existing_groups_and_image_pks: duplicates.map((image) => ({
      existing_image_group_pk: image.image_group_pk,
      existing_image_pk: image.pk,
      existing_image_uuid: image.uuid,
    })),
    ...(group !== undefined && { image_group_pk: group.pk }),
  }
}
