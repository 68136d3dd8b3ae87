import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { type Browser, setUpOwner, signedInMember } from './browser.js'

describeEachDialect('dashboard request methods and bodies', (dialect) => {
  let t: TestApp
  let owner: Browser

  beforeEach(async () => {
    t = await createTestApp(dialect)
    owner = await setUpOwner(t.app, t.services)
  })
  afterEach(async () => {
    await t.close()
  })

  async function bookNames(): Promise<string[]> {
    const { books } = (await owner.get('/dashboard/api/books')).json()
    return books.map((book: { name: string }) => book.name)
  }

  it('answers HEAD to whoever may GET, read-only members included', async () => {
    const reader = await signedInMember(t.app, t.services, 'Acme Lending', 'r@x.com', 'read_only')

    const head = await reader.browser.request('HEAD', '/dashboard/api/members')

    expect(head.statusCode).toBe(200)
    expect(head.headers['content-type']).toMatch(/^application\/json/)
    expect(head.body).toBe('')
    const anonymous = await owner.request('HEAD', '/dashboard/api/session')
    expect(anonymous.statusCode).toBe(200)
  })

  it('still refuses writes by read-only members', async () => {
    const reader = await signedInMember(t.app, t.services, 'Acme Lending', 'r@x.com', 'read_only')

    const created = await reader.browser.post('/dashboard/api/books', { name: 'Not mine' })

    expect(created.statusCode).toBe(403)
    expect(created.json().error).toBe('forbidden')
    expect(await bookNames()).toEqual([])
  })

  for (const contentType of [
    'application/xml',
    'text/plain',
    'application/x-www-form-urlencoded',
  ]) {
    it(`refuses a ${contentType} body with 415 and stores nothing`, async () => {
      const answer = await owner.send(
        '/dashboard/api/books',
        Buffer.from('name=Plain'),
        contentType,
      )

      expect(answer.statusCode).toBe(415)
      expect(answer.json()).toEqual({
        error: 'unsupported_media_type',
        message: 'The request was sent in a format this server does not accept. Reload the page.',
      })
      expect(await bookNames()).toEqual([])
    })
  }

  it('refuses NUL characters in JSON with 400, naming the field', async () => {
    const answer = await owner.post('/dashboard/api/books', { name: 'Jane\u0000Doe' })

    expect(answer.statusCode).toBe(400)
    expect(answer.json()).toEqual({
      error: 'invalid_input',
      message: '"name" must not contain a NUL character',
    })
    expect(await bookNames()).toEqual([])
  })

  it('refuses JSON that is not UTF-8 with 400', async () => {
    const latin1 = Buffer.from('{"name":"Caf\xe9"}', 'latin1')

    const answer = await owner.send('/dashboard/api/books', latin1, 'application/json')

    expect(answer.statusCode).toBe(400)
    expect(answer.json().error).toBe('invalid_input')
    expect(await bookNames()).toEqual([])
  })
})
