import type { FastifyInstance } from 'fastify'

import type { Services } from '../services.js'
import { postmanCollection, postmanEnvironment } from './postman-collection.js'

/** GET /postman/collection.json and /postman/environment.json, ready to import. */
export async function postmanRoutes(app: FastifyInstance, services: Services): Promise<void> {
  const baseUrl = services.config.publicUrl

  app.get('/postman/collection.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-disposition', 'attachment; filename="quire.postman_collection.json"')
    return postmanCollection(baseUrl)
  })

  app.get<{ Querystring: { client_id?: string } }>(
    '/postman/environment.json',
    { schema: { hide: true } },
    async (request, reply) => {
      const clientId = request.query.client_id
      reply.header('content-disposition', 'attachment; filename="quire.postman_environment.json"')
      return postmanEnvironment(
        baseUrl,
        typeof clientId === 'string' && /^[\w-]{1,64}$/.test(clientId) ? clientId : '',
      )
    },
  )
}
