import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { readDocRef } from '../document-params.js'
import { visibleStatus } from '../document-view.js'
import { DocRefQuery, UploadEnvelope } from '../document-schemas.js'

/** GET /v1/document/mixed/status: a mixed document's state (reference §6). */
export function mixedStatusRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/document/mixed/status',
    {
      config: { scope: 'documents:read' },
      schema: {
        summary: 'Mixed document status',
        tags: ['Documents'],
        querystring: DocRefQuery,
        response: { 200: UploadEnvelope },
      },
    },
    async (request) => {
      const doc = await services.documents.get(
        request.caller.orgId,
        readDocRef(readParams(request)),
        ['MIXED'],
      )
      const book = await services.books.get(request.caller.orgId, { pk: doc.book_pk })
      return envelope({
        pk: doc.pk,
        uuid: doc.uuid,
        name: doc.name,
        page_count: doc.page_count,
        checksum: doc.md5,
        document_status: visibleStatus(doc),
        rejection_reason: doc.rejection_reason,
        book_pk: book.pk,
        book_uuid: book.uuid,
        docs: [],
        pages: Array.from({ length: doc.page_count }, (_, index) => ({ page_idx: index })),
      })
    },
  )
}
