import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { readBookRef } from '../book-params.js'
import { Envelope, RemoveBookBody } from '../book-schemas.js'

/** POST /v1/book/remove: deletes a Book. */
export function removeBookRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/book/remove',
    {
      config: { scope: 'books:write' },
      schema: {
        summary: 'Remove a Book',
        tags: ['Books'],
        body: RemoveBookBody,
        response: { 200: Envelope },
      },
    },
    async (request) => {
      const book = await services.books.get(request.caller.orgId, readBookRef(readParams(request)))
      await services.books.remove(request.caller.orgId, { pk: book.pk }, async (trx) => {
        await services.documents.removeAllInBook(trx, book)
        await services.imageGroups.discardOpen(trx, book)
      })
      // After the commit: the images of an unfinished group go now, not at the next sweep.
      await services.imageGroups.purgeDiscarded(book.pk)
      return envelope({})
    },
  )
}
