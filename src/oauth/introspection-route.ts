import type { FastifyInstance, FastifyRequest } from 'fastify'

import type { Services } from '../services.js'
import { readClientCredentials } from './client-authentication.js'
import { InvalidClient, InvalidRequest } from './errors.js'
import { noStore } from './oauth-reply.js'
import { readOAuthParams } from './token-request.js'
import type { ClientRow } from '../db/schema.js'

/** Reads the parameters and authenticates the calling client, as the token endpoint does. */
export async function authenticateCaller(
  request: FastifyRequest,
  services: Services,
): Promise<{ client: ClientRow; token: string }> {
  const params = readOAuthParams(request)
  const presented = readClientCredentials(request, params)

  await services.authThrottle.check(presented.clientId, request.ip)
  let client: ClientRow
  try {
    client = await services.clientAuthenticator.authenticate(presented)
  } catch (error) {
    if (error instanceof InvalidClient)
      await services.authThrottle.recordFailure(presented.clientId, request.ip)
    throw error
  }

  const token = params.get('token')
  if (token === undefined) throw new InvalidRequest('"token" is required')
  // RFC 7009 §2.1 and RFC 7662 §2.1: the hint only speeds up the lookup and the server may
  // ignore it. Quire has one token type and tells it by shape, so any hint is ignored.
  return { client, token }
}

/**
 * POST /oauth/introspect (RFC 7662). A token is active only if it is valid now and belongs to
 * the caller's organization: other tenants' tokens are reported inactive, revealing nothing.
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 */
export function registerIntrospectionRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/oauth/introspect',
    { bodyLimit: 64 * 1024, schema: { hide: true } },
    async (request, reply) => {
      const { client, token } = await authenticateCaller(request, services)
      const result = await services.accessTokens.verify(token)
      noStore(reply)

      if (!result.ok || result.claims.org_id !== client.org_id) return { active: false }
      // The API allows clock skew past `exp`; the issuer answering about its own token has
      // none to allow, and RFC 7662 §2.2 asks whether the token is active now.
      if (result.claims.exp * 1000 <= services.clock.now()) return { active: false }
      return { active: true, token_type: 'Bearer', ...result.claims }
    },
  )
}
