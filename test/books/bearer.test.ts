import crypto from 'node:crypto'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { createCredential, getToken, type TestCredential } from '../support/oauth.js'

describeEachDialect('bearer authentication on /v1', (dialect) => {
  let t: TestApp
  let cred: TestCredential

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 5 })
    cred = await createCredential(t.services)
  })
  afterEach(() => t.close())

  const books = (authorization?: string) =>
    t.app.inject({
      url: '/v1/books',
      headers: authorization === undefined ? {} : { authorization },
    })

  function expectInvalidToken(response: Awaited<ReturnType<typeof books>>) {
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer realm="quire", error="invalid_token"')
    expect(response.json()).toEqual({
      status: 401,
      code: 1202,
      message: 'Invalid access token',
      response: null,
      meta: { status: 401, msg: 'Invalid access token', code: 1202 },
    })
  }

  it('accepts a token with any case of the scheme', async () => {
    const token = await getToken(t.app, cred)
    for (const scheme of ['Bearer', 'bearer', 'BEARER']) {
      const response = await books(`${scheme} ${token}`)
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({ status: 200, message: 'OK', response: [] })
    }
  })

  it('answers a missing token with a bare challenge and code 1200', async () => {
    const response = await books()
    expect(response.statusCode).toBe(401)
    expect(response.headers['www-authenticate']).toBe('Bearer realm="quire"')
    expect(response.json().code).toBe(1200)
  })

  it('refuses malformed, tampered and foreign-signed tokens', async () => {
    const token = await getToken(t.app, cred)
    const [header, payload] = token.split('.') as [string, string]
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    const forged = Buffer.from(JSON.stringify({ ...claims, org_id: 'org_other' })).toString(
      'base64url',
    )

    const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const input = `${header}.${payload}`
    const foreign = crypto.sign('sha256', Buffer.from(input), {
      key: privateKey,
      dsaEncoding: 'ieee-p1363',
    })

    expectInvalidToken(await books('Bearer not-a-jwt'))
    expectInvalidToken(await books(`Bearer ${token} extra`))
    expectInvalidToken(await books(`Bearer ${header}.${forged}.${token.split('.')[2]}`))
    expectInvalidToken(await books(`Bearer ${input}.${foreign.toString('base64url')}`))
    expectInvalidToken(await books(`Basic ${Buffer.from('a:b').toString('base64')}`))
  })

  it('refuses an expired token after the 60 s tolerance, not before', async () => {
    const token = await getToken(t.app, cred)
    t.clock.advance(86400 + 30)
    expect((await books(`Bearer ${token}`)).statusCode).toBe(200)
    t.clock.advance(31)
    expectInvalidToken(await books(`Bearer ${token}`))
  })

  it('answers a missing scope with 403 insufficient_scope', async () => {
    const reader = await createCredential(t.services, { scope: 'books:read' })
    const token = await getToken(t.app, reader)
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/book/add',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'x' },
    })

    expect(response.statusCode).toBe(403)
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="quire", error="insufficient_scope", scope="books:write"',
    )
    expect(response.json().code).toBe(2100)
    expect(
      (await t.services.books.list(reader.orgId, { orderBy: 'pk', order: 'ASC', offset: 0 })).total,
    ).toBe(0)
  })

  it('limits each organization to its rate with 429 and Retry-After, apart from others', async () => {
    const token = await getToken(t.app, cred)
    const other = await getToken(t.app, await createCredential(t.services, { org: 'other' }))
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await books(`Bearer ${token}`)).statusCode)

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429])
    const limited = await books(`Bearer ${token}`)
    expect(limited.headers['retry-after']).toBe('1')
    expect(limited.json().status).toBe(429)
    expect((await books(`Bearer ${other}`)).statusCode).toBe(200)
  })

  it('answers unknown /v1 routes in the Ocrolus envelope', async () => {
    const response = await t.app.inject('/v1/nothing-here')
    expect(response.statusCode).toBe(404)
    expect(response.json().code).toBe(1101)
  })
})
