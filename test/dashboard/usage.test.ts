import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { getToken } from '../support/oauth.js'
import { setUpOwner, signedInMember } from './browser.js'

describeEachDialect('dashboard usage', (dialect) => {
  let t: TestApp

  beforeEach(async () => {
    // Sessions outlast the day change the test makes.
    t = await createTestApp(dialect, {
      orgRateLimitPerSecond: 10_000,
      sessionTtlSeconds: 3 * 86_400,
    })
  })
  afterEach(async () => {
    await t.close()
  })

  it('counts bearer API requests per credential per day, for its organization only', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const made = async (name: string) => {
      const { credential, client_secret } = (
        await owner.post('/dashboard/api/credentials', { name })
      ).json()
      return { clientId: credential.client_id, clientSecret: client_secret, orgId: '' }
    }
    const busy = await made('busy')
    const quiet = await made('quiet')
    const token = await getToken(t.app, busy)
    for (let i = 0; i < 3; i++) {
      const response = await t.app.inject({
        url: '/v1/books',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(response.statusCode).toBe(200)
    }
    // Unauthenticated calls count for nobody.
    await t.app.inject({ url: '/v1/books' })

    t.clock.advance(86_400)
    // The next day's request counts for that day.
    const nextDay = await t.app.inject({
      url: '/v1/books',
      headers: { authorization: `Bearer ${await getToken(t.app, busy)}` },
    })
    expect(nextDay.statusCode).toBe(200)
    const usage = (await owner.get('/dashboard/api/usage')).json()

    expect(usage.days).toHaveLength(14)
    expect(usage.days.slice(-2)).toEqual(['2026-06-01', '2026-06-02'])
    const byName = Object.fromEntries(
      usage.credentials.map((c: { name: string; requests: number[] }) => [c.name, c.requests]),
    )
    expect(byName.busy.slice(-2)).toEqual([3, 1])
    expect(byName.quiet.slice(-2)).toEqual([0, 0])
    expect(byName.busy.slice(0, -2).every((n: number) => n === 0)).toBe(true)
    expect(quiet.clientId).not.toBe(busy.clientId)

    const rival = await signedInMember(t.app, t.services, 'Rival Bank', 'boss@rival.example')
    expect((await rival.browser.get('/dashboard/api/usage')).json().credentials).toEqual([])
  })

  it('moves a credential’s last use to its last API call, not its last token', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const { credential, client_secret } = (
      await owner.post('/dashboard/api/credentials', { name: 'app' })
    ).json()
    const token = await getToken(t.app, {
      clientId: credential.client_id,
      clientSecret: client_secret,
      orgId: '',
    })
    const issuedAt = t.clock.now()

    t.clock.advance(600)
    const call = await t.app.inject({
      url: '/v1/books',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(call.statusCode).toBe(200)
    const listed = (await owner.get('/dashboard/api/usage')).json()
    expect(listed.credentials).toHaveLength(1)

    const [row] = (await owner.get('/dashboard/api/credentials')).json().credentials
    expect(Date.parse(row.last_used_at)).toBe(issuedAt + 600_000)
  })
})
