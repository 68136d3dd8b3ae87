import type { FastifyInstance } from 'fastify'

import { booksPlugin } from '../books/books-plugin.js'
import { documentsPlugin } from '../documents/documents-plugin.js'
import type { Services } from '../services.js'
import { webhooksPlugin } from '../webhooks/webhooks-plugin.js'
import { apiErrorHandler } from './api-error-handler.js'
import { registerBearerAuth } from './bearer-auth.js'
import { registerInputGuards } from './input-guards.js'
import { registerGetBodies } from './request-params.js'

/** The Ocrolus-compatible API: bearer-protected, Ocrolus envelope on every answer. */
export async function apiPlugin(app: FastifyInstance, services: Services): Promise<void> {
  app.setErrorHandler(apiErrorHandler)
  registerBearerAuth(app, services)
  registerGetBodies(app)
  registerInputGuards(app)

  await app.register(booksPlugin, services)
  await app.register(documentsPlugin, services)
  await app.register(webhooksPlugin, services)
}
