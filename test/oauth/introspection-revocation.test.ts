import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { basic, createCredential, getToken, type TestCredential } from '../support/oauth.js'

const FORM = 'application/x-www-form-urlencoded'

describeEachDialect('introspection (RFC 7662) and revocation (RFC 7009)', (dialect) => {
  let t: TestApp
  let cred: TestCredential

  beforeEach(async () => {
    t = await createTestApp(dialect)
    cred = await createCredential(t.services, { org: 'acme' })
  })
  afterEach(() => t.close())

  const call = (url: string, who: TestCredential, token: string) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': FORM, authorization: basic(who.clientId, who.clientSecret) },
      payload: new URLSearchParams({ token }).toString(),
    })
  const books = (token: string) =>
    t.app.inject({ url: '/v1/books', headers: { authorization: `Bearer ${token}` } })

  it('reports a valid token active with its claims', async () => {
    const token = await getToken(t.app, cred)
    const response = await call('/oauth/introspect', cred, token)

    expect(response.statusCode).toBe(200)
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.json()).toMatchObject({
      active: true,
      client_id: cred.clientId,
      org_id: cred.orgId,
      token_type: 'Bearer',
    })
  })

  it('reports a token inactive from its exp on, although the API still allows clock skew', async () => {
    const token = await getToken(t.app, cred)
    t.clock.advance(86400 + 10)
    expect((await call('/oauth/introspect', cred, token)).json()).toEqual({ active: false })
    expect((await books(token)).statusCode).toBe(200)
  })

  it('ignores a token_type_hint it does not know (RFC 7009 §2.1)', async () => {
    const token = await getToken(t.app, cred)
    for (const url of ['/oauth/introspect', '/oauth/revoke']) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': FORM, authorization: basic(cred.clientId, cred.clientSecret) },
        payload: new URLSearchParams({ token, token_type_hint: 'foo' }).toString(),
      })
      expect(response.statusCode, url).toBe(200)
    }
    expect((await books(token)).statusCode).toBe(401)
  })

  it("reports garbage, expired tokens and other organizations' tokens inactive", async () => {
    const outsider = await createCredential(t.services, { org: 'other' })
    const token = await getToken(t.app, cred)

    expect((await call('/oauth/introspect', cred, 'not-a-token')).json()).toEqual({ active: false })
    expect((await call('/oauth/introspect', outsider, token)).json()).toEqual({ active: false })
    t.clock.advance(86400 + 61)
    expect((await call('/oauth/introspect', cred, token)).json()).toEqual({ active: false })
  })

  it('requires client authentication', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: { 'content-type': FORM },
      payload: 'token=abc',
    })
    expect(response.statusCode).toBe(401)
    expect(response.json().error).toBe('invalid_client')
  })

  it('revokes a token so the API refuses it, and answers 200 for unknown tokens', async () => {
    const token = await getToken(t.app, cred)
    expect((await books(token)).statusCode).toBe(200)

    const revoked = await call('/oauth/revoke', cred, token)
    expect(revoked.statusCode).toBe(200)
    expect(revoked.body).toBe('')
    expect((await books(token)).statusCode).toBe(401)
    expect((await call('/oauth/introspect', cred, token)).json()).toEqual({ active: false })

    expect((await call('/oauth/revoke', cred, 'unknown')).statusCode).toBe(200)
  })

  it("does not let one client revoke another client's token", async () => {
    const other = await createCredential(t.services, { org: 'acme' })
    const token = await getToken(t.app, cred)

    expect((await call('/oauth/revoke', other, token)).statusCode).toBe(200)
    expect((await books(token)).statusCode).toBe(200)
  })

  it('refuses every token of a revoked credential', async () => {
    const token = await getToken(t.app, cred)
    await t.services.credentials.revoke(cred.clientId)
    await t.services.credentialEvents.pollOnce()

    const response = await books(token)
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer realm="quire", error="invalid_token"')
  })
})
