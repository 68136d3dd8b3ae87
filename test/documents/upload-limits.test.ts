import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { RawClient, SlowBody, uploadHead } from '../e2e/support/raw-http.js'
import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { multipart, type FilePart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'
import { manyPages } from './generated-pdfs.js'

/**
 * Ocrolus's limits (reference §9), configured small: bytes a request, pages a document,
 * documents and pages a book. A refused upload answers the exact error and leaves nothing:
 * no row, no blob, no staged file.
 */

const MAX_BYTES = 64 * 1024

function errorBody(status: number, code: number, message: string) {
  return { status, code, message, response: null, meta: { status, msg: message, code } }
}

const TOO_LARGE = errorBody(413, 1105, `File too large: the limit is ${MAX_BYTES} bytes`)

describeEachDialect('upload limits', (dialect) => {
  let t: TestApp
  let token: string
  let book: { pk: number; uuid: string }

  beforeEach(async () => {
    t = await createTestApp(dialect, {
      orgRateLimitPerSecond: 10_000,
      uploadMaxBytes: MAX_BYTES,
      maxPagesPerDocument: 3,
      maxDocumentsPerBook: 3,
      maxPagesPerBook: 7,
    })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
    book = await addBook('Limits')
  })
  afterEach(() => t.close())

  async function addBook(name: string) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/book/add',
      headers: { authorization: `Bearer ${token}` },
      payload: { name },
    })
    return response.json().response
  }

  function upload(file: FilePart, into = book) {
    const { payload, headers } = multipart([{ pk: String(into.pk) }, file])
    return t.app.inject({
      method: 'POST',
      url: '/v1/book/upload',
      payload,
      headers: { ...headers, authorization: `Bearer ${token}` },
    })
  }

  const pdf = (pages: number, label: string): FilePart => ({
    filename: `${label}.pdf`,
    content: manyPages(pages, label),
  })

  /** Documents, blobs and staged files: what a refused upload must not have added. */
  async function leftovers() {
    const documents = await t.services.storage.db.selectFrom('documents').select('name').execute()
    const blobs =
      dialect === 'postgres'
        ? (await t.services.storage.db.selectFrom('blobs').select('blob_key').execute()).length
        : filesUnder(path.join(t.dataDir, 'blobs')).length
    return {
      documents: documents.map((d) => d.name).sort(),
      blobs,
      staged: filesUnder(path.join(t.dataDir, 'staging')),
    }
  }

  it('cuts an over-limit body off while it streams in, answers 413 and keeps the connection usable', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = t.app.server.address() as net.AddressInfo
    const client = await RawClient.connect(port)
    const body = new SlowBody(book.pk, 1024 * 1024)
    client.write(uploadHead(port, token, body))
    client.write(body.head)

    // A few times the limit, then nothing more until the answer: a server that waited for the
    // whole body would never answer, and this test would run into its timeout.
    for (let sent = 0; sent < 4 * MAX_BYTES; sent += 16 * 1024) client.write(body.piece(16 * 1024))
    const refused = await client.response()

    expect(refused.status).toBe(413)
    expect(JSON.parse(refused.body)).toEqual(TOO_LARGE)
    expect(await leftovers()).toEqual({ documents: [], blobs: 0, staged: [] })

    // The rest of the body is let through unstored, and the connection serves the next request.
    client.write(body.rest())
    client.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`)
    expect((await client.response()).status).toBe(200)
    client.close()
    expect(await leftovers()).toEqual({ documents: [], blobs: 0, staged: [] })
  })

  it('refuses a body declared too large before reading it', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = t.app.server.address() as net.AddressInfo
    const client = await RawClient.connect(port)
    const body = new SlowBody(book.pk, 50 * 1024 * 1024)
    client.write(uploadHead(port, token, body))
    client.write(body.head)

    const refused = await client.response()

    expect(refused.status).toBe(413)
    expect(JSON.parse(refused.body)).toEqual(TOO_LARGE)
    client.close()
    expect(await leftovers()).toEqual({ documents: [], blobs: 0, staged: [] })
  })

  it('takes a file of exactly the limit and refuses one byte more', async () => {
    const exact = Buffer.alloc(MAX_BYTES, ' ')
    manyPages(1, 'exact').copy(exact)
    const over = Buffer.concat([exact, Buffer.from(' ')])

    const taken = await upload({ filename: 'exact.pdf', content: exact })
    expect(taken.json().response.uploaded_docs).toHaveLength(1)

    const refused = await upload({ filename: 'over.pdf', content: over })
    expect(refused.statusCode).toBe(413)
    expect(refused.json()).toEqual(TOO_LARGE)
    expect(await leftovers()).toMatchObject({ documents: ['exact.pdf'], blobs: 1, staged: [] })
  })

  it('refuses a document over the page limit with 1512, storing nothing', async () => {
    const refused = await upload(pdf(4, 'four'))

    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual(errorBody(400, 1512, 'Document exceeds max pages'))
    expect(await leftovers()).toEqual({ documents: [], blobs: 0, staged: [] })

    expect((await upload(pdf(3, 'three'))).json().response.uploaded_docs).toHaveLength(1)
  })

  it('refuses a document past the book limit with 8002; another book still takes it', async () => {
    for (const label of ['a', 'b', 'c']) {
      expect((await upload(pdf(1, label))).json().response.uploaded_docs).toHaveLength(1)
    }

    const refused = await upload(pdf(1, 'd'))

    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual(errorBody(400, 8002, 'Max uploads reached'))
    expect(await leftovers()).toEqual({
      documents: ['a.pdf', 'b.pdf', 'c.pdf'],
      blobs: 3,
      staged: [],
    })
    const other = await addBook('Other')
    expect((await upload(pdf(1, 'd'), other)).json().response.uploaded_docs).toHaveLength(1)
  })

  it('refuses pages past the book page limit with 8002, and takes what still fits', async () => {
    expect((await upload(pdf(3, 'first'))).json().response.uploaded_docs).toHaveLength(1)
    expect((await upload(pdf(3, 'second'))).json().response.uploaded_docs).toHaveLength(1)

    const refused = await upload(pdf(2, 'third'))
    expect(refused.statusCode).toBe(400)
    expect(refused.json()).toEqual(errorBody(400, 8002, 'Book page limit reached'))
    expect(await leftovers()).toEqual({
      documents: ['first.pdf', 'second.pdf'],
      blobs: 2,
      staged: [],
    })

    expect((await upload(pdf(1, 'fourth'))).json().response.uploaded_docs).toHaveLength(1)
  })

  it('lets no more documents into a book than its limit when uploads race', async () => {
    const labels = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6']

    const answers = await Promise.all(labels.map((label) => upload(pdf(1, label))))

    const taken = answers.filter((a) => a.json().response?.uploaded_docs?.length === 1)
    const refused = answers.filter((a) => a.statusCode === 400)
    expect(taken).toHaveLength(3)
    expect(refused).toHaveLength(3)
    for (const answer of refused) {
      expect(answer.json()).toEqual(errorBody(400, 8002, 'Max uploads reached'))
    }
    const left = await leftovers()
    expect(left.documents).toHaveLength(3)
    expect(left).toMatchObject({ blobs: 3, staged: [] })
  })

  it('lets no more aggregator data into a book than its limit when JSON uploads race', async () => {
    const plaid = (n: number) =>
      Buffer.from(JSON.stringify({ accounts: [], transactions: [], request_id: `race-${n}` }))
    const send = (n: number) => {
      const { payload, headers } = multipart([
        { pk: String(book.pk) },
        { filename: `plaid-${n}.json`, content: plaid(n), contentType: 'application/json' },
      ])
      return t.app.inject({
        method: 'POST',
        url: '/v1/book/upload/json?upload_intent=add_analytics&aggregate_source=PLAID',
        payload,
        headers: { ...headers, authorization: `Bearer ${token}` },
      })
    }

    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(send))

    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(3)
    const left = await leftovers()
    expect(left.documents).toHaveLength(3)
    expect(left).toMatchObject({ blobs: 3, staged: [] })
  })
})

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .flatMap((entry) => (entry.isFile() ? [entry.name] : []))
}
