import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createTestApp, type TestApp } from '../support/app.js'
import { basic, createCredential, type TestCredential } from '../support/oauth.js'

describe('logs', () => {
  let t: TestApp
  let cred: TestCredential
  const lines: string[] = []

  beforeEach(async () => {
    lines.length = 0
    t = await createTestApp(
      'sqlite',
      {},
      { QUIRE_LOG_LEVEL: 'debug' },
      { write: (line) => void lines.push(line) },
    )
    cred = await createCredential(t.services)
  })
  afterEach(() => t.close())

  it('carry request ids and the true reason of a failure, never secrets or tokens', async () => {
    const token = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'req-abc-1' },
      payload: `grant_type=client_credentials&client_id=${cred.clientId}&client_secret=${cred.clientSecret}`,
    })
    const accessToken = token.json().access_token as string
    expect(token.headers['x-request-id']).toBe('req-abc-1')

    const wrongSecret = `${cred.clientSecret}WRONG`
    await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(cred.clientId, wrongSecret),
      },
      payload: 'grant_type=client_credentials',
    })
    await t.app.inject({ url: '/v1/books', headers: { authorization: `Bearer ${accessToken}` } })
    await t.app.inject({ url: '/v1/books', headers: { authorization: `Bearer ${accessToken}x` } })

    const all = lines.join('')
    expect(lines.length).toBeGreaterThan(4)
    for (const secret of [
      cred.clientSecret,
      wrongSecret,
      accessToken,
      basic(cred.clientId, wrongSecret).slice(6),
    ]) {
      expect(all).not.toContain(secret)
    }

    const parsed = lines.map((line) => JSON.parse(line))
    expect(parsed.find((l) => l.msg === 'client authentication failed')).toMatchObject({
      client_id: cred.clientId,
      reason: 'secret mismatch',
    })
    expect(parsed.some((l) => l.reqId === 'req-abc-1')).toBe(true)
    expect(parsed.find((l) => l.msg === 'bearer token rejected')).toMatchObject({
      reason: 'bad_signature',
    })
  })
})
