import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { readBookFields, readBookRef } from '../book-params.js'
import { Envelope, UpdateBookBody } from '../book-schemas.js'
import { bookUpdateView } from '../book-view.js'

/** POST /v1/book/update: changes a Book's name, class, type, visibility or xid. */
export function updateBookRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/book/update',
    {
      config: { scope: 'books:write' },
      schema: {
        summary: 'Update a Book',
        tags: ['Books'],
        body: UpdateBookBody,
        response: { 200: Envelope },
      },
    },
    async (request) => {
      const params = readParams(request)
      const ref = readBookRef(params)
      const book = await services.books.update(request.caller.orgId, ref, readBookFields(params))
      return envelope(bookUpdateView(book))
    },
  )
}
