import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { Browser, PASSWORD, setUpOwner } from './browser.js'

describeEachDialect('dashboard setup and sessions', (dialect) => {
  let t: TestApp

  beforeEach(async () => {
    t = await createTestApp(dialect)
  })
  afterEach(async () => {
    await t.close()
  })

  it('creates the owner and the organization from a setup link, once', async () => {
    const browser = new Browser(t.app)
    expect(await browser.open()).toMatchObject({ signed_in: false, setup_required: true })
    const token = await t.services.accounts.issueSetupToken()

    const response = await browser.post('/dashboard/api/setup', {
      token,
      email: ' Owner@Example.com ',
      name: 'Olive Owner',
      password: PASSWORD,
      organization: 'Acme Lending',
    })

    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({
      signed_in: true,
      user: { email: 'owner@example.com', name: 'Olive Owner' },
      organization: { name: 'Acme Lending' },
      role: 'owner',
    })
    const user = await t.services.storage.db
      .selectFrom('users')
      .selectAll()
      .executeTakeFirstOrThrow()
    expect(user.password_hash).toMatch(/^\$argon2id\$/)
    expect(user.password_hash).not.toContain(PASSWORD)
    expect(await t.services.storage.db.selectFrom('setup_tokens').selectAll().execute()).toEqual([])

    const again = await new Browser(t.app).post('/dashboard/api/setup', {}, { csrf: null })
    expect(again.statusCode).toBe(403)
    const second = new Browser(t.app)
    await second.open()
    const replay = await second.post('/dashboard/api/setup', {
      token,
      email: 'intruder@example.com',
      name: 'Intruder',
      password: PASSWORD,
    })
    expect(replay.statusCode).toBe(409)
    expect(replay.json()).toEqual({
      error: 'setup_done',
      message: 'This Quire already has an owner. Sign in instead.',
    })
    expect(await t.services.accounts.issueSetupToken()).toBeUndefined()
  })

  it('refuses a wrong or expired setup token and stores nothing', async () => {
    const browser = new Browser(t.app)
    await browser.open()
    const token = await t.services.accounts.issueSetupToken()
    const input = { email: 'a@example.com', name: 'A', password: PASSWORD }

    const wrong = await browser.post('/dashboard/api/setup', {
      ...input,
      token: 'nope',
      organization: 'attacker-org',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().error).toBe('setup_link_invalid')

    t.clock.advance(25 * 3600)
    const expired = await browser.post('/dashboard/api/setup', { ...input, token })
    expect(expired.statusCode).toBe(400)
    expect(expired.json().error).toBe('setup_link_invalid')
    expect(await t.services.storage.db.selectFrom('users').selectAll().execute()).toEqual([])
    const orgs = await t.services.storage.db.selectFrom('organizations').select('name').execute()
    expect(orgs.map((o) => o.name)).not.toContain('attacker-org')
  })

  it('refuses a short password with a sentence naming the field', async () => {
    const browser = new Browser(t.app)
    await browser.open()
    const token = await t.services.accounts.issueSetupToken()
    const response = await browser.post('/dashboard/api/setup', {
      token,
      email: 'a@example.com',
      name: 'A',
      password: 'short',
    })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      error: 'invalid_input',
      message: '"password" must be at least 10 characters',
    })
  })

  it('sets the session cookie HttpOnly, SameSite=Lax, on the dashboard path, not Secure on http', async () => {
    const browser = await setUpOwner(t.app, t.services)
    await browser.post('/dashboard/api/sign-out')
    const response = await browser.signIn('owner@example.com')

    const cookie = String(response.headers['set-cookie']).split(/,(?=\s*quire_)/)
    const session = cookie.find((c) => c.trim().startsWith('quire_session='))
    expect(session).toMatch(/HttpOnly/)
    expect(session).toMatch(/SameSite=Lax/)
    expect(session).toMatch(/Path=\/dashboard/)
    expect(session).not.toMatch(/Secure/)

    // Only the id's hash is stored: the cookie value is nowhere in the table.
    const token = browser.cookies.get('quire_session') as string
    const rows = await t.services.storage.db.selectFrom('sessions').selectAll().execute()
    expect(JSON.stringify(rows)).not.toContain(token)
  })

  it('signs in and out; a signed-out browser reaches nothing', async () => {
    const owner = await setUpOwner(t.app, t.services)
    expect((await owner.get('/dashboard/api/members')).statusCode).toBe(200)

    const out = await owner.post('/dashboard/api/sign-out')
    expect(out.statusCode).toBe(200)
    expect(out.json()).toMatchObject({ signed_in: false, setup_required: false })
    expect(await t.services.storage.db.selectFrom('sessions').selectAll().execute()).toEqual([])

    const members = await owner.get('/dashboard/api/members')
    expect(members.statusCode).toBe(401)
    expect(members.json()).toEqual({
      error: 'not_signed_in',
      message: 'Your session has ended. Sign in to continue.',
    })

    const wrong = await owner.signIn('owner@example.com', 'not the password')
    expect(wrong.statusCode).toBe(401)
    expect(wrong.json().error).toBe('signin_failed')
    const unknown = await owner.signIn('nobody@example.com')
    expect(unknown.json()).toEqual(wrong.json())

    const right = await owner.signIn('OWNER@example.com')
    expect(right.statusCode).toBe(200)
    expect(right.json()).toMatchObject({ signed_in: true, role: 'owner' })
  })

  it('ends a session when it expires', async () => {
    const owner = await setUpOwner(t.app, t.services)
    t.clock.advance(t.config.sessionTtlSeconds + 1)
    expect((await owner.get('/dashboard/api/members')).statusCode).toBe(401)
    expect(await owner.open()).toMatchObject({ signed_in: false })
  })

  it('changes a password: the old one stops working and other sessions end', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const laptop = new Browser(t.app)
    await laptop.signIn('owner@example.com')

    const wrong = await owner.post('/dashboard/api/account/password', {
      current_password: 'not it at all',
      new_password: 'a brand new password',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().error).toBe('wrong_password')

    const changed = await owner.post('/dashboard/api/account/password', {
      current_password: PASSWORD,
      new_password: 'a brand new password',
    })
    expect(changed.statusCode).toBe(200)
    expect((await owner.get('/dashboard/api/members')).statusCode).toBe(200)
    expect((await laptop.get('/dashboard/api/members')).statusCode).toBe(401)

    expect((await new Browser(t.app).signIn('owner@example.com')).statusCode).toBe(401)
    const fresh = await new Browser(t.app).signIn('owner@example.com', 'a brand new password')
    expect(fresh.statusCode).toBe(200)
  })

  it('marks the cookies Secure when the public URL is https', async () => {
    await t.close()
    t = await createTestApp(dialect, { publicUrl: 'https://quire.test' })
    const browser = new Browser(t.app)
    const response = await browser.get('/dashboard/api/session')
    expect(String(response.headers['set-cookie'])).toMatch(/quire_csrf=[\w-]+;.*Secure/)
  })
})
