import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, REDIS_URL, type TestApp } from '../support/app.js'
import { basic, createCredential, type TestCredential } from '../support/oauth.js'

describeEachDialect('POST /oauth/token failed-authentication throttling', (dialect) => {
  let t: TestApp
  let victim: TestCredential
  let bystander: TestCredential

  beforeEach(async () => {
    t = await createTestApp(dialect, { authFailuresPerClient: 3, authFailuresPerAddress: 8 })
    victim = await createCredential(t.services)
    bystander = await createCredential(t.services)
  })
  afterEach(() => t.close())

  const attempt = (clientId: string, secret: string, ip = '10.0.0.1') =>
    t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      remoteAddress: ip,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(clientId, secret),
      },
      payload: 'grant_type=client_credentials',
    })

  it('locks out one client_id after its failures, without slowing others at the same address', async () => {
    for (let i = 0; i < 3; i++)
      expect((await attempt(victim.clientId, 'qs_wrong')).statusCode).toBe(401)

    const locked = await attempt(victim.clientId, victim.clientSecret)
    expect(locked.statusCode).toBe(429)
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    expect(locked.headers['cache-control']).toBe('no-store')
    expect(locked.json().error).toBe('temporarily_unavailable')

    expect((await attempt(bystander.clientId, bystander.clientSecret)).statusCode).toBe(200)
  })

  it('keeps serving the client_id’s owner at another address while one address is locked out', async () => {
    for (let i = 0; i < 3; i++)
      expect((await attempt(victim.clientId, 'qs_wrong', '203.0.113.7')).statusCode).toBe(401)
    expect((await attempt(victim.clientId, victim.clientSecret, '203.0.113.7')).statusCode).toBe(
      429,
    )

    const owner = await attempt(victim.clientId, victim.clientSecret, '198.51.100.20')

    expect(owner.statusCode).toBe(200)
  })

  it('stops guessing spread over many client_ids from one address', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await attempt(`qc_guess${i}`, 'qs_wrong', '10.0.0.9')).statusCode).toBe(401)
    }
    expect((await attempt(bystander.clientId, bystander.clientSecret, '10.0.0.9')).statusCode).toBe(
      429,
    )
    expect(
      (await attempt(bystander.clientId, bystander.clientSecret, '10.0.0.10')).statusCode,
    ).toBe(200)
  })

  it('does not count successful authentications', async () => {
    for (let i = 0; i < 10; i++) {
      expect((await attempt(victim.clientId, victim.clientSecret)).statusCode).toBe(200)
    }
  })
})

if (REDIS_URL !== undefined) {
  describeEachDialect('throttling shared through Redis', (dialect) => {
    it('counts failures across two processes', async () => {
      const prefix = `t${Date.now()}${Math.random()}`.replace('.', '')
      const a = await createTestApp(dialect, { authFailuresPerClient: 2, redisUrl: REDIS_URL })
      const b = await createTestApp(dialect, { authFailuresPerClient: 2, redisUrl: REDIS_URL })
      try {
        const clientId = `qc_${prefix}`
        const send = (app: TestApp) =>
          app.app.inject({
            method: 'POST',
            url: '/oauth/token',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              authorization: basic(clientId, 'qs_x'),
            },
            payload: 'grant_type=client_credentials',
          })
        expect((await send(a)).statusCode).toBe(401)
        expect((await send(b)).statusCode).toBe(401)
        expect((await send(a)).statusCode).toBe(429)
        expect((await send(b)).statusCode).toBe(429)
      } finally {
        await a.close()
        await b.close()
      }
    })
  })
}
