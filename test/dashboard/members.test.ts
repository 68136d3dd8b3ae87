import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { Browser, PASSWORD, setUpOwner, signedInMember } from './browser.js'

describeEachDialect('dashboard members, roles and organizations', (dialect) => {
  let t: TestApp

  beforeEach(async () => {
    t = await createTestApp(dialect)
  })
  afterEach(async () => {
    await t.close()
  })

  it('adds a member with a role, who then signs in with it', async () => {
    const owner = await setUpOwner(t.app, t.services)

    const added = await owner.post('/dashboard/api/members', {
      email: 'Reader@Example.com',
      name: 'Rita Reader',
      role: 'read_only',
      password: PASSWORD,
    })

    expect(added.statusCode).toBe(201)
    expect(added.json()).toMatchObject({
      email: 'reader@example.com',
      name: 'Rita Reader',
      role: 'read_only',
    })
    const reader = new Browser(t.app)
    const signIn = await reader.signIn('reader@example.com')
    expect(signIn.json()).toMatchObject({
      role: 'read_only',
      organization: { name: 'Acme Lending' },
    })
    const list = (await owner.get('/dashboard/api/members')).json()
    expect(list.members.map((m: { email: string }) => m.email)).toEqual([
      'owner@example.com',
      'reader@example.com',
    ])
  })

  it('invites by link; the link works once and the invitee gets the role', async () => {
    const owner = await setUpOwner(t.app, t.services)

    const invited = await owner.post('/dashboard/api/invitations', {
      email: 'mia@example.com',
      role: 'member',
    })

    expect(invited.statusCode).toBe(201)
    const { link } = invited.json()
    expect(link).toMatch(/^http:\/\/quire\.test\/dashboard\/invite#token=[\w-]{43}$/)
    const token = new URL(link).hash.replace('#token=', '')
    expect((await owner.get('/dashboard/api/members')).json().invitations).toMatchObject([
      { email: 'mia@example.com', role: 'member' },
    ])

    const mia = new Browser(t.app)
    await mia.open()
    const accepted = await mia.post('/dashboard/api/invitations/accept', {
      token,
      name: 'Mia',
      password: PASSWORD,
    })
    expect(accepted.statusCode).toBe(201)
    expect(accepted.json()).toMatchObject({
      signed_in: true,
      role: 'member',
      user: { email: 'mia@example.com' },
    })

    const again = new Browser(t.app)
    await again.open()
    const replay = await again.post('/dashboard/api/invitations/accept', {
      token,
      name: 'Eve',
      password: PASSWORD,
    })
    expect(replay.statusCode).toBe(400)
    expect(replay.json().error).toBe('invitation_invalid')
  })

  async function invite(owner: Browser, email: string) {
    const invited = await owner.post('/dashboard/api/invitations', { email, role: 'member' })
    expect(invited.statusCode).toBe(201)
    const { id, link } = invited.json()
    return { id: id as string, token: new URL(link).hash.replace('#token=', '') }
  }

  async function accept(token: string) {
    const browser = new Browser(t.app)
    await browser.open()
    return browser.post('/dashboard/api/invitations/accept', {
      token,
      name: 'Mia',
      password: PASSWORD,
    })
  }

  it('withdraws a pending invitation: it leaves the list and its link stops working', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const { id, token } = await invite(owner, 'mia@example.com')
    const listed = (await owner.get('/dashboard/api/members')).json().invitations
    expect(listed).toEqual([
      {
        id,
        email: 'mia@example.com',
        role: 'member',
        created_at: expect.any(String),
        expires_at: expect.any(String),
      },
    ])
    expect(id).toMatch(/^inv_[\w-]{12}$/)

    const withdrawn = await owner.request('DELETE', `/dashboard/api/invitations/${id}`)

    expect(withdrawn.statusCode).toBe(204)
    expect(withdrawn.body).toBe('')
    expect((await owner.get('/dashboard/api/members')).json().invitations).toEqual([])
    const accepted = await accept(token)
    expect(accepted.statusCode).toBe(400)
    expect(accepted.json().error).toBe('invitation_invalid')
    const again = await owner.request('DELETE', `/dashboard/api/invitations/${id}`)
    expect(again.statusCode).toBe(404)
    expect(again.json()).toEqual({
      error: 'not_found',
      message: 'That invitation does not exist, or was withdrawn.',
    })
  })

  it('lets only owners withdraw invitations, and only of their own organization', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const { id, token } = await invite(owner, 'mia@example.com')
    const member = await signedInMember(
      t.app,
      t.services,
      'Acme Lending',
      'm@example.com',
      'member',
    )
    const rival = await signedInMember(t.app, t.services, 'Rival Bank', 'boss@rival.example')

    const byMember = await member.browser.request('DELETE', `/dashboard/api/invitations/${id}`)
    expect(byMember.statusCode).toBe(403)
    expect(byMember.json().error).toBe('forbidden')
    const byRival = await rival.browser.request('DELETE', `/dashboard/api/invitations/${id}`)
    expect(byRival.statusCode).toBe(404)
    expect(byRival.json().error).toBe('not_found')
    const unknown = await owner.request('DELETE', '/dashboard/api/invitations/inv_nothing')
    expect(unknown.statusCode).toBe(404)

    expect((await owner.get('/dashboard/api/members')).json().invitations).toMatchObject([{ id }])
    expect((await accept(token)).statusCode).toBe(201)
  })

  it('spends the pending invitation of a person the owner adds directly', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const { token } = await invite(owner, 'mia@example.com')

    const added = await owner.post('/dashboard/api/members', {
      email: 'Mia@Example.com',
      name: 'Mia',
      role: 'read_only',
      password: PASSWORD,
    })

    expect(added.statusCode).toBe(201)
    expect((await owner.get('/dashboard/api/members')).json().invitations).toEqual([])
    const accepted = await accept(token)
    expect(accepted.statusCode).toBe(400)
    expect(accepted.json().error).toBe('invitation_invalid')
  })

  it('lets only owners manage members, and read-only members write nothing', async () => {
    await setUpOwner(t.app, t.services)
    const org = await t.services.organizations.ensure('Acme Lending')
    const member = await signedInMember(t.app, t.services, org.name, 'm@example.com', 'member')
    const reader = await signedInMember(t.app, t.services, org.name, 'r@example.com', 'read_only')
    const newcomer = { email: 'x@example.com', name: 'X', role: 'owner', password: PASSWORD }

    const byMember = await member.browser.post('/dashboard/api/members', newcomer)
    expect(byMember.statusCode).toBe(403)
    expect(byMember.json()).toEqual({
      error: 'forbidden',
      message: 'Your role in this organization does not allow this.',
    })
    const promote = await member.browser.request(
      'PATCH',
      `/dashboard/api/members/${member.userId}`,
      { role: 'owner' },
    )
    expect(promote.statusCode).toBe(403)
    expect((await reader.browser.get('/dashboard/api/members')).statusCode).toBe(200)
    expect((await reader.browser.post('/dashboard/api/invitations', newcomer)).statusCode).toBe(403)
    const stored = await t.services.members.list(org.id)
    // The test clock stands still, so all joined at once and are listed by email.
    expect(stored.map((m) => [m.email, m.role])).toEqual([
      ['m@example.com', 'member'],
      ['owner@example.com', 'owner'],
      ['r@example.com', 'read_only'],
    ])
  })

  it('keeps at least one owner', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const me = (await owner.open()) as { user: { id: string } }

    const demote = await owner.request('PATCH', `/dashboard/api/members/${me.user.id}`, {
      role: 'member',
    })
    expect(demote.statusCode).toBe(409)
    expect(demote.json().error).toBe('last_owner')
    const remove = await owner.request('DELETE', `/dashboard/api/members/${me.user.id}`)
    expect(remove.statusCode).toBe(409)
  })

  it('removes a member: their sessions end and their account goes', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const org = await t.services.organizations.ensure('Acme Lending')
    const member = await signedInMember(t.app, t.services, org.name, 'm@example.com', 'member')

    const removed = await owner.request('DELETE', `/dashboard/api/members/${member.userId}`)

    expect(removed.statusCode).toBe(204)
    expect((await member.browser.get('/dashboard/api/members')).statusCode).toBe(401)
    expect((await new Browser(t.app).signIn('m@example.com')).statusCode).toBe(401)
  })

  it('never shows or changes the people of another organization', async () => {
    const acme = await setUpOwner(t.app, t.services)
    const acmeOwner = (await acme.open()) as { user: { id: string } }
    const rival = await signedInMember(t.app, t.services, 'Rival Bank', 'boss@rival.example')

    const list = (await rival.browser.get('/dashboard/api/members')).json()
    expect(list.members.map((m: { email: string }) => m.email)).toEqual(['boss@rival.example'])

    const demote = await rival.browser.request(
      'PATCH',
      `/dashboard/api/members/${acmeOwner.user.id}`,
      { role: 'read_only' },
    )
    expect(demote.statusCode).toBe(404)
    expect(demote.json().error).toBe('not_found')
    const remove = await rival.browser.request(
      'DELETE',
      `/dashboard/api/members/${acmeOwner.user.id}`,
    )
    expect(remove.statusCode).toBe(404)

    const acmeMembers = (await acme.get('/dashboard/api/members')).json().members
    expect(acmeMembers).toMatchObject([{ email: 'owner@example.com', role: 'owner' }])
  })

  it('refuses an email that already has an account', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const response = await owner.post('/dashboard/api/members', {
      email: 'OWNER@example.com',
      name: 'Copy',
      role: 'member',
      password: PASSWORD,
    })
    expect(response.statusCode).toBe(409)
    expect(response.json()).toEqual({
      error: 'email_taken',
      message: 'An account with this email address already exists.',
    })
  })

  it('answers an unknown dashboard API path with a JSON not_found', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const response = await owner.get('/dashboard/api/nothing-here')
    expect(response.statusCode).toBe(404)
    expect(response.json().error).toBe('not_found')
  })
})
