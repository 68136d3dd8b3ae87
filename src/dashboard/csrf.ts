import type { FastifyRequest } from 'fastify'

import { sameToken } from '../accounts/account-tokens.js'
import type { Config } from '../config.js'
import { CSRF_COOKIE, CSRF_HEADER } from './cookies.js'
import { DashboardError } from './dashboard-errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Refuses a state-changing request unless (1) it comes from a page of this origin, by its
 * Origin header (or Referer when a browser sends no Origin), and (2) it carries in the
 * X-CSRF-Token header the token of its CSRF cookie and, when signed in, of its session. A page
 * of another site can make a browser send the cookies, but can neither read the token nor set
 * the header without a CORS preflight this server never grants.
 */
export function checkCsrf(request: FastifyRequest, config: Config, sessionCsrf?: string): void {
  if (SAFE_METHODS.has(request.method)) return

  if (!sameOrigin(request, config)) {
    throw new DashboardError('csrf_failed', undefined, { detail: 'origin mismatch' })
  }

  const header = request.headers[CSRF_HEADER]
  const cookie = request.cookies[CSRF_COOKIE]
  const token = typeof header === 'string' ? header : ''
  if (token === '' || cookie === undefined || !sameToken(token, cookie)) {
    throw new DashboardError('csrf_failed', undefined, { detail: 'token does not match cookie' })
  }
  if (sessionCsrf !== undefined && !sameToken(token, sessionCsrf)) {
    throw new DashboardError('csrf_failed', undefined, { detail: 'token does not match session' })
  }
}

function sameOrigin(request: FastifyRequest, config: Config): boolean {
  const source = originOf(request.headers.origin) ?? originOf(request.headers.referer)
  if (source === undefined) return false

  const allowed = [originOf(config.publicUrl), `${request.protocol}://${request.host}`]
  return allowed.includes(source)
}

function originOf(value: string | string[] | undefined): string | undefined {
  if (typeof value !== 'string' || value === '' || value === 'null') return undefined
  try {
    return new URL(value).origin
  } catch {
    return undefined
  }
}
