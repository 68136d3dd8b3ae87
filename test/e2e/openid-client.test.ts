import { createRemoteJWKSet, jwtVerify } from 'jose'
import {
  allowInsecureRequests,
  clientCredentialsGrant,
  ClientSecretBasic,
  ClientSecretPost,
  customFetch,
  discovery,
  fetchProtectedResource,
  type ClientAuth,
  type Configuration,
  type CustomFetchOptions,
} from 'openid-client'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startServer, type Credential, type QuireServer } from './support/server.js'

const ALL_SCOPES =
  'books:read books:write documents:read documents:write analytics:read webhooks:manage'

interface SentRequest {
  url: string
  headers: Record<string, string>
  body: string
}

/**
 * openid-client v6 (a strict, certified RP library) against `quire serve`: RFC 8414 discovery,
 * the client credentials grant with either client authentication, and a protected resource.
 */
describe('openid-client against quire serve', () => {
  let server: QuireServer | undefined
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  /** Discovers the server, recording every request openid-client sends after discovery. */
  async function configure(credential: Credential, auth?: ClientAuth) {
    const quire = server as QuireServer
    const config = await discovery(
      new URL(quire.baseUrl),
      credential.client_id,
      credential.client_secret,
      auth,
      { execute: [allowInsecureRequests], algorithm: 'oauth2' },
    )
    const sent: SentRequest[] = []
    config[customFetch] = (url: string, options: CustomFetchOptions) => {
      sent.push({ url, headers: { ...options.headers }, body: String(options.body ?? '') })
      return fetch(url, options as RequestInit)
    }
    return { config, sent }
  }

  async function expectWorkingToken(quire: QuireServer, config: Configuration) {
    const tokens = await clientCredentialsGrant(config)
    expect(tokens.token_type.toLowerCase()).toBe('bearer')
    expect(tokens.expires_in).toBe(86_400)
    expect(tokens.scope).toBe(ALL_SCOPES)
    expect(tokens.refresh_token).toBeUndefined()

    const response = await fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${quire.baseUrl}/v1/books`),
      'GET',
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 200, message: 'OK', response: [] })
    return tokens.access_token
  }

  it('discovers the server metadata under the RFC 8414 issuer rules', async () => {
    const quire = server as QuireServer
    const credential = await quire.createCredential('openid-client metadata', '--org', 'oc-meta')
    const { config } = await configure(credential)

    expect(config.serverMetadata()).toMatchObject({
      issuer: quire.baseUrl,
      token_endpoint: `${quire.baseUrl}/oauth/token`,
      jwks_uri: `${quire.baseUrl}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    })
  })

  // openid-client's own default is ClientSecretPost, so Basic is chosen explicitly; its Basic
  // header form-encodes id and secret first (RFC 6749 §2.3.1), as strict clients do.
  it('gets a token with client_secret_basic and calls GET /v1/books', async () => {
    const quire = server as QuireServer
    const credential = await quire.createCredential('openid-client basic', '--org', 'oc-basic')
    const { config, sent } = await configure(credential, ClientSecretBasic())

    const token = await expectWorkingToken(quire, config)

    const tokenRequest = sent.find((r) => r.url === `${quire.baseUrl}/oauth/token`)
    expect(tokenRequest?.headers.authorization).toMatch(/^Basic [A-Za-z0-9+/]+=*$/)
    const body = new URLSearchParams(tokenRequest?.body)
    expect(body.get('grant_type')).toBe('client_credentials')
    expect(body.has('client_secret')).toBe(false)

    // A resource server that trusts only the JWKS accepts the token as an RFC 9068 JWT.
    const jwks = createRemoteJWKSet(new URL(`${quire.baseUrl}/.well-known/jwks.json`))
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: quire.baseUrl,
      audience: quire.baseUrl,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      requiredClaims: ['exp', 'iat', 'jti', 'sub', 'client_id'],
    })
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' })
    expect(protectedHeader.kid).toEqual(expect.any(String))
    expect(payload).toMatchObject({
      iss: quire.baseUrl,
      sub: credential.client_id,
      aud: quire.baseUrl,
      client_id: credential.client_id,
      org_id: credential.org_id,
      scope: ALL_SCOPES,
    })
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(86_400)
  })

  it('gets a token with client_secret_post and calls GET /v1/books', async () => {
    const quire = server as QuireServer
    const credential = await quire.createCredential('openid-client post', '--org', 'oc-post')
    const { config, sent } = await configure(credential, ClientSecretPost())

    const token = await expectWorkingToken(quire, config)

    const tokenRequest = sent.find((r) => r.url === `${quire.baseUrl}/oauth/token`)
    expect(tokenRequest).toBeDefined()
    expect(tokenRequest?.headers.authorization).toBeUndefined()
    const body = new URLSearchParams(tokenRequest?.body)
    expect(body.get('grant_type')).toBe('client_credentials')
    expect(body.get('client_id')).toBe(credential.client_id)
    expect(body.get('client_secret')).toBe(credential.client_secret)

    const jwks = createRemoteJWKSet(new URL(`${quire.baseUrl}/.well-known/jwks.json`))
    const { payload } = await jwtVerify(token, jwks, {
      issuer: quire.baseUrl,
      typ: 'at+jwt',
      algorithms: ['ES256'],
    })
    expect(payload.client_id).toBe(credential.client_id)
  })
})
