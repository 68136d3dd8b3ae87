import { createLocalJWKSet, jwtVerify } from 'jose'
import { afterEach, beforeEach, expect, it } from 'vitest'

import { repeatedTopLevelKey } from '../../src/oauth/json-params.js'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { basic, createCredential, strictBasic, type TestCredential } from '../support/oauth.js'

const FORM = 'application/x-www-form-urlencoded'

describeEachDialect('POST /oauth/token grant_type=client_credentials', (dialect) => {
  let t: TestApp
  let cred: TestCredential

  beforeEach(async () => {
    t = await createTestApp(dialect)
    cred = await createCredential(t.services)
  })
  afterEach(() => t.close())

  const post = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': FORM, ...headers },
      payload,
    })

  function expectNoStore(response: { headers: Record<string, unknown> }) {
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers.pragma).toBe('no-cache')
  }

  it('answers a client_id holding a NUL or any foreign shape as an unknown client', async () => {
    const nulBody = await post('grant_type=client_credentials&client_id=qc_%00&client_secret=x')
    const nulBasic = await post('grant_type=client_credentials', {
      authorization: `Basic ${Buffer.from('qc_\u0000:x').toString('base64')}`,
    })
    const unknown = await post('grant_type=client_credentials&client_id=nobody&client_secret=x')
    for (const response of [nulBody, nulBasic, unknown]) {
      expect(response.statusCode).toBe(401)
      expect(response.json()).toEqual(unknown.json())
      expectNoStore(response)
    }
    expect(unknown.json().error).toBe('invalid_client')
  })

  it('issues a Bearer token to Basic authentication as Postman sends it', async () => {
    const response = await post('grant_type=client_credentials', {
      authorization: basic(cred.clientId, cred.clientSecret),
    })

    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^application\/json/)
    expectNoStore(response)
    const body = response.json()
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type'])
    expect(body.token_type).toBe('Bearer')
    expect(body.expires_in).toBe(86400)
    expect(body.scope).toBe(
      'books:read books:write documents:read documents:write analytics:read webhooks:manage',
    )
  })

  it('accepts the RFC 6749 §2.3.1 form-encoded Basic credentials of strict clients', async () => {
    const response = await post('grant_type=client_credentials', {
      authorization: strictBasic(cred.clientId, cred.clientSecret),
    })
    expect(response.statusCode).toBe(200)
    expect(strictBasic(cred.clientId, cred.clientSecret)).not.toBe(
      basic(cred.clientId, cred.clientSecret),
    )
  })

  it('accepts a lower-case scheme and a charset parameter on the form', async () => {
    const header = basic(cred.clientId, cred.clientSecret).replace('Basic', 'basic')
    const response = await post('grant_type=client_credentials', {
      authorization: header,
      'content-type': `${FORM}; charset=UTF-8`,
    })
    expect(response.statusCode).toBe(200)
  })

  it('accepts client_secret_post for the same credential', async () => {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: cred.clientId,
      client_secret: cred.clientSecret,
    })
    const response = await post(body.toString())
    expect(response.statusCode).toBe(200)
    expect(response.json().token_type).toBe('Bearer')
  })

  it('accepts the JSON body with the Ocrolus audience', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: cred.clientId,
        client_secret: cred.clientSecret,
        audience: 'https://api.ocrolus.com/',
      },
    })
    expect(response.statusCode).toBe(200)
    expectNoStore(response)
  })

  it('accepts Basic with an equal client_id in the body', async () => {
    const response = await post(`grant_type=client_credentials&client_id=${cred.clientId}`, {
      authorization: basic(cred.clientId, cred.clientSecret),
    })
    expect(response.statusCode).toBe(200)
  })

  it('issues an RFC 9068 JWT that jose verifies against the JWKS', async () => {
    const response = await post('grant_type=client_credentials', {
      authorization: basic(cred.clientId, cred.clientSecret),
    })
    const jwks = (await t.app.inject('/.well-known/jwks.json')).json()

    const { payload, protectedHeader } = await jwtVerify(
      response.json().access_token,
      createLocalJWKSet(jwks),
      {
        issuer: 'http://quire.test',
        audience: 'http://quire.test',
        typ: 'at+jwt',
        currentDate: new Date(t.clock.now()),
      },
    )
    expect(protectedHeader.alg).toBe('ES256')
    expect(protectedHeader.kid).toBe(jwks.keys[0].kid)
    expect(payload.sub).toBe(cred.clientId)
    expect(payload.client_id).toBe(cred.clientId)
    expect(payload.org_id).toBe(cred.orgId)
    expect(payload.exp).toBe(Number(payload.iat) + 86400)
    expect(payload.iat).toBe(Math.floor(t.clock.now() / 1000))
    expect(typeof payload.jti).toBe('string')
  })

  it('grants a requested subset of scopes and refuses others with invalid_scope', async () => {
    const auth = { authorization: basic(cred.clientId, cred.clientSecret) }
    const subset = await post('grant_type=client_credentials&scope=books:write%20books:read', auth)
    expect(subset.json().scope).toBe('books:read books:write')

    const narrow = await createCredential(t.services, { scope: 'books:read' })
    const refused = await post('grant_type=client_credentials&scope=books:write', {
      authorization: basic(narrow.clientId, narrow.clientSecret),
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().error).toBe('invalid_scope')
    expectNoStore(refused)

    const unknown = await post('grant_type=client_credentials&scope=admin', auth)
    expect(unknown.json().error).toBe('invalid_scope')
  })

  it('answers an unknown client and a wrong secret identically with 401 invalid_client', async () => {
    const wrong = await post('grant_type=client_credentials', {
      authorization: basic(cred.clientId, `${cred.clientSecret}x`),
    })
    const unknown = await post('grant_type=client_credentials', {
      authorization: basic('qc_nobody', cred.clientSecret),
    })

    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401)
      expect(response.headers['www-authenticate']).toBe('Basic realm="quire", charset="UTF-8"')
      expectNoStore(response)
    }
    expect(wrong.json()).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    })
    expect(unknown.body).toBe(wrong.body)
  })

  it('refuses a request with no client authentication', async () => {
    const response = await post('grant_type=client_credentials')
    expect(response.statusCode).toBe(401)
    expect(response.json().error).toBe('invalid_client')
  })

  it('sends no Basic challenge to a client that authenticated in the body', async () => {
    const response = await post(
      `grant_type=client_credentials&client_id=${cred.clientId}&client_secret=wrong`,
    )
    expect(response.statusCode).toBe(401)
    expect(response.json().error).toBe('invalid_client')
    expect(response.headers['www-authenticate']).toBeUndefined()
    expectNoStore(response)
  })

  it('refuses two authentication mechanisms with invalid_request', async () => {
    const response = await post(
      `grant_type=client_credentials&client_secret=${cred.clientSecret}`,
      {
        authorization: basic(cred.clientId, cred.clientSecret),
      },
    )
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('invalid_request')
    expectNoStore(response)
  })

  it('refuses a body client_id that differs from the Basic one', async () => {
    const response = await post('grant_type=client_credentials&client_id=qc_other', {
      authorization: basic(cred.clientId, cred.clientSecret),
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('invalid_request')
  })

  it('refuses a repeated parameter with invalid_request', async () => {
    const response = await post('grant_type=client_credentials&grant_type=client_credentials', {
      authorization: basic(cred.clientId, cred.clientSecret),
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      error: 'invalid_request',
      error_description: '"grant_type" must not be repeated',
    })
  })

  it('refuses a key repeated in a JSON body, however it is spelt, and only at the top level', async () => {
    const auth = { authorization: basic(cred.clientId, cred.clientSecret) }
    const json = { ...auth, 'content-type': 'application/json' }
    const repeated = await post('{"grant_type":"x","grant_type":"client_credentials"}', json)
    expect(repeated.statusCode).toBe(400)
    expect(repeated.headers['cache-control']).toBe('no-store')
    expect(repeated.json()).toEqual({
      error: 'invalid_request',
      error_description: '"grant_type" must not be repeated',
    })

    const escaped = await post('{"scope":"a","\\u0073cope":"b","grant_type":"x"}', json)
    expect(escaped.json().error_description).toBe('"scope" must not be repeated')

    const text = '{"grant_type":"a","x":{"a":1},"y":{"a":2},"z":["grant_type"],"s":"\\"a\\":"}'
    expect(repeatedTopLevelKey(text)).toBeUndefined()
    expect(repeatedTopLevelKey('{"a":1,"b":{"c":2},"a":3}')).toBe('a')
  })

  it('answers a missing grant_type with invalid_request and another with unsupported_grant_type', async () => {
    const auth = { authorization: basic(cred.clientId, cred.clientSecret) }
    const missing = await post('', auth)
    expect(missing.statusCode).toBe(400)
    expect(missing.json().error).toBe('invalid_request')

    const other = await post('grant_type=password&username=a&password=b', auth)
    expect(other.statusCode).toBe(400)
    expect(other.json().error).toBe('unsupported_grant_type')
  })

  it('refuses malformed Basic credentials with invalid_request', async () => {
    for (const authorization of ['Basic !!!', 'Basic dXNlcg==', 'Bearer abc', 'Basic ']) {
      const response = await post('grant_type=client_credentials', { authorization })
      expect(response.statusCode).toBe(400)
      expect(response.json().error).toBe('invalid_request')
      expectNoStore(response)
    }
  })

  it('refuses an audience that does not name this API', async () => {
    const response = await post('grant_type=client_credentials&audience=https://evil.example/', {
      authorization: basic(cred.clientId, cred.clientSecret),
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('invalid_target')
    expect(response.json().error_description).toContain('"audience"')
  })

  it('refuses other media types and bad JSON with invalid_request, never a 500', async () => {
    const xml = await post('<x/>', { 'content-type': 'application/xml' })
    expect(xml.statusCode).toBe(400)
    expect(xml.json().error).toBe('invalid_request')
    expectNoStore(xml)

    const badJson = await post('{"grant_type":', { 'content-type': 'application/json' })
    expect(badJson.statusCode).toBe(400)
    expect(badJson.json().error).toBe('invalid_request')

    const array = await post('[1,2]', { 'content-type': 'application/json' })
    expect(array.statusCode).toBe(400)
  })

  it('answers GET with 405 and Allow: POST, and OPTIONS without authenticating', async () => {
    const get = await t.app.inject({ method: 'GET', url: '/oauth/token' })
    expect(get.statusCode).toBe(405)
    expect(get.headers.allow).toBe('POST, OPTIONS')

    const options = await t.app.inject({ method: 'OPTIONS', url: '/oauth/token' })
    expect(options.statusCode).toBe(204)
    expect(options.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('refuses a revoked credential and an expired one', async () => {
    await t.services.credentials.revoke(cred.clientId)
    await t.services.credentialEvents.pollOnce()
    const revoked = await post('grant_type=client_credentials', {
      authorization: basic(cred.clientId, cred.clientSecret),
    })
    expect(revoked.statusCode).toBe(401)

    const expiring = await t.services.credentials.create({
      name: 'short',
      expiresAt: new Date(t.clock.now() + 60_000).toISOString(),
    })
    t.clock.advance(61)
    const expired = await post('grant_type=client_credentials', {
      authorization: basic(expiring.credential.client_id, expiring.client_secret),
    })
    expect(expired.statusCode).toBe(401)
    expect(expired.json().error).toBe('invalid_client')
  })

  it('keeps the previous secret valid after a rotation, until it is retired', async () => {
    const rotated = await t.services.credentials.rotate(cred.clientId)
    await t.services.credentialEvents.pollOnce()
    const old = () =>
      post('grant_type=client_credentials', {
        authorization: basic(cred.clientId, cred.clientSecret),
      })
    const fresh = () =>
      post('grant_type=client_credentials', {
        authorization: basic(cred.clientId, rotated.client_secret),
      })

    expect((await old()).statusCode).toBe(200)
    expect((await fresh()).statusCode).toBe(200)

    await t.services.credentials.retireOldSecrets(cred.clientId)
    await t.services.credentialEvents.pollOnce()
    expect((await old()).statusCode).toBe(401)
    expect((await fresh()).statusCode).toBe(200)
  })

  it('records the last use of a credential', async () => {
    await post('grant_type=client_credentials', {
      authorization: basic(cred.clientId, cred.clientSecret),
    })
    await new Promise((resolve) => setTimeout(resolve, 50))
    const stored = await t.services.credentials.get(cred.clientId)
    expect(stored.last_used_at).toBe(new Date(t.clock.now()).toISOString())
  })
})
