import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { readBookRef } from '../book-params.js'
import { BookRefQuery, Envelope } from '../book-schemas.js'
import { bookStatusView } from '../book-view.js'

/** GET /v1/book/status: a Book's `book_status` and its documents' statuses. */
export function bookStatusRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/book/status',
    {
      config: { scope: 'books:read' },
      schema: {
        summary: 'Book status',
        tags: ['Books'],
        querystring: BookRefQuery,
        response: { 200: Envelope },
      },
    },
    async (request) => {
      const book = await services.books.get(request.caller.orgId, readBookRef(readParams(request)))
      const docs = await services.documents.listForBook(book.pk)
      const openGroup = await services.documents.hasOpenImageGroup(book.pk)
      return envelope(bookStatusView(book, docs, openGroup))
    },
  )
}
