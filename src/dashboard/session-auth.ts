import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

import { roleAllows, type Right } from '../accounts/account-values.js'
import type { SessionInfo } from '../accounts/session-store.js'
import type { Services } from '../services.js'
import { SESSION_COOKIE, setCsrfCookie, setSessionCookie } from './cookies.js'
import { checkCsrf } from './csrf.js'
import { DashboardError } from './dashboard-errors.js'

// HEAD is a GET without the body (RFC 9110 §9.3.2), so it needs no more than GET does.
const READS = new Set(['GET', 'HEAD'])

/** The signed-in person behind a dashboard request. */
export interface DashboardCaller extends SessionInfo {
  /** The session id from the cookie, to end or rotate this very session. */
  token: string
}

declare module 'fastify' {
  interface FastifyRequest {
    dashboard: DashboardCaller | null
  }
  interface FastifyContextConfig {
    /** What the dashboard route needs: a role's right, or `public` for no session at all. */
    right?: Right | 'public'
  }
}

/**
 * Every /dashboard/api request: find the session, check CSRF on state-changing methods, then
 * the route's right. Reads need `read`, writes `write`, unless the route says otherwise.
 */
export function registerSessionAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('dashboard', null)
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE]
    const found = token === undefined ? undefined : await services.sessions.find(token)
    request.dashboard = found === undefined ? null : { ...found, token: token as string }

    checkCsrf(request, services.config, found?.session.csrf_token)

    const right =
      request.routeOptions.config.right ?? (READS.has(request.method) ? 'read' : 'write')
    if (right === 'public') return
    if (request.dashboard === null) throw new DashboardError('not_signed_in')
    if (!roleAllows(request.dashboard.role, right)) throw new DashboardError('forbidden')
  })
}

/** The caller of a route that is not public; the hook has made sure there is one. */
export function callerOf(request: FastifyRequest): DashboardCaller {
  if (request.dashboard === null) throw new DashboardError('not_signed_in')
  return request.dashboard
}

/**
 * Signs a person in with a brand-new session id and CSRF token, and ends the session the
 * browser came with, if any: an id planted before sign-in is never promoted (session fixation).
 */
export async function startSession(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  signedIn: { user: { id: string }; orgId: string },
) {
  const previous = request.cookies[SESSION_COOKIE]
  if (previous !== undefined) await services.sessions.delete(previous)
  // Sign-ins are rare enough to tidy up after: expired sessions go now.
  await services.sessions.deleteExpired()

  const session = await services.sessions.create(signedIn.user.id, signedIn.orgId)
  setSessionCookie(reply, services.config, session.token, session.expiresAt)
  setCsrfCookie(reply, services.config, session.csrfToken)
  return session
}
