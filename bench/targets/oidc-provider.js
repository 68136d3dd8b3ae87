// The peer: node-oidc-provider with the client credentials grant, one client_secret_basic
// client, and RFC 9068 JWT access tokens signed ES256 for one resource server (resource
// indicators), the same kind of token Quire issues. Storage is its default in-memory adapter.
import crypto from 'node:crypto'
import http from 'node:http'

import Provider from 'oidc-provider'

const port = Number(process.env.PORT)
const issuer = `http://127.0.0.1:${port}`
const resource = process.env.BENCH_RESOURCE
const scope = process.env.BENCH_SCOPE
const ttl = Number(process.env.BENCH_TOKEN_TTL ?? 86400)

const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
const jwk = {
  ...privateKey.export({ format: 'jwk' }),
  kid: 'bench-es256',
  alg: 'ES256',
  use: 'sig',
}

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.BENCH_CLIENT_ID,
      client_secret: process.env.BENCH_CLIENT_SECRET,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      // The default RS256 has no key here; the client never gets an ID token anyway.
      id_token_signed_response_alg: 'ES256',
      scope,
    },
  ],
  jwks: { keys: [jwk] },
  scopes: scope.split(' '),
  cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
  ttl: { ClientCredentials: ttl },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== resource) throw new Provider.errors.InvalidTarget()
        return {
          scope,
          audience: resource,
          accessTokenTTL: ttl,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'ES256' } },
        }
      },
    },
  },
})

const server = http.createServer(provider.callback())
server.listen(port, '127.0.0.1')
process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
