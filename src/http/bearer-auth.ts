import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'

import { logEvents } from '../log.js'
import type { AccessTokenClaims } from '../oauth/access-token.js'
import type { Scope } from '../oauth/scopes.js'
import type { Services } from '../services.js'
import { ApiError } from './api-errors.js'
import { createLimiter, take } from './limiter.js'

/** Who is calling: the verified token's client, organization and scopes. */
export interface Caller {
  clientId: string
  orgId: string
  scopes: readonly string[]
  claims: AccessTokenClaims
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller
  }
  interface FastifyContextConfig {
    /** The scope a bearer token needs for this route. */
    scope?: Scope
  }
}

const REALM = 'quire'

/**
 * RFC 6750 bearer authentication for every /v1 and /v2 route, then the route's scope, then the
 * organization's rate limit. Errors use the Ocrolus envelope plus the RFC 6750 §3 challenge.
 * @see https://www.rfc-editor.org/rfc/rfc6750#section-3
 */
export function registerBearerAuth(app: FastifyInstance, services: Services): void {
  const orgLimiter = createLimiter(
    {
      keyPrefix: 'quire:rate:org',
      points: services.config.orgRateLimitPerSecond,
      durationSeconds: 1,
    },
    services.redis,
  )

  app.decorateRequest('caller', null as unknown as Caller)
  app.addHook('onRequest', async (request) => {
    request.caller = await authenticate(request, services)
    checkScope(request)
    await checkRate(orgLimiter, request.caller.orgId)
  })
}

async function authenticate(request: FastifyRequest, services: Services): Promise<Caller> {
  const token = bearerToken(request.headers.authorization)
  const result = await services.accessTokens.verify(token)
  if (!result.ok) {
    logEvents.bearerRejected(request.log, { reason: result.reason })
    throw invalidToken()
  }

  const { claims } = result
  return {
    clientId: claims.client_id,
    orgId: claims.org_id,
    scopes: claims.scope.split(' '),
    claims,
  }
}

function bearerToken(header: string | undefined): string {
  // RFC 6750 §3.1: a request without credentials gets a challenge with no error code.
  if (header === undefined || header.trim() === '') {
    throw new ApiError(1200, undefined, {
      headers: { 'www-authenticate': `Bearer realm="${REALM}"` },
    })
  }

  // The scheme is case-insensitive (RFC 9110 §11.1); b64token is RFC 6750 §2.1's token syntax.
  const match = /^bearer +([\w.~+/-]+=*) *$/i.exec(header)
  if (match === null) throw invalidToken()
  return match[1] as string
}

function invalidToken(): ApiError {
  return new ApiError(1202, undefined, {
    headers: { 'www-authenticate': `Bearer realm="${REALM}", error="invalid_token"` },
  })
}

function checkScope(request: FastifyRequest): void {
  const needed = request.routeOptions.config.scope
  if (needed === undefined || request.caller.scopes.includes(needed)) return

  throw new ApiError(2100, `Insufficient scope: this request needs "${needed}"`, {
    headers: {
      'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${needed}"`,
    },
  })
}

async function checkRate(limiter: RateLimiterAbstract, orgId: string): Promise<void> {
  const wait = await take(limiter, orgId)
  if (wait > 0) throw new ApiError(1005, undefined, { headers: { 'retry-after': String(wait) } })
}
