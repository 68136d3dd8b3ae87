import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'

import { afterEach, beforeEach, expect, it, vi } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { fixture, multipart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'
import { type Browser, setUpOwner } from './browser.js'

/** Different files, since a book refuses the same file twice. */
const FILES: Record<string, Buffer> = {
  'statement.pdf': fixture('bank/aws-credit-card-stmt.pdf'),
  'w2.pdf': fixture('tax/google-2020-form-w2.pdf'),
  '1099.pdf': fixture('tax/google-2020-form-1099-int.pdf'),
}

describeEachDialect('page thumbnails of removed documents', (dialect) => {
  let t: TestApp
  let owner: Browser

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    owner = await setUpOwner(t.app, t.services)
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await t.close()
  })

  async function addBook(name: string): Promise<{ uuid: string }> {
    return (await owner.post('/dashboard/api/books', { name })).json()
  }

  async function upload(bookUuid: string, name: string): Promise<{ uuid: string }> {
    const { payload, headers } = multipart([{ filename: name, content: FILES[name] as Buffer }])
    const url = `/dashboard/api/books/${bookUuid}/documents`
    return (await owner.send(url, payload, headers['content-type'] as string)).json()
  }

  const page = (bookUuid: string, docUuid: string, n: number) =>
    `/dashboard/api/books/${bookUuid}/documents/${docUuid}/pages/${n}.png`

  /** Every file or folder of the render cache named after the document. */
  function rendersOf(docUuid: string): string[] {
    const dir = path.join(t.dataDir, 'thumbnails')
    if (!fs.existsSync(dir)) return []
    return fs
      .readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((name) => name.startsWith(docUuid))
  }

  async function statusOf(docUuid: string): Promise<string | undefined> {
    const row = await t.services.storage.db
      .selectFrom('documents')
      .select('status')
      .where('uuid', '=', docUuid)
      .executeTakeFirst()
    return row?.status
  }

  async function waitUntilDeleted(docUuid: string): Promise<void> {
    for (let i = 0; i < 400 && (await statusOf(docUuid)) !== 'DELETED'; i++)
      await new Promise((resolve) => setTimeout(resolve, 25))
    expect(await statusOf(docUuid)).toBe('DELETED')
  }

  async function waitUntilFinished(docUuid: string): Promise<void> {
    for (
      let i = 0;
      i < 400 && ['QUEUED', 'PROCESSING'].includes(String(await statusOf(docUuid)));
      i++
    )
      await new Promise((resolve) => setTimeout(resolve, 25))
  }

  /** A finished document with its first page rendered. */
  async function renderedDocument(bookUuid: string, name: string): Promise<string> {
    const doc = await upload(bookUuid, name)
    await waitUntilFinished(doc.uuid)
    expect((await owner.get(page(bookUuid, doc.uuid, 1))).statusCode).toBe(200)
    expect(rendersOf(doc.uuid).length).toBeGreaterThan(0)
    return doc.uuid
  }

  it('removes a document’s renders with it, removed from the dashboard', async () => {
    const book = await addBook('Dashboard removal')
    const docUuid = await renderedDocument(book.uuid, 'statement.pdf')
    const kept = await renderedDocument(book.uuid, 'w2.pdf')

    const removed = await owner.request(
      'DELETE',
      `/dashboard/api/books/${book.uuid}/documents/${docUuid}`,
    )
    expect(removed.statusCode).toBe(204)
    await waitUntilDeleted(docUuid)

    expect(rendersOf(docUuid)).toEqual([])
    expect((await owner.get(page(book.uuid, docUuid, 1))).statusCode).toBe(404)
    expect(rendersOf(docUuid)).toEqual([])
    expect(rendersOf(kept).length).toBeGreaterThan(0)
  })

  it('removes a document’s renders with it, removed through the bearer API', async () => {
    const book = await addBook('API removal')
    const docUuid = await renderedDocument(book.uuid, 'statement.pdf')
    const token = await getToken(t.app, await createCredential(t.services, { org: 'Acme Lending' }))

    const removed = await t.app.inject({
      method: 'POST',
      url: '/v1/document/remove',
      headers: { authorization: `Bearer ${token}` },
      payload: { doc_uuid: docUuid },
    })
    expect(removed.json().response.document_status).toBe('Deleting')
    await waitUntilDeleted(docUuid)

    expect(rendersOf(docUuid)).toEqual([])
    expect((await owner.get(page(book.uuid, docUuid, 1))).statusCode).toBe(404)
  })

  it('removes the renders of every document of a deleted book', async () => {
    const book = await addBook('Deleted book')
    const first = await renderedDocument(book.uuid, 'statement.pdf')
    const second = await renderedDocument(book.uuid, '1099.pdf')

    expect((await owner.request('DELETE', `/dashboard/api/books/${book.uuid}`)).statusCode).toBe(
      204,
    )
    await waitUntilDeleted(first)
    await waitUntilDeleted(second)

    expect([...rendersOf(first), ...rendersOf(second)]).toEqual([])
    expect((await owner.get(page(book.uuid, first, 1))).statusCode).toBe(404)
  })

  it('keeps no render finished after its document’s removal began', async () => {
    const book = await addBook('Race')
    const doc = await upload(book.uuid, 'statement.pdf')
    await waitUntilFinished(doc.uuid)
    // The file is read for rendering, then the document is removed, and its removal done,
    // before the render is written.
    const download = t.services.documents.download.bind(t.services.documents)
    vi.spyOn(t.services.documents, 'download').mockImplementation(async (orgId, ref, kinds) => {
      const { document, body } = await download(orgId, ref, kinds)
      const bytes = Buffer.concat(await body.toArray())
      await t.services.documents.remove(orgId, ref)
      await waitUntilDeleted(doc.uuid)
      return { document, body: Readable.from(bytes) }
    })

    const answer = await owner.get(page(book.uuid, doc.uuid, 1))

    expect(answer.statusCode).toBe(404)
    expect(answer.json().error).toBe('not_found')
    expect(rendersOf(doc.uuid)).toEqual([])
  })

  it('removes at start-up the renders of documents removed while the node was away', async () => {
    const book = await addBook('Away')
    const docUuid = await renderedDocument(book.uuid, 'statement.pdf')
    const kept = await renderedDocument(book.uuid, 'w2.pdf')
    // Another node removed the document: its renders here were out of its reach.
    await t.services.storage.db
      .updateTable('documents')
      .set({ status: 'DELETED', blob_key: null })
      .where('uuid', '=', docUuid)
      .execute()
    await t.close({ keepStorage: true })

    t = await createTestApp(dialect, {}, {}, undefined, t)

    expect(rendersOf(docUuid)).toEqual([])
    expect(rendersOf(kept).length).toBeGreaterThan(0)
  })
})
