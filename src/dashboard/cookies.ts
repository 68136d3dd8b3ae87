import type { CookieSerializeOptions } from '@fastify/cookie'
import type { FastifyReply } from 'fastify'

import type { Config } from '../config.js'

export const SESSION_COOKIE = 'quire_session'
export const CSRF_COOKIE = 'quire_csrf'
export const CSRF_HEADER = 'x-csrf-token'

/** Both cookies stay on the dashboard's paths; the bearer API never sees them. */
function baseOptions(config: Config): CookieSerializeOptions {
  return {
    path: '/dashboard',
    sameSite: 'lax',
    secure: config.publicUrl.startsWith('https:'),
  }
}

/** The session id: HttpOnly, so page scripts never read it. */
export function setSessionCookie(
  reply: FastifyReply,
  config: Config,
  token: string,
  expiresAt: string,
) {
  reply.setCookie(SESSION_COOKIE, token, {
    ...baseOptions(config),
    httpOnly: true,
    expires: new Date(expiresAt),
  })
}

export function clearSessionCookie(reply: FastifyReply, config: Config) {
  reply.clearCookie(SESSION_COOKIE, { ...baseOptions(config), httpOnly: true })
}

/**
 * The CSRF token's cookie half (double submit): the app reads the token from the session answer
 * and sends it back in a header, which a page of another site cannot do.
 */
export function setCsrfCookie(reply: FastifyReply, config: Config, token: string) {
  reply.setCookie(CSRF_COOKIE, token, { ...baseOptions(config), httpOnly: true })
}
