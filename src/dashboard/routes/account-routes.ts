import type { FastifyInstance } from 'fastify'

import type { Services } from '../../services.js'
import { callerOf, startSession } from '../session-auth.js'
import { sessionView } from '../session-view.js'

type Body = Record<string, unknown>

/** The signed-in person's own account. */
export function accountRoutes(app: FastifyInstance, services: Services): void {
  // Any role may change its own password, read-only included.
  app.post<{ Body: Body }>(
    '/account/password',
    { config: { right: 'read' } },
    async (request, reply) => {
      const caller = callerOf(request)
      const body = request.body ?? {}
      await services.accounts.changePassword(
        caller.user.id,
        { current: body.current_password, next: body.new_password },
        request.ip,
      )

      // Whoever else held a session of this person is signed out; this browser gets a new one.
      await services.sessions.deleteForUser(caller.user.id)
      const signedIn = { user: caller.user, orgId: caller.session.org_id, role: caller.role }
      const session = await startSession(request, reply, services, signedIn)
      return sessionView(services, session.csrfToken, signedIn)
    },
  )
}
