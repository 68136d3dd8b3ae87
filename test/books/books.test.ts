import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { createCredential, getToken } from '../support/oauth.js'

describeEachDialect('v1 Books API', (dialect) => {
  let t: TestApp
  let token: string
  let outsiderToken: string

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
    outsiderToken = await getToken(t.app, await createCredential(t.services, { org: 'intruder' }))
  })
  afterEach(() => t.close())

  type Req = {
    method?: 'GET' | 'POST'
    url: string
    payload?: unknown
    headers?: Record<string, string>
  }
  const api = (req: Req, as = token) =>
    t.app.inject({
      method: req.method ?? 'GET',
      url: req.url,
      payload: req.payload as string,
      headers: { authorization: `Bearer ${as}`, ...req.headers },
    })
  const add = async (name: string, extra: Record<string, unknown> = {}) => {
    const response = await api({ method: 'POST', url: '/v1/book/add', payload: { name, ...extra } })
    expect(response.statusCode).toBe(200)
    return response.json().response
  }

  it('creates a Book with every field of the Ocrolus answer', async () => {
    const book = await add('Loan 1', { book_class: 'INSTANT', is_public: 'true', xid: 'ext-1' })

    expect(Object.keys(book).sort()).toEqual(
      [
        'book_class',
        'book_type',
        'created',
        'created_ts',
        'id',
        'is_public',
        'name',
        'owner_email',
        'pk',
        'uuid',
        'xid',
      ].sort(),
    )
    expect(book).toMatchObject({
      name: 'Loan 1',
      book_class: 'INSTANT',
      book_type: 'DEFAULT',
      is_public: true,
      xid: 'ext-1',
    })
    expect(book.id).toBe(book.pk)
    expect(book.created).toBe('2026-06-01T12:00:00Z')
    expect(book.uuid).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('accepts a form-encoded add, as some clients send', async () => {
    const response = await api({
      method: 'POST',
      url: '/v1/book/add',
      payload: 'name=Form+Book&is_public=false',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(response.json().response).toMatchObject({ name: 'Form Book', is_public: false })
  })

  it('refuses a duplicate name with 1402 and a missing name with 1003', async () => {
    await add('Twice')
    const dup = await api({ method: 'POST', url: '/v1/book/add', payload: { name: 'Twice' } })
    expect(dup.statusCode).toBe(400)
    expect(dup.json()).toEqual({
      status: 400,
      code: 1402,
      message: 'Book exists',
      response: null,
      meta: { status: 400, msg: 'Book exists', code: 1402 },
    })

    const missing = await api({ method: 'POST', url: '/v1/book/add', payload: {} })
    expect(missing.statusCode).toBe(400)
    expect(missing.json().code).toBe(1003)

    const badClass = await api({
      method: 'POST',
      url: '/v1/book/add',
      payload: { name: 'x', book_class: 'NOPE' },
    })
    expect(badClass.json().code).toBe(1003)
  })

  it('lists Books as an array, and as the paginated object with limit', async () => {
    for (const name of ['alpha', 'Bravo', 'charlie']) await add(name)

    const all = (await api({ url: '/v1/books' })).json().response
    expect(all.map((b: { name: string }) => b.name)).toEqual(['charlie', 'Bravo', 'alpha'])
    expect(Object.keys(all[0]).sort()).toEqual(
      [
        'book_class',
        'book_type',
        'book_uuid',
        'created',
        'created_ts',
        'id',
        'is_public',
        'name',
        'owner_email',
        'pk',
        'xid',
      ].sort(),
    )

    const page = (await api({ url: '/v1/books?limit=2&offset=1&order=ASC&order_by=name' })).json()
      .response
    expect(page.limit).toBe(2)
    expect(page.total_book_count).toBe(3)
    expect(page.books.map((b: { name: string }) => b.name)).toEqual(['alpha', 'charlie'])
    expect(page._links).toEqual({
      self: '/v1/books?limit=2&offset=1&order=ASC&order_by=name',
      next: null,
      prev: '/v1/books?limit=2&offset=0&order=ASC&order_by=name',
    })
  })

  it("lists each organization's own Books, in every order, unpaged", async () => {
    for (const name of ['alpha', 'Bravo', 'charlie']) await add(name)
    const own = await api(
      { method: 'POST', url: '/v1/book/add', payload: { name: 'outsider book' } },
      outsiderToken,
    )
    expect(own.statusCode).toBe(200)
    const names = async (query: string, as = token) =>
      (await api({ url: `/v1/books${query}` }, as))
        .json()
        .response.map((b: { name: string }) => b.name)

    expect(await names('')).toEqual(['charlie', 'Bravo', 'alpha'])
    expect(await names('', outsiderToken)).toEqual(['outsider book'])
    expect(await names('?order=ASC')).toEqual(['alpha', 'Bravo', 'charlie'])
    expect(await names('?order_by=name&order=ASC')).toEqual(['Bravo', 'alpha', 'charlie'])
    expect(await names('?order_by=created&order=DESC')).toEqual(['charlie', 'Bravo', 'alpha'])
    expect(await names('?order_by=name', outsiderToken)).toEqual(['outsider book'])
  })

  it('filters by exact name, fuzzy search and xid, and refuses name with search', async () => {
    await add('Smith Loan', { xid: 'x-1' })
    await add('Jones Loan')
    const names = async (query: string) =>
      (await api({ url: `/v1/books?${query}` }))
        .json()
        .response.map((b: { name: string }) => b.name)

    expect(await names('name=Smith%20Loan')).toEqual(['Smith Loan'])
    expect(await names('search=loan')).toEqual(['Jones Loan', 'Smith Loan'])
    expect(await names('search=%25')).toEqual([])
    expect(await names('xid=x-1')).toEqual(['Smith Loan'])
    expect((await api({ url: '/v1/books?name=a&search=b' })).json().code).toBe(1003)
    expect((await api({ url: '/v1/books?limit=0' })).json().code).toBe(1003)
  })

  it('reads parameters from a JSON or form body on GET, as some clients send them', async () => {
    const book = await add('Body Params')
    const json = await api({
      url: '/v1/book/info',
      payload: JSON.stringify({ pk: book.pk }),
      headers: { 'content-type': 'application/json' },
    })
    expect(json.json().response.book_uuid).toBe(book.uuid)

    const form = await api({
      url: '/v1/book/status',
      payload: `book_uuid=${book.uuid}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(form.json().response.uuid).toBe(book.uuid)

    const list = await api({
      url: '/v1/books',
      payload: JSON.stringify({ name: 'Body Params' }),
      headers: { 'content-type': 'application/json' },
    })
    expect(list.json().response).toHaveLength(1)
  })

  it('finds a Book by every identifier alias', async () => {
    const book = await add('Aliases')
    const queries = [
      `pk=${book.pk}`,
      `book_pk=${book.pk}`,
      `book_id=${book.pk}`,
      `book_uuid=${book.uuid}`,
      `uuid=${book.uuid}`,
      `pk=${book.uuid}`,
    ]
    for (const query of queries) {
      const response = await api({ url: `/v1/book/status?${query}` })
      expect(response.json().response).toMatchObject({
        pk: book.pk,
        uuid: book.uuid,
        book_status: 'CREATED',
        docs: [],
        mixed_docs: [],
      })
    }
    expect((await api({ url: '/v1/book/status' })).json()).toMatchObject({
      code: 1103,
      message: 'Required pk or book uuid',
    })
    expect((await api({ url: '/v1/book/status?pk=abc' })).json().code).toBe(1003)
  })

  it('answers book/info with the maps Ocrolus attaches', async () => {
    const book = await add('Info', { is_public: true })
    const info = (await api({ url: `/v1/book/info?book_uuid=${book.uuid}` })).json().response
    expect(info).toMatchObject({
      book_uuid: book.uuid,
      is_shared_or_public_book: true,
      docs: [],
      mixed_docs: [],
      bank_accounts: {},
      custom_filters: {},
      status_tags: {},
    })
    expect(info.uuid).toBeUndefined()
  })

  it('updates a Book and answers with its book_context', async () => {
    const book = await add('Old Name')
    const response = await api({
      method: 'POST',
      url: '/v1/book/update',
      payload: { pk: String(book.pk), name: 'New Name', is_public: true, xid: 'x9' },
    })
    expect(response.json().response).toMatchObject({
      name: 'New Name',
      is_public: true,
      xid: 'x9',
      book_context: {
        uuid: book.uuid,
        book_uuid: book.uuid,
        book_class: 'COMPLETE',
        created_ts: book.created_ts,
      },
    })
    await add('Taken')
    const clash = await api({
      method: 'POST',
      url: '/v1/book/update',
      payload: { pk: book.pk, name: 'Taken' },
    })
    expect(clash.json().code).toBe(1402)
  })

  it('removes a Book by book_id or book_uuid', async () => {
    const one = await add('One')
    const two = await add('Two')
    expect(
      (await api({ method: 'POST', url: '/v1/book/remove', payload: { book_id: one.pk } })).json(),
    ).toEqual({ status: 200, message: 'OK', response: {} })
    expect(
      (
        await api({
          method: 'POST',
          url: '/v1/book/remove',
          payload: `book_uuid=${two.uuid}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        })
      ).statusCode,
    ).toBe(200)
    expect((await api({ url: '/v1/books' })).json().response).toEqual([])
    expect((await api({ url: `/v1/book/info?pk=${one.pk}` })).json().code).toBe(1401)
  })

  it("never shows, changes or removes another organization's Book", async () => {
    const book = await add('Private')
    const notFound = {
      status: 400,
      code: 1401,
      message: 'Book not found',
      response: null,
      meta: { status: 400, msg: 'Book not found', code: 1401 },
    }

    const attempts: Req[] = [
      { url: `/v1/book/info?pk=${book.pk}` },
      { url: `/v1/book/status?book_uuid=${book.uuid}` },
      { method: 'POST', url: '/v1/book/update', payload: { pk: book.pk, name: 'Hijacked' } },
      { method: 'POST', url: '/v1/book/remove', payload: { book_uuid: book.uuid } },
    ]
    for (const attempt of attempts) {
      const response = await api(attempt, outsiderToken)
      expect(response.statusCode).toBe(400)
      expect(response.json()).toEqual(notFound)
    }
    expect((await api({ url: '/v1/books' }, outsiderToken)).json().response).toEqual([])
    expect((await api({ url: '/v1/books?name=Private' }, outsiderToken)).json().response).toEqual(
      [],
    )

    const stored = await t.services.storage.db
      .selectFrom('books')
      .selectAll()
      .where('pk', '=', book.pk)
      .executeTakeFirstOrThrow()
    expect(stored.name).toBe('Private')
    expect(stored.uuid).toBe(book.uuid)
  })

  it('lets two organizations use the same Book name', async () => {
    await add('Shared Name')
    const response = await api(
      { method: 'POST', url: '/v1/book/add', payload: { name: 'Shared Name' } },
      outsiderToken,
    )
    expect(response.statusCode).toBe(200)
  })

  it('answers bad JSON with 1002, never a 500', async () => {
    const response = await api({
      method: 'POST',
      url: '/v1/book/add',
      payload: '{"name":',
      headers: { 'content-type': 'application/json' },
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe(1002)
  })
})
