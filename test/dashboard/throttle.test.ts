import { afterEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { Browser, PASSWORD, setUpOwner, signedInMember } from './browser.js'

describeEachDialect('dashboard sign-in throttling', (dialect) => {
  let t: TestApp

  afterEach(async () => {
    await t.close()
  })

  it('locks an email after repeated failures, even for the right password', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAccount: 3 })
    await setUpOwner(t.app, t.services)
    await signedInMember(t.app, t.services, 'Acme Lending', 'colleague@example.com', 'member')
    const browser = new Browser(t.app)
    await browser.open()

    for (let i = 0; i < 3; i++) {
      const wrong = await browser.post('/dashboard/api/sign-in', {
        email: 'owner@example.com',
        password: `wrong guess ${i}`,
      })
      expect(wrong.statusCode).toBe(401)
    }
    const locked = await browser.post('/dashboard/api/sign-in', {
      email: 'owner@example.com',
      password: PASSWORD,
    })

    expect(locked.statusCode).toBe(429)
    expect(locked.json()).toEqual({
      error: 'too_many_attempts',
      message: 'Too many failed sign-ins. Wait a few minutes and try again.',
    })
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    expect(browser.cookies.has('quire_session')).toBe(false)

    // Another account from the same address is not locked with it.
    const other = await browser.post('/dashboard/api/sign-in', {
      email: 'colleague@example.com',
      password: PASSWORD,
    })
    expect(other.statusCode).toBe(200)
  })

  it('counts attempts sent at once before any of them is checked', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAccount: 3 })
    await setUpOwner(t.app, t.services)
    const browser = new Browser(t.app)
    await browser.open()

    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        browser.post('/dashboard/api/sign-in', {
          email: 'owner@example.com',
          password: `parallel guess ${i}`,
        }),
      ),
    )
    const statuses = guesses.map((r) => r.statusCode).sort()
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429])

    const right = await browser.post('/dashboard/api/sign-in', {
      email: 'owner@example.com',
      password: PASSWORD,
    })
    expect(right.statusCode).toBe(429)
  })

  it('locks an address that guesses across many emails', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAddress: 4 })
    await setUpOwner(t.app, t.services)
    const browser = new Browser(t.app)
    await browser.open()
    const from = { remoteAddress: '203.0.113.9' }

    for (let i = 0; i < 4; i++) {
      const response = await browser.post(
        '/dashboard/api/sign-in',
        { email: `guess${i}@example.com`, password: 'whatever it is' },
        from,
      )
      expect(response.statusCode).toBe(401)
    }
    const locked = await browser.post(
      '/dashboard/api/sign-in',
      { email: 'owner@example.com', password: PASSWORD },
      from,
    )
    expect(locked.statusCode).toBe(429)

    const elsewhere = await browser.post(
      '/dashboard/api/sign-in',
      { email: 'owner@example.com', password: PASSWORD },
      { remoteAddress: '198.51.100.7' },
    )
    expect(elsewhere.statusCode).toBe(200)
  })

  it('forgets the failures of an email once it signs in', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAccount: 3 })
    await setUpOwner(t.app, t.services)
    const browser = new Browser(t.app)
    await browser.open()
    const attempt = (password: string) =>
      browser.post('/dashboard/api/sign-in', { email: 'owner@example.com', password })

    expect((await attempt('wrong one here')).statusCode).toBe(401)
    expect((await attempt('wrong two here')).statusCode).toBe(401)
    expect((await attempt(PASSWORD)).statusCode).toBe(200)
    expect((await attempt('wrong three here')).statusCode).toBe(401)
    expect((await attempt('wrong four here')).statusCode).toBe(401)
    expect((await attempt(PASSWORD)).statusCode).toBe(200)
  })
})
