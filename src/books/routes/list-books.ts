import type { FastifyInstance, FastifyRequest } from 'fastify'

import { ApiError, envelope } from '../../http/api-errors.js'
import { readEnum, readInteger, readString } from '../../http/param-readers.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import type { BookQuery } from '../book-service.js'
import { BOOK_ORDER_BY, SORT_ORDERS } from '../book-values.js'
import { Envelope, ListBooksQuery } from '../book-schemas.js'
import { bookListItem } from '../book-view.js'

/**
 * GET /v1/books: the organization's Books as an array; with `limit`, the paginated object of
 * the Ocrolus spec instead.
 */
export function listBooksRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/books',
    {
      config: { scope: 'books:read' },
      schema: {
        summary: 'List Books',
        tags: ['Books'],
        querystring: ListBooksQuery,
        response: { 200: Envelope },
      },
    },
    async (request) => {
      const query = readQuery(request)
      const { books, total } = await services.books.list(request.caller.orgId, query)
      const items = books.map(bookListItem)
      if (query.limit === undefined) return envelope(items)

      return envelope({
        limit: query.limit,
        books: items,
        total_book_count: total,
        _links: links(request, query, total),
      })
    },
  )
}

function readQuery(request: FastifyRequest): BookQuery {
  const params = readParams(request)
  const name = readString(params, 'name')
  const search = readString(params, 'search')
  if (name !== undefined && search !== undefined)
    throw new ApiError(1003, '"name" and "search" cannot be combined')

  return {
    name,
    search,
    xid: readString(params, 'xid'),
    orderBy: readEnum(params, 'order_by', BOOK_ORDER_BY) ?? 'pk',
    order: readEnum(params, 'order', SORT_ORDERS) ?? 'DESC',
    limit: readInteger(params, 'limit', 1, 1000),
    offset: readInteger(params, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
  }
}

function links(request: FastifyRequest, query: BookQuery, total: number) {
  const limit = query.limit ?? total
  const page = (offset: number) => {
    const url = new URL(request.url, 'http://placeholder')
    url.searchParams.set('limit', String(limit))
    url.searchParams.set('offset', String(offset))
    return `${url.pathname}${url.search}`
  }

  return {
    self: page(query.offset),
    next: query.offset + limit < total ? page(query.offset + limit) : null,
    prev: query.offset > 0 ? page(Math.max(0, query.offset - limit)) : null,
  }
}
