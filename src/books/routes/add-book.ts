import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { readBookFields } from '../book-params.js'
import { AddBookBody, Envelope } from '../book-schemas.js'
import { bookView } from '../book-view.js'
import { ApiError } from '../../http/api-errors.js'

/** POST /v1/book/add: creates a Book; its name is unique within the organization. */
export function addBookRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/book/add',
    {
      config: { scope: 'books:write' },
      schema: {
        summary: 'Create a Book',
        tags: ['Books'],
        body: AddBookBody,
        response: { 200: Envelope },
      },
    },
    async (request) => {
      const fields = readBookFields(readParams(request))
      if (fields.name === undefined) throw new ApiError(1003, '"name" is required')

      const org = await services.organizations.get(request.caller.orgId)
      const book = await services.books.add(request.caller.orgId, {
        ...fields,
        name: fields.name,
        ownerEmail: org.email,
      })
      return envelope(bookView(book))
    },
  )
}
