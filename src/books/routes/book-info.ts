import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { readBookRef } from '../book-params.js'
import { BookRefQuery, Envelope } from '../book-schemas.js'
import { bookInfoView } from '../book-view.js'

/** GET /v1/book/info: one Book with its documents. */
export function bookInfoRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/book/info',
    {
      config: { scope: 'books:read' },
      schema: {
        summary: 'Book information',
        tags: ['Books'],
        querystring: BookRefQuery,
        response: { 200: Envelope },
      },
    },
    async (request) => {
      const book = await services.books.get(request.caller.orgId, readBookRef(readParams(request)))
      return envelope(bookInfoView(book, await services.documents.listForBook(book.pk)))
    },
  )
}
