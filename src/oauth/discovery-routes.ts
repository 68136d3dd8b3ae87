import type { FastifyInstance } from 'fastify'

import type { Services } from '../services.js'
import { CLIENT_AUTH_METHODS } from './client-authentication.js'
import { SIGNING_ALG } from './signing-keys.js'
import { SCOPES } from './scopes.js'
import { GRANT_TYPES } from './token-route.js'

/**
 * GET /.well-known/jwks.json and GET /.well-known/oauth-authorization-server (RFC 8414).
 * Grant types and authentication methods are listed explicitly: RFC 8414 §2 defaults them to
 * "authorization_code, implicit" and "client_secret_basic" when omitted.
 */
export function registerDiscoveryRoutes(app: FastifyInstance, services: Services): void {
  const issuer = services.config.publicUrl

  app.get('/.well-known/jwks.json', { schema: { hide: true } }, async (_request, reply) => {
    const keys = services.signingKeys.publishedKeys().map((key) => ({
      ...key.publicJwk,
      kid: key.kid,
      use: 'sig',
      alg: SIGNING_ALG,
    }))
    // Short caching: verifiers learn a rotated-in key well before it signs.
    reply.header('cache-control', 'public, max-age=60')
    return { keys }
  })

  app.get(
    '/.well-known/oauth-authorization-server',
    { schema: { hide: true } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300')
      return {
        issuer,
        token_endpoint: `${issuer}/oauth/token`,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        introspection_endpoint: `${issuer}/oauth/introspect`,
        revocation_endpoint: `${issuer}/oauth/revoke`,
        grant_types_supported: GRANT_TYPES,
        response_types_supported: [],
        token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
        introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
        revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
        scopes_supported: SCOPES,
        service_documentation: `${issuer}/docs`,
        // RFC 9068 access tokens; not a standard metadata name, but what resource servers look for.
        access_token_signing_alg_values_supported: [SIGNING_ALG],
      }
    },
  )
}
