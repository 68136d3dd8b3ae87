import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { Browser, setUpOwner } from './browser.js'

const NEW_MEMBER = {
  email: 'new@example.com',
  name: 'New Member',
  role: 'member',
  password: 'a long enough password',
}

describeEachDialect('dashboard CSRF and session fixation', (dialect) => {
  let t: TestApp

  beforeEach(async () => {
    t = await createTestApp(dialect)
  })
  afterEach(async () => {
    await t.close()
  })

  async function memberCount(): Promise<number> {
    return (await t.services.storage.db.selectFrom('users').select('id').execute()).length
  }

  it('refuses a state-changing request without the CSRF token, and writes nothing', async () => {
    const owner = await setUpOwner(t.app, t.services)

    const response = await owner.post('/dashboard/api/members', NEW_MEMBER, { csrf: null })

    expect(response.statusCode).toBe(403)
    expect(response.json()).toEqual({
      error: 'csrf_failed',
      message: 'This request could not be verified. Reload the page and try again.',
    })
    expect(await memberCount()).toBe(1)
  })

  it('refuses a token that is not this session’s, even when it matches a cookie', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const attacker = new Browser(t.app)
    await attacker.open()

    // The attacker's own (valid, signed-out) token, planted as both header and cookie.
    owner.cookies.set('quire_csrf', attacker.csrf)
    const response = await owner.post('/dashboard/api/members', NEW_MEMBER, {
      csrf: attacker.csrf,
    })

    expect(response.statusCode).toBe(403)
    expect(response.json().error).toBe('csrf_failed')
    expect(await memberCount()).toBe(1)
  })

  it('refuses a request from another origin, or with no origin at all, despite a good token', async () => {
    const owner = await setUpOwner(t.app, t.services)

    for (const origin of ['https://evil.example', 'http://quire.test.evil.example', null]) {
      const response = await owner.post('/dashboard/api/members', NEW_MEMBER, { origin })
      expect(response.statusCode).toBe(403)
      expect(response.json().error).toBe('csrf_failed')
    }
    expect(await memberCount()).toBe(1)

    const ok = await owner.post('/dashboard/api/members', NEW_MEMBER)
    expect(ok.statusCode).toBe(201)
    expect(await memberCount()).toBe(2)
  })

  it('checks CSRF on sign-in too, so no other site can sign a browser into its account', async () => {
    await setUpOwner(t.app, t.services)
    const victim = new Browser(t.app)

    const response = await victim.post(
      '/dashboard/api/sign-in',
      { email: 'owner@example.com', password: 'correct horse battery' },
      { origin: 'https://evil.example', csrf: null },
    )

    expect(response.statusCode).toBe(403)
    expect(victim.cookies.has('quire_session')).toBe(false)
  })

  it('lets safe methods through without a token', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const response = await owner.get('/dashboard/api/members', { csrf: null, origin: null })
    expect(response.statusCode).toBe(200)
  })

  it('issues a new session id at sign-in; a planted id is never promoted', async () => {
    const owner = await setUpOwner(t.app, t.services)
    await owner.post('/dashboard/api/members', NEW_MEMBER)

    // The attacker signs in as themself and plants their session id in the victim's browser.
    const attacker = new Browser(t.app)
    await attacker.signIn(NEW_MEMBER.email, NEW_MEMBER.password)
    const planted = attacker.cookies.get('quire_session') as string
    const victim = new Browser(t.app)
    victim.cookies.set('quire_session', planted)
    await victim.open()

    const response = await victim.signIn('owner@example.com')

    expect(response.statusCode).toBe(200)
    const issued = victim.cookies.get('quire_session')
    expect(issued).toBeDefined()
    expect(issued).not.toBe(planted)
    // The planted session is gone: it neither became the owner's nor stays the attacker's.
    const withPlanted = new Browser(t.app)
    withPlanted.cookies.set('quire_session', planted)
    expect(await withPlanted.open()).toMatchObject({ signed_in: false })
    expect(await victim.open()).toMatchObject({
      signed_in: true,
      user: { email: 'owner@example.com' },
    })
  })

  it('ignores a made-up session id', async () => {
    await setUpOwner(t.app, t.services)
    const browser = new Browser(t.app)
    browser.cookies.set('quire_session', 'A'.repeat(43))
    expect(await browser.open()).toMatchObject({ signed_in: false })
    expect((await browser.get('/dashboard/api/members')).statusCode).toBe(401)
  })

  it('gives a new CSRF token at sign-in; the signed-out one no longer works', async () => {
    await setUpOwner(t.app, t.services)
    const browser = new Browser(t.app)
    await browser.open()
    const before = browser.csrf

    await browser.signIn('owner@example.com')

    expect(browser.csrf).not.toBe(before)
    const stale = await browser.post('/dashboard/api/members', NEW_MEMBER, { csrf: before })
    expect(stale.statusCode).toBe(403)
  })
})
