import type { FastifyInstance } from 'fastify'

import { isoTime } from '../clock.js'
import { recordCredentialEvent } from '../credentials/credential-events.js'
import { logEvents } from '../log.js'
import type { Services } from '../services.js'
import { authenticateCaller } from './introspection-route.js'
import { noStore } from './oauth-reply.js'

/**
 * POST /oauth/revoke (RFC 7009). A client may revoke only tokens issued to it; anything else,
 * including an unknown or malformed token, gets the same 200 (RFC 7009 §2.2: "invalid tokens do
 * not cause an error response").
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2
 */
export function registerRevocationRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/oauth/revoke',
    { bodyLimit: 64 * 1024, schema: { hide: true } },
    async (request, reply) => {
      const { client, token } = await authenticateCaller(request, services)
      const claims = await services.accessTokens.decodeOwn(token)

      if (claims !== undefined && claims.client_id === client.client_id) {
        const expiresAt = isoTime(claims.exp * 1000)
        await recordCredentialEvent(
          services.storage.db,
          services.clock,
          'token_revoked',
          claims.jti,
          expiresAt,
        )
        await services.credentialEvents.pollOnce()
        logEvents.tokenRevoked(request.log, { client_id: client.client_id, jti: claims.jti })
      }
      return noStore(reply).code(200).send()
    },
  )
}
