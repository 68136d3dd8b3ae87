import { afterEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { Browser, PASSWORD, setUpOwner, signedInMember } from './browser.js'

describeEachDialect('dashboard sign-in throttling', (dialect) => {
  let t: TestApp

  afterEach(async () => {
    await t.close()
  })

  it('locks an email at the address that failed, even for the right password', async () => {
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

  it('lets the owner sign in from another address while one address is locked out of the email', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAccount: 3 })
    await setUpOwner(t.app, t.services)
    const stranger = new Browser(t.app)
    await stranger.open()
    const from = { remoteAddress: '203.0.113.9' }

    for (let i = 0; i < 3; i++) {
      const wrong = await stranger.post(
        '/dashboard/api/sign-in',
        { email: 'owner@example.com', password: `wrong guess ${i}` },
        from,
      )
      expect(wrong.statusCode).toBe(401)
    }
    const locked = await stranger.post(
      '/dashboard/api/sign-in',
      { email: 'owner@example.com', password: PASSWORD },
      from,
    )
    expect(locked.statusCode).toBe(429)

    const owner = await new Browser(t.app).signIn('owner@example.com', PASSWORD, {
      remoteAddress: '198.51.100.7',
    })
    expect(owner.statusCode).toBe(200)
    expect(owner.json()).toMatchObject({ signed_in: true, user: { email: 'owner@example.com' } })
  })

  it('caps the failures of one email over all addresses together', async () => {
    t = await createTestApp(dialect, {
      signInFailuresPerAccount: 3,
      signInFailuresPerAccountAll: 4,
    })
    await setUpOwner(t.app, t.services)
    await signedInMember(t.app, t.services, 'Acme Lending', 'colleague@example.com', 'member')
    const browser = new Browser(t.app)
    await browser.open()

    for (let i = 0; i < 4; i++) {
      const wrong = await browser.post(
        '/dashboard/api/sign-in',
        { email: 'owner@example.com', password: `distributed guess ${i}` },
        { remoteAddress: `203.0.113.${10 + i}` },
      )
      expect(wrong.statusCode).toBe(401)
    }
    const locked = await browser.post(
      '/dashboard/api/sign-in',
      { email: 'owner@example.com', password: PASSWORD },
      { remoteAddress: '198.51.100.7' },
    )

    expect(locked.statusCode).toBe(429)
    expect(locked.json().error).toBe('too_many_attempts')
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    const other = await browser.post(
      '/dashboard/api/sign-in',
      { email: 'colleague@example.com', password: PASSWORD },
      { remoteAddress: '198.51.100.7' },
    )
    expect(other.statusCode).toBe(200)
  })

  it('does not let one address use up an email’s count for every other address', async () => {
    t = await createTestApp(dialect, {
      signInFailuresPerAccount: 2,
      signInFailuresPerAccountAll: 5,
    })
    await setUpOwner(t.app, t.services)
    const stranger = new Browser(t.app)
    await stranger.open()

    const statuses: number[] = []
    for (let i = 0; i < 10; i++) {
      const response = await stranger.post(
        '/dashboard/api/sign-in',
        { email: 'owner@example.com', password: `hammered guess ${i}` },
        { remoteAddress: '203.0.113.9' },
      )
      statuses.push(response.statusCode)
    }
    expect(statuses).toEqual([401, 401, 429, 429, 429, 429, 429, 429, 429, 429])

    const owner = await new Browser(t.app).signIn('owner@example.com', PASSWORD, {
      remoteAddress: '198.51.100.7',
    })
    expect(owner.statusCode).toBe(200)
  })

  it('counts wrong current passwords of a password change with the sign-ins of that account', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAccount: 3 })
    const owner = await setUpOwner(t.app, t.services)
    const change = (current: string) =>
      owner.post('/dashboard/api/account/password', {
        current_password: current,
        new_password: 'a brand new password',
      })

    for (let i = 0; i < 3; i++) {
      const wrong = await change(`wrong current ${i}`)
      expect(wrong.statusCode).toBe(400)
      expect(wrong.json().error).toBe('wrong_password')
    }
    const locked = await change(PASSWORD)

    expect(locked.statusCode).toBe(429)
    expect(locked.json()).toEqual({
      error: 'too_many_attempts',
      message: 'Too many wrong passwords. Wait a few minutes and try again.',
    })
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0)
    // The same count: a sign-in of that email from this address is locked too, the password
    // is unchanged, and the owner still signs in from elsewhere with it.
    expect((await new Browser(t.app).signIn('owner@example.com')).statusCode).toBe(429)
    const elsewhere = await new Browser(t.app).signIn('owner@example.com', PASSWORD, {
      remoteAddress: '198.51.100.7',
    })
    expect(elsewhere.statusCode).toBe(200)
  })

  it('counts wrong current passwords sent at once before any of them is checked', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAccount: 3 })
    const owner = await setUpOwner(t.app, t.services)

    const guesses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        owner.post('/dashboard/api/account/password', {
          current_password: `parallel guess ${i}`,
          new_password: 'a brand new password',
        }),
      ),
    )
    const statuses = guesses.map((r) => r.statusCode).sort()
    expect(statuses).toEqual([400, 400, 400, 429, 429, 429, 429, 429, 429, 429])
  })

  it('forgets the failures of a password change once it succeeds', async () => {
    t = await createTestApp(dialect, { signInFailuresPerAccount: 3 })
    const owner = await setUpOwner(t.app, t.services)
    const change = (current: string, next: string) =>
      owner.post('/dashboard/api/account/password', {
        current_password: current,
        new_password: next,
      })

    expect((await change('wrong one here', 'a brand new password')).statusCode).toBe(400)
    expect((await change('wrong two here', 'a brand new password')).statusCode).toBe(400)
    expect((await change(PASSWORD, 'a brand new password')).statusCode).toBe(200)
    expect((await change('wrong three here', PASSWORD)).statusCode).toBe(400)
    expect((await change('wrong four here', PASSWORD)).statusCode).toBe(400)
    expect((await change('a brand new password', PASSWORD)).statusCode).toBe(200)
  })
})
