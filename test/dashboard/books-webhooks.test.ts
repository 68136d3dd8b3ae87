import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { fixture, multipart } from '../support/multipart.js'
import { type Browser, setUpOwner, signedInMember } from './browser.js'

const STATEMENT = fixture('bank/aws-credit-card-stmt.pdf')

describeEachDialect('dashboard books, documents and webhooks', (dialect) => {
  let t: TestApp
  let owner: Browser

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    owner = await setUpOwner(t.app, t.services)
  })
  afterEach(async () => {
    await t.close()
  })

  async function upload(browser: Browser, bookUuid: string, name: string, content: Buffer) {
    const { payload, headers } = multipart([{ filename: name, content }])
    return browser.send(
      `/dashboard/api/books/${bookUuid}/documents`,
      payload,
      headers['content-type'] as string,
    )
  }

  async function waitForStatus(browser: Browser, bookUuid: string, docUuid: string) {
    for (let i = 0; i < 400; i++) {
      const { documents } = (await browser.get(`/dashboard/api/books/${bookUuid}`)).json()
      const doc = documents.find((d: { uuid: string }) => d.uuid === docUuid)
      if (doc !== undefined && !['QUEUED', 'PROCESSING'].includes(doc.status)) return doc
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`document ${docUuid} never finished`)
  }

  it('creates, finds, renames and deletes books', async () => {
    const created = await owner.post('/dashboard/api/books', { name: ' Applicant 42 ' })
    expect(created.statusCode).toBe(201)
    const book = created.json()
    expect(book.name).toBe('Applicant 42')
    await owner.post('/dashboard/api/books', { name: 'Someone else' })

    const found = (await owner.get('/dashboard/api/books?search=applicant')).json()
    expect(found.books.map((b: { name: string }) => b.name)).toEqual(['Applicant 42'])
    const taken = await owner.post('/dashboard/api/books', { name: 'Someone else' })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().message).toBe('A book with this name already exists. Choose another name.')

    const renamed = await owner.request('PATCH', `/dashboard/api/books/${book.uuid}`, {
      name: 'Applicant 43',
    })
    expect(renamed.json().name).toBe('Applicant 43')
    const removed = await owner.request('DELETE', `/dashboard/api/books/${book.uuid}`)
    expect(removed.statusCode).toBe(204)
    expect((await owner.get(`/dashboard/api/books/${book.uuid}`)).statusCode).toBe(404)
  })

  it('uploads a PDF that reaches its final status, downloads it and removes it', async () => {
    const book = (await owner.post('/dashboard/api/books', { name: 'Uploads' })).json()

    const uploaded = await upload(owner, book.uuid, 'statement.pdf', STATEMENT)

    expect(uploaded.statusCode).toBe(201)
    expect(uploaded.json()).toMatchObject({ name: 'statement.pdf', status: 'QUEUED' })
    const doc = await waitForStatus(owner, book.uuid, uploaded.json().uuid)
    expect(doc).toMatchObject({ status: 'VERIFICATION_COMPLETE' })
    expect(doc.page_count).toBeGreaterThan(0)

    const file = await owner.get(`/dashboard/api/books/${book.uuid}/documents/${doc.uuid}/file`)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('application/pdf')
    expect(file.rawPayload.equals(STATEMENT)).toBe(true)

    const again = await upload(owner, book.uuid, 'statement.pdf', STATEMENT)
    expect(again.statusCode).toBe(400)
    expect(again.json()).toEqual({
      error: 'invalid_input',
      message: 'statement.pdf already exists',
    })

    const removed = await owner.request(
      'DELETE',
      `/dashboard/api/books/${book.uuid}/documents/${doc.uuid}`,
    )
    expect(removed.statusCode).toBe(204)
    expect((await owner.get(`/dashboard/api/books/${book.uuid}`)).json().documents).toEqual([])
  })

  it('renders page thumbnails on the server, only of the organization’s documents', async () => {
    const book = (await owner.post('/dashboard/api/books', { name: 'Pictures' })).json()
    const uploaded = (await upload(owner, book.uuid, 'statement.pdf', STATEMENT)).json()
    const doc = await waitForStatus(owner, book.uuid, uploaded.uuid)
    const page = (n: number | string) =>
      `/dashboard/api/books/${book.uuid}/documents/${doc.uuid}/pages/${n}.png`

    const first = await owner.get(page(1))

    expect(first.statusCode).toBe(200)
    expect(first.headers['content-type']).toBe('image/png')
    const png = first.rawPayload
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a')
    expect(png.readUInt32BE(16)).toBe(240) // IHDR width
    expect(png.readUInt32BE(20)).toBeGreaterThan(240) // a portrait page
    expect((await owner.get(page(doc.page_count + 1))).statusCode).toBe(404)
    expect((await owner.get(page('x'))).statusCode).toBe(404)

    const rival = await signedInMember(t.app, t.services, 'Rival Bank', 'boss@rival.example')
    expect((await rival.browser.get(page(1))).statusCode).toBe(404)
  })

  it('refuses a file that is not a PDF with the reason, and stores nothing', async () => {
    const book = (await owner.post('/dashboard/api/books', { name: 'Bad' })).json()
    const response = await upload(owner, book.uuid, 'x.pdf', fixture('bad/not-a-pdf.pdf'))
    expect(response.statusCode).toBe(400)
    expect(response.json().error).toBe('invalid_input')
    expect(await t.services.storage.db.selectFrom('documents').selectAll().execute()).toEqual([])
  })

  it('keeps books and documents within the organization', async () => {
    const book = (await owner.post('/dashboard/api/books', { name: 'Private' })).json()
    const doc = (await upload(owner, book.uuid, 'statement.pdf', STATEMENT)).json()
    const rival = await signedInMember(t.app, t.services, 'Rival Bank', 'boss@rival.example')
    const reader = await signedInMember(
      t.app,
      t.services,
      'Acme Lending',
      'r@example.com',
      'read_only',
    )

    expect((await rival.browser.get('/dashboard/api/books')).json().books).toEqual([])
    const paths = [
      `/dashboard/api/books/${book.uuid}`,
      `/dashboard/api/books/${book.uuid}/documents/${doc.uuid}/file`,
    ]
    for (const path of paths) expect((await rival.browser.get(path)).statusCode).toBe(404)
    const rename = await rival.browser.request('PATCH', paths[0] as string, { name: 'Mine' })
    expect(rename.statusCode).toBe(404)
    expect((await rival.browser.request('DELETE', paths[0] as string)).statusCode).toBe(404)
    const foreignUpload = await upload(rival.browser, book.uuid, 'b.pdf', STATEMENT)
    expect(foreignUpload.statusCode).toBe(404)

    expect((await reader.browser.get(paths[0] as string)).statusCode).toBe(200)
    expect((await upload(reader.browser, book.uuid, 'c.pdf', STATEMENT)).statusCode).toBe(403)
    const stored = await t.services.storage.db.selectFrom('documents').select('name').execute()
    expect(stored).toEqual([{ name: 'statement.pdf' }])
    expect((await t.services.books.get(await orgId(), { uuid: book.uuid })).name).toBe('Private')
  })

  async function orgId(): Promise<string> {
    return ((await t.services.organizations.find('Acme Lending')) as { id: string }).id
  }

  it('adds, edits, tests and rotates webhooks, with their delivery log', async () => {
    const created = await owner.post('/dashboard/api/webhooks', {
      url: 'https://hooks.example.test/quire',
      description: 'loan system',
      event_names: ['document.verification_succeeded'],
    })
    expect(created.statusCode).toBe(201)
    const hook = created.json()
    expect(hook).toMatchObject({ url: 'https://hooks.example.test/quire', is_active: true })

    const edited = await owner.request('PATCH', `/dashboard/api/webhooks/${hook.uuid}`, {
      description: 'loan system (staging)',
      event_names: ['document.verification_succeeded', 'book.verified'],
    })
    expect(edited.json().event_names).toEqual(['document.verification_succeeded', 'book.verified'])

    const rotated = await owner.post(`/dashboard/api/webhooks/${hook.uuid}/rotate-secret`)
    expect(rotated.statusCode).toBe(200)
    expect(rotated.json().secret).toMatch(/^[\w-]{43}$/)
    const list = (await owner.get('/dashboard/api/webhooks')).json()
    expect(list.webhooks).toMatchObject([{ uuid: hook.uuid, has_secret: true }])
    expect(JSON.stringify(list)).not.toContain(rotated.json().secret)

    const tested = await owner.post(`/dashboard/api/webhooks/${hook.uuid}/test`, {
      event_name: 'book.verified',
    })
    expect(tested.statusCode).toBe(200)
    const log = (await owner.get(`/dashboard/api/webhooks/${hook.uuid}/deliveries`)).json()
    expect(log.deliveries).toMatchObject([
      { uuid: tested.json().delivery_uuid, event_name: 'book.verified' },
    ])
  })

  it('explains a refused webhook URL and keeps other organizations’ webhooks apart', async () => {
    const refused = await owner.post('/dashboard/api/webhooks', {
      url: 'http://127.0.0.1:9/hook',
      event_names: ['book.verified'],
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().error).toBe('invalid_input')
    expect(refused.json().message).toMatch(/address/)

    const hook = (
      await owner.post('/dashboard/api/webhooks', {
        url: 'https://hooks.example.test/a',
        event_names: ['book.verified'],
      })
    ).json()
    const rival = await signedInMember(t.app, t.services, 'Rival Bank', 'boss@rival.example')
    expect((await rival.browser.get('/dashboard/api/webhooks')).json().webhooks).toEqual([])
    for (const [method, path] of [
      ['PATCH', `/dashboard/api/webhooks/${hook.uuid}`],
      ['DELETE', `/dashboard/api/webhooks/${hook.uuid}`],
      ['POST', `/dashboard/api/webhooks/${hook.uuid}/rotate-secret`],
      ['POST', `/dashboard/api/webhooks/${hook.uuid}/test`],
      ['GET', `/dashboard/api/webhooks/${hook.uuid}/deliveries`],
    ] as const) {
      const response = await rival.browser.request(
        method,
        path,
        method === 'GET' || method === 'DELETE'
          ? undefined
          : { url: 'https://x.example.test/', event_name: 'book.verified' },
      )
      expect(response.statusCode, `${method} ${path}`).toBe(404)
    }
    const stored = await t.services.webhooks.get(await orgId(), hook.uuid)
    expect(stored.url).toBe('https://hooks.example.test/a')
    expect(stored.secret_sealed).toBeNull()
  })
})
