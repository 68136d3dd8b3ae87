import type { FastifyInstance } from 'fastify'

import type { Services } from '../services.js'
import { addBookRoute } from './routes/add-book.js'
import { bookInfoRoute } from './routes/book-info.js'
import { bookStatusRoute } from './routes/book-status.js'
import { listBooksRoute } from './routes/list-books.js'
import { removeBookRoute } from './routes/remove-book.js'
import { updateBookRoute } from './routes/update-book.js'

const ROUTES = [
  addBookRoute,
  listBooksRoute,
  bookInfoRoute,
  bookStatusRoute,
  updateBookRoute,
  removeBookRoute,
]

/** The v1 Book endpoints of reference §4. */
export async function booksPlugin(app: FastifyInstance, services: Services): Promise<void> {
  for (const route of ROUTES) route(app, services)
}
