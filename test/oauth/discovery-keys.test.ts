import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { createCredential, getToken, type TestCredential } from '../support/oauth.js'

function kidOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid
}

describeEachDialect('discovery and signing keys', (dialect) => {
  let t: TestApp
  let cred: TestCredential

  beforeEach(async () => {
    t = await createTestApp(dialect, { tokenTtlSeconds: 3600 })
    cred = await createCredential(t.services)
  })
  afterEach(() => t.close())

  it('publishes RFC 8414 metadata listing grant types, methods, scopes and endpoints', async () => {
    const response = await t.app.inject('/.well-known/oauth-authorization-server')
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({
      issuer: 'http://quire.test',
      token_endpoint: 'http://quire.test/oauth/token',
      jwks_uri: 'http://quire.test/.well-known/jwks.json',
      introspection_endpoint: 'http://quire.test/oauth/introspect',
      revocation_endpoint: 'http://quire.test/oauth/revoke',
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: [
        'books:read',
        'books:write',
        'documents:read',
        'documents:write',
        'analytics:read',
        'webhooks:manage',
      ],
    })
  })

  it('publishes a rotated-in key before it signs, and keeps the old one until its tokens expired', async () => {
    const before = await getToken(t.app, cred)
    const oldKid = kidOf(before)
    const row = await t.services.signingKeys.rotate(60)

    const published = () =>
      t.app
        .inject('/.well-known/jwks.json')
        .then((r) => r.json().keys.map((k: { kid: string }) => k.kid))
    expect(await published()).toEqual([oldKid, row.kid])
    expect(kidOf(await getToken(t.app, cred))).toBe(oldKid)

    t.clock.advance(61)
    const after = await getToken(t.app, cred)
    expect(kidOf(after)).toBe(row.kid)
    const books = (token: string) =>
      t.app.inject({ url: '/v1/books', headers: { authorization: `Bearer ${token}` } })
    expect((await books(before)).statusCode).toBe(200)
    expect((await books(after)).statusCode).toBe(200)

    // The old key retired 61 s ago; its last token lives 3600 s plus 60 s of clock tolerance.
    t.clock.advance(3600)
    expect(await published()).toEqual([oldKid, row.kid])
    t.clock.advance(60)
    expect(await published()).toEqual([row.kid])
  })

  it('keeps the private key sealed in storage', async () => {
    const rows = await t.services.signingKeys.list()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.private_jwk_sealed).not.toContain('"d"')
    expect(JSON.parse(rows[0]?.public_jwk as string).d).toBeUndefined()
  })
})
