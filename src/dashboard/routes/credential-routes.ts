import type { FastifyInstance } from 'fastify'

import { SCOPES } from '../../oauth/scopes.js'
import type { Services } from '../../services.js'
import { callerOf } from '../session-auth.js'

type Body = Record<string, unknown>
type ClientParams = { Params: { clientId: string } }

/**
 * API credentials of the signed-in person's organization, through the same CredentialService
 * as `quire credentials …`, so the rules are the CLI's. A secret appears only in the answer
 * that creates it; answers carrying one are never cached.
 */
export function credentialRoutes(app: FastifyInstance, services: Services): void {
  const { credentials } = services
  const orgOf = (request: Parameters<typeof callerOf>[0]) => callerOf(request).session.org_id

  app.get('/credentials', async (request) => {
    return { credentials: await credentials.list(orgOf(request)), scopes: SCOPES }
  })

  app.post<{ Body: Body }>('/credentials', async (request, reply) => {
    const body = request.body ?? {}
    // Passed as sent: the service refuses a value of the wrong type rather than drop it.
    const issued = await credentials.create({
      name: body.name,
      org: orgOf(request),
      scope: body.scope,
      expiresAt: body.expires_at,
    })
    return reply.code(201).header('cache-control', 'no-store').send(issued)
  })

  // Every process learns of a change within a poll of the event feed; this one at once, so the
  // person who clicked sees its effect on their next request.
  const seen = () => services.credentialEvents.pollOnce()

  app.post<ClientParams>('/credentials/:clientId/rotate', async (request, reply) => {
    const issued = await credentials.rotate(request.params.clientId, orgOf(request))
    await seen()
    return reply.header('cache-control', 'no-store').send(issued)
  })

  app.post<ClientParams>('/credentials/:clientId/retire-secrets', async (request) => {
    const credential = await credentials.retireOldSecrets(request.params.clientId, orgOf(request))
    await seen()
    return credential
  })

  app.post<ClientParams>('/credentials/:clientId/revoke', async (request) => {
    const credential = await credentials.revoke(request.params.clientId, orgOf(request))
    await seen()
    return credential
  })
}
