import type { FastifyInstance } from 'fastify'

import { randomToken } from '../../accounts/account-tokens.js'
import type { Services } from '../../services.js'
import { clearSessionCookie, CSRF_COOKIE, setCsrfCookie } from '../cookies.js'
import { startSession } from '../session-auth.js'
import { sessionView } from '../session-view.js'

type Body = Record<string, unknown>

const PUBLIC = { config: { right: 'public' as const } }

/** The session itself: read it, first-run setup, sign in, sign out, accept an invitation. */
export function sessionRoutes(app: FastifyInstance, services: Services): void {
  const { config } = services

  app.get('/session', PUBLIC, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    const caller = request.dashboard
    if (caller !== null) {
      // The cookie half always matches the token handed out, whatever the browser held before.
      setCsrfCookie(reply, config, caller.session.csrf_token)
      return sessionView(services, caller.session.csrf_token, {
        user: caller.user,
        orgId: caller.session.org_id,
        role: caller.role,
      })
    }

    // A signed-out browser keeps its CSRF token until sign-in replaces it.
    const existing = request.cookies[CSRF_COOKIE]
    const csrf = existing !== undefined && /^[\w-]{43}$/.test(existing) ? existing : randomToken()
    setCsrfCookie(reply, config, csrf)
    return sessionView(services, csrf)
  })

  app.post<{ Body: Body }>('/setup', PUBLIC, async (request, reply) => {
    const body = request.body ?? {}
    const signedIn = await services.accounts.completeSetup({
      token: typeof body.token === 'string' ? body.token : '',
      email: body.email,
      name: body.name,
      password: body.password,
      organization: body.organization,
    })
    const session = await startSession(request, reply, services, signedIn)
    return reply.code(201).send(await sessionView(services, session.csrfToken, signedIn))
  })

  app.post<{ Body: Body }>('/sign-in', PUBLIC, async (request, reply) => {
    const body = request.body ?? {}
    const signedIn = await services.accounts.signIn(body.email, body.password, request.ip)
    const session = await startSession(request, reply, services, signedIn)
    return sessionView(services, session.csrfToken, signedIn)
  })

  app.post('/sign-out', PUBLIC, async (request, reply) => {
    if (request.dashboard !== null) await services.sessions.delete(request.dashboard.token)
    clearSessionCookie(reply, config)
    const csrf = randomToken()
    setCsrfCookie(reply, config, csrf)
    return sessionView(services, csrf)
  })

  app.post<{ Body: Body }>('/invitations/accept', PUBLIC, async (request, reply) => {
    const body = request.body ?? {}
    const signedIn = await services.members.accept(body.token, {
      name: body.name,
      password: body.password,
    })
    const session = await startSession(request, reply, services, signedIn)
    return reply.code(201).send(await sessionView(services, session.csrfToken, signedIn))
  })
}
