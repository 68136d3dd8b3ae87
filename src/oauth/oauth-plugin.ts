import type { FastifyInstance } from 'fastify'

import type { Services } from '../services.js'
import { registerDiscoveryRoutes } from './discovery-routes.js'
import { registerIntrospectionRoute } from './introspection-route.js'
import { registerJsonParams } from './json-params.js'
import { oauthErrorHandler, noStore } from './oauth-reply.js'
import { registerRevocationRoute } from './revocation-route.js'
import { registerTokenRoute } from './token-route.js'

const POST_ONLY = ['/oauth/token', '/oauth/introspect', '/oauth/revoke']

/** The authorization server: its endpoints share RFC 6749 §5.2 error answers. */
export async function oauthPlugin(app: FastifyInstance, services: Services): Promise<void> {
  app.setErrorHandler(oauthErrorHandler)
  registerJsonParams(app)

  registerTokenRoute(app, services)
  registerIntrospectionRoute(app, services)
  registerRevocationRoute(app, services)
  registerDiscoveryRoutes(app, services)

  for (const url of POST_ONLY) {
    // RFC 9110 §15.5.6: a 405 names the allowed methods. OPTIONS never authenticates anybody.
    app.route({
      method: ['GET', 'PUT', 'PATCH', 'DELETE'],
      url,
      schema: { hide: true },
      handler: async (_request, reply) =>
        noStore(reply)
          .code(405)
          .header('allow', 'POST, OPTIONS')
          .send({ error: 'invalid_request', error_description: 'use POST' }),
    })
    if (services.config.corsOrigins.length === 0) {
      app.options(url, { schema: { hide: true } }, async (_request, reply) =>
        reply.code(204).header('allow', 'POST, OPTIONS').send(),
      )
    }
  }
}
