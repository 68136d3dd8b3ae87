import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { multipart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'

/** Input the bearer API must refuse cleanly on both storages, and placements it must accept. */
describeEachDialect('bearer API input', (dialect) => {
  let t: TestApp
  let token: string

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
  })
  afterEach(() => t.close())

  const api = (
    method: 'GET' | 'POST',
    url: string,
    payload?: string | Buffer | object,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload !== undefined && { payload: payload as string }),
    })
  const books = () => t.services.storage.db.selectFrom('books').selectAll().execute()
  const add = async (name: string) =>
    (await api('POST', '/v1/book/add', { name })).json().response as { pk: number; uuid: string }

  it('refuses a NUL character in any placement with 1003, storing nothing', async () => {
    const book = await add('Kept')
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const attempts = [
      await api('POST', '/v1/book/add', { name: 'a\u0000b' }),
      await api('POST', '/v1/book/add', 'name=ok&xid=%00', form),
      await api('POST', '/v1/book/update', { pk: book.pk, name: 'z\u0000' }),
      await api('GET', '/v1/books?search=a%00b'),
      await api('GET', '/v1/books?xid=%00'),
      await api('GET', `/v1/book/info?book_uuid=a%00`),
      await api('POST', '/v1/book/add', { name: 'ok', nested: { 'k\u0000': 1 } }),
    ]
    for (const response of attempts) {
      expect(response.statusCode, response.body).toBe(400)
      expect(response.json()).toMatchObject({ status: 400, code: 1003 })
      expect(response.json().message).toMatch(/must not contain a NUL character$/)
    }
    expect(attempts[0]?.json().message).toBe('"name" must not contain a NUL character')
    expect((await books()).map((b) => b.name)).toEqual(['Kept'])
  })

  it('refuses a NUL character in an upload field', async () => {
    const { payload, headers } = multipart([
      { book_uuid: 'x\u0000' },
      { filename: 'a.pdf', content: Buffer.from('%PDF-1.4') },
    ])
    const response = await api('POST', '/v1/book/upload', payload, headers)
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      code: 1003,
      message: '"book_uuid" must not contain a NUL character',
    })
  })

  it('refuses JSON that is not valid UTF-8 or not JSON with 1002', async () => {
    const json = { 'content-type': 'application/json' }
    const latin1 = Buffer.from([...Buffer.from('{"name":"'), 0xff, 0xfe, ...Buffer.from('"}')])
    const notUtf8 = await api('POST', '/v1/book/add', latin1, json)
    expect(notUtf8.statusCode).toBe(400)
    expect(notUtf8.json()).toMatchObject({
      code: 1002,
      message: 'Could not decode JSON string: it is not valid UTF-8',
    })

    const truncated = await api('POST', '/v1/book/add', '{"name":', json)
    expect(truncated.statusCode).toBe(400)
    expect(truncated.json()).toMatchObject({ code: 1002, message: 'Could not decode JSON string' })

    const getBody = await api('GET', '/v1/books', '{"name":', json)
    expect(getBody.json()).toMatchObject({ code: 1002 })
    expect(await books()).toEqual([])
  })

  it('answers a body over the limit with 413', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })
    const response = await api('POST', '/v1/book/add', big, { 'content-type': 'application/json' })
    expect(response.statusCode).toBe(413)
    expect(response.json()).toMatchObject({ status: 413, code: 1105 })
    expect(await books()).toEqual([])
  })

  it('takes the parameters of a POST from the query string when it has no body', async () => {
    const added = await api('POST', '/v1/book/add?name=From%20query&xid=q-1')
    expect(added.statusCode, added.body).toBe(200)
    const book = added.json().response

    const updated = await api('POST', `/v1/book/update?pk=${book.pk}&xid=q-2`)
    expect(updated.statusCode, updated.body).toBe(200)
    expect((await books())[0]).toMatchObject({ name: 'From query', xid: 'q-2' })

    const removed = await api('POST', `/v1/book/remove?book_uuid=${book.uuid}`)
    expect(removed.json()).toEqual({ status: 200, message: 'OK', response: {} })
    expect(await books()).toEqual([])
  })

  it('accepts enumerated values in any letter case', async () => {
    await add('Alpha')
    await add('Beta')
    const listed = await api('GET', '/v1/books?order=asc&order_by=name')
    expect(listed.statusCode, listed.body).toBe(200)
    expect(listed.json().response.map((b: { name: string }) => b.name)).toEqual(['Alpha', 'Beta'])

    const instant = await api('POST', '/v1/book/add', { name: 'Gamma', book_class: 'instant' })
    expect(instant.json().response.book_class).toBe('INSTANT')

    const wrong = await api('GET', '/v1/books?order=sideways')
    expect(wrong.statusCode).toBe(400)
    expect(wrong.json().code).toBe(1003)
  })
})
