import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'

import type { Services } from '../services.js'

/** /healthz says the process answers; /readyz that storage and signing keys work too. */
export async function healthRoutes(app: FastifyInstance, services: Services): Promise<void> {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }))

  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(services.storage.db)
      services.signingKeys.signingKey()
      return { status: 'ready' }
    } catch (error) {
      request.log.warn({ err: error }, 'not ready')
      return reply.code(503).send({ status: 'unavailable' })
    }
  })
}
