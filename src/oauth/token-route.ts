import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify'

import type { ClientRow } from '../db/schema.js'
import { logEvents } from '../log.js'
import type { Services } from '../services.js'
import { readClientCredentials, type PresentedCredentials } from './client-authentication.js'
import {
  InvalidClient,
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  UnsupportedGrantType,
} from './errors.js'
import { noStore } from './oauth-reply.js'
import { formatScope, parseScope } from './scopes.js'
import { readOAuthParams, type OAuthParams } from './token-request.js'

export const GRANT_TYPES = ['client_credentials'] as const

/** What the checks of one token request find out, step by step. */
interface TokenContext {
  params: OAuthParams
  presented?: PresentedCredentials
  client?: ClientRow
  scope?: string
  audience?: string
}

const contexts = new WeakMap<FastifyRequest, TokenContext>()

function context(request: FastifyRequest): TokenContext {
  const found = contexts.get(request)
  if (found === undefined) throw new Error('token request context missing')
  return found
}

/**
 * POST /oauth/token, the client credentials grant (RFC 6749 §4.4). Each rule is a named step,
 * so a failure says which rule fired and each can be tested alone.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 */
export function registerTokenRoute(app: FastifyInstance, services: Services): void {
  const { authThrottle, clientAuthenticator, accessTokens, config } = services

  function parseRequest(request: FastifyRequest): void {
    const params = readOAuthParams(request)
    contexts.set(request, { params })
    context(request).presented = readClientCredentials(request, params)
  }

  async function checkThrottle(request: FastifyRequest): Promise<void> {
    const clientId = context(request).presented?.clientId
    try {
      await authThrottle.check(clientId, request.ip)
    } catch (error) {
      logEvents.clientThrottled(request.log, {
        client_id: clientId,
        reason: String((error as InvalidClient).detail),
      })
      throw error
    }
  }

  async function authenticateClient(request: FastifyRequest): Promise<void> {
    const ctx = context(request)
    const presented = ctx.presented as PresentedCredentials
    try {
      ctx.client = await clientAuthenticator.authenticate(presented)
    } catch (error) {
      if (error instanceof InvalidClient) {
        logEvents.clientAuthFailed(request.log, {
          client_id: presented.clientId,
          reason: String(error.detail),
        })
        await authThrottle.recordFailure(presented.clientId, request.ip)
      }
      throw error
    }
  }

  function checkGrantType(request: FastifyRequest): void {
    const grantType = context(request).params.get('grant_type')
    if (grantType === undefined) throw new InvalidRequest('"grant_type" is required')
    if (!(GRANT_TYPES as readonly string[]).includes(grantType))
      throw new UnsupportedGrantType(grantType)
  }

  /** No scope asked: everything the credential allows. Asked: a subset of that, else refused. */
  function checkScope(request: FastifyRequest): void {
    const ctx = context(request)
    const allowed = (ctx.client as ClientRow).scope.split(' ')
    const raw = ctx.params.get('scope')
    if (raw === undefined) {
      ctx.scope = formatScope(allowed)
      return
    }

    const asked = parseScope(raw)
    if (asked === undefined) throw new InvalidScope('"scope" is malformed')
    const refused = asked.filter((scope) => !allowed.includes(scope))
    if (refused.length > 0)
      throw new InvalidScope(
        `"scope" asks for what this credential may not have: ${refused.join(' ')}`,
      )
    ctx.scope = formatScope(asked)
  }

  /** `audience` (Auth0 style, as Ocrolus) and `resource` (RFC 8707) must name this API. */
  function checkAudience(request: FastifyRequest): void {
    const ctx = context(request)
    const audience = ctx.params.get('audience')
    const resource = ctx.params.get('resource')
    for (const [name, value] of [
      ['audience', audience],
      ['resource', resource],
    ] as const) {
      if (value !== undefined && !config.audiences.includes(value)) {
        throw new InvalidTarget(`"${name}" must be one of: ${config.audiences.join(', ')}`)
      }
    }
    ctx.audience = audience ?? resource ?? config.publicUrl
  }

  async function issueToken(request: FastifyRequest, reply: FastifyReply) {
    const ctx = context(request)
    const client = ctx.client as ClientRow
    const { token, claims } = accessTokens.issue({
      clientId: client.client_id,
      orgId: client.org_id,
      scope: ctx.scope ?? '',
      audience: ctx.audience ?? config.publicUrl,
    })
    logEvents.tokenIssued(request.log, {
      client_id: client.client_id,
      org_id: client.org_id,
      scope: claims.scope,
      jti: claims.jti,
    })

    // RFC 6749 §4.4.3: "A refresh token SHOULD NOT be included."
    return noStore(reply).send({
      access_token: token,
      token_type: 'Bearer',
      expires_in: accessTokens.ttlSeconds,
      scope: claims.scope,
    })
  }

  app.route({
    method: 'POST',
    url: '/oauth/token',
    bodyLimit: 64 * 1024,
    schema: { hide: true },
    preHandler: [
      synchronous(parseRequest),
      checkThrottle,
      authenticateClient,
      synchronous(checkGrantType),
      synchronous(checkScope),
      synchronous(checkAudience),
    ],
    handler: issueToken,
  })
}

/**
 * A check that needs no I/O, as a callback hook: an async hook costs a promise and a microtask
 * per request. A failing check still throws from its own frame, so the stack names the rule.
 */
function synchronous(check: (request: FastifyRequest) => void): preHandlerHookHandler {
  const hook: preHandlerHookHandler = (request, _reply, done) => {
    check(request)
    done()
  }
  // Route listings (printRoutes with hooks) then name the check, not an anonymous wrapper.
  return Object.defineProperty(hook, 'name', { value: check.name })
}
