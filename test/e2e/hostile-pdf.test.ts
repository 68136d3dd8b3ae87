import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { manyPages, zeroBomb } from '../documents/generated-pdfs.js'
import { fixture } from '../support/multipart.js'
import { Api } from './support/api.js'
import { Deployment, eventually } from './support/deployment.js'
import type { QuireServer } from './support/server.js'

/**
 * Hostile PDFs against a real `quire serve`: every parse runs in a child process that is killed
 * at QUIRE_INSPECT_MEMORY_MB or QUIRE_INSPECT_TIMEOUT_MS; the file is refused or rejected with
 * a reason, nothing of it is kept, and the server goes on answering meanwhile.
 */

const GIB = 1024 ** 3
const STATEMENT = fixture('bank/aws-credit-card-stmt.pdf')
const TOO_COSTLY = {
  status: 'REJECTED',
  rejection_reason: 'INVALID DOCUMENT',
  rejection_reason_description: 'Reading the file took more memory or time than allowed',
}

describe('hostile PDFs', () => {
  let deployment: Deployment
  let server: QuireServer
  let api: Api

  beforeAll(async () => {
    deployment = await Deployment.create('sqlite')
    server = await deployment.start({
      QUIRE_INSPECT_MEMORY_MB: '256',
      QUIRE_INSPECT_TIMEOUT_MS: '15000',
      QUIRE_MAX_PAGES_PER_DOCUMENT: '8000',
      QUIRE_PIPELINE_CONCURRENCY: '1',
    })
    api = await Api.as(server, await server.createCredential('hostile'))
  })
  afterAll(async () => {
    await server.stop()
    await deployment.remove()
  })

  const finished = (bookPk: number) =>
    eventually(async () => {
      const docs = await api.documents(bookPk)
      const done = docs.every((d) => ['REJECTED', 'VERIFICATION_COMPLETE'].includes(d.status))
      return done ? docs : undefined
    })

  it('refuses at upload a file of a few kB whose metadata inflates to 4 GiB, keeping nothing', async () => {
    const book = await api.addBook('Metadata bomb')
    const bomb = zeroBomb(4 * GIB, 'metadata')
    expect(bomb.length).toBeLessThan(16 * 1024)

    const response = await api.upload(book.pk, 'bomb.pdf', bomb)

    expect(response.status).toBe(200)
    expect(response.body).toEqual({
      status: 200,
      message: 'OK',
      response: {
        status: 400,
        message: 'bomb.pdf could not be read: it took more memory or time than allowed\n',
        uploaded_docs: [],
      },
    })
    expect(await api.documents(book.pk)).toEqual([])
    expect(await deployment.query('select pk from documents where book_pk = ' + book.pk)).toEqual(
      [],
    )
    expect(deployment.files('staging')).toEqual([])
  }, 60_000)

  it('rejects in the pipeline, with the reason, a page whose content inflates to 4 GiB', async () => {
    const book = await api.addBook('Page bomb')
    // Counting its one page leaves the content alone, so the upload is taken.
    const uuid = await api.uploaded(book.pk, 'page-bomb.pdf', zeroBomb(4 * GIB, 'page'))

    const [doc] = await finished(book.pk)

    expect(doc).toMatchObject({ uuid, ...TOO_COSTLY })
  }, 60_000)

  it('keeps answering while its parser chews on 8,000 pages, then rejects them at the deadline', async () => {
    const book = await api.addBook('Long')
    // About 35 s of reading on an idle machine, so it misses the 15 s deadline on any machine.
    const long = await api.uploaded(book.pk, 'long.pdf', manyPages(8000, 'hostile', 2000))
    await eventually(async () => {
      const [doc] = await api.documents(book.pk)
      return doc?.status === 'PROCESSING' ? doc : undefined
    })

    expect((await api.call('GET', '/healthz')).status).toBe(200)
    expect((await api.call('GET', '/v1/books')).status).toBe(200)
    const other = await api.uploaded(book.pk, 'statement.pdf', STATEMENT)
    // All of that was answered while the long document was still being parsed.
    expect((await api.documents(book.pk)).find((d) => d.uuid === long)?.status).toBe('PROCESSING')

    const docs = await finished(book.pk)
    expect(docs).toEqual([
      expect.objectContaining({ uuid: long, ...TOO_COSTLY }),
      expect.objectContaining({ uuid: other, status: 'VERIFICATION_COMPLETE' }),
    ])
  }, 120_000)
})
