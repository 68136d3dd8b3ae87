import fs from 'node:fs'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { manyPages } from '../documents/generated-pdfs.js'
import { describeEachDialect } from '../support/app.js'
import { fixture } from '../support/multipart.js'
import { Api } from './support/api.js'
import { Deployment, eventually } from './support/deployment.js'
import { inspectorsOf, waitUntilGone } from './support/processes.js'
import { RawClient, SlowBody, uploadHead } from './support/raw-http.js'
import type { Credential, QuireServer } from './support/server.js'

/**
 * `quire serve` killed with SIGKILL (a crash, the OOM killer, a pulled plug) at the worst
 * moments, then started again on the same data dir and database: nothing half-done is visible,
 * nothing temporary is left, and unfinished work is finished.
 */

const STATEMENT = fixture('bank/aws-credit-card-stmt.pdf')
const FINAL = ['VERIFICATION_COMPLETE', 'REJECTED']

describeEachDialect('crash recovery', (dialect) => {
  let deployment: Deployment
  let server: QuireServer | undefined
  let credential: Credential | undefined

  beforeEach(async () => {
    deployment = await Deployment.create(dialect)
    credential = undefined
  })
  afterEach(async () => {
    await server?.kill()
    server = undefined
    await deployment.remove()
  })

  async function start(env: Record<string, string> = {}): Promise<Api> {
    server = await deployment.start(env)
    credential ??= await server.createCredential('crash')
    return Api.as(server, credential)
  }

  async function documentRows() {
    return deployment.query<{ name: string; status: string }>(
      'select name, status from documents order by pk',
    )
  }

  it('leaves no document and no staged file after a kill halfway through an upload', async () => {
    let api = await start()
    const book = await api.addBook('Interrupted')

    const { port } = api.server
    const client = await RawClient.connect(port)
    const body = new SlowBody(book.pk, 4 * 1024 * 1024)
    client.write(uploadHead(port, api.token, body))
    client.write(body.head)
    for (let sent = 0; sent < body.fileBytes / 2; sent += 64 * 1024) {
      client.write(body.piece(64 * 1024))
    }
    // The server is receiving: its staged file has grown past the first megabyte.
    const staged = await eventually(async () =>
      deployment.files('staging').find((file) => fs.statSync(file).size > 1024 * 1024),
    )

    await api.server.kill()
    client.close()

    expect(fs.existsSync(staged)).toBe(true)
    expect(await documentRows()).toEqual([])

    api = await start()
    expect(await api.documents(book.pk)).toEqual([])
    expect(await documentRows()).toEqual([])
    expect(deployment.files('staging')).toEqual([])
    expect(deployment.files('scratch')).toEqual([])
    expect(await deployment.blobCount()).toBe(0)

    // The restarted server takes the same upload whole.
    await api.uploaded(book.pk, 'statement.pdf', STATEMENT)
    expect(await documentRows()).toEqual([{ name: 'statement.pdf', status: expect.any(String) }])
  }, 120_000)

  it('finishes documents left QUEUED and PROCESSING by a killed process', async () => {
    // A deadline far off keeps the long document PROCESSING until the kill; the short lease
    // lets a PostgreSQL restart take over quickly (SQLite ends a dead process's leases at once).
    const env = {
      QUIRE_MAX_PAGES_PER_DOCUMENT: '20000',
      QUIRE_PIPELINE_CONCURRENCY: '1',
      QUIRE_PIPELINE_LEASE_MS: '2000',
    }
    let api = await start({ ...env, QUIRE_INSPECT_TIMEOUT_MS: '600000' })
    const book = await api.addBook('Resumed')
    const slow = await api.uploaded(book.pk, 'long.pdf', manyPages(20_000, 'long'))
    const quick = await api.uploaded(book.pk, 'statement.pdf', STATEMENT)

    const before = await eventually(async () => {
      const docs = await api.documents(book.pk)
      const states = docs.map((d) => [d.uuid, d.status])
      const wanted = [
        [slow, 'PROCESSING'],
        [quick, 'QUEUED'],
      ]
      return JSON.stringify(states) === JSON.stringify(wanted) ? docs : undefined
    })
    expect(before).toHaveLength(2)
    const parsers = inspectorsOf(api.server.pid)
    expect(parsers.length).toBeGreaterThan(0)

    await api.server.kill()

    // No parser outlives the server, and the database holds the unfinished work.
    for (const pid of parsers) await waitUntilGone(pid)
    expect(await documentRows()).toEqual([
      { name: 'long.pdf', status: 'PROCESSING' },
      { name: 'statement.pdf', status: 'QUEUED' },
    ])

    api = await start({ ...env, QUIRE_INSPECT_TIMEOUT_MS: '10000' })
    const after = await eventually(async () => {
      const docs = await api.documents(book.pk)
      return docs.every((d) => FINAL.includes(d.status)) ? docs : undefined
    })

    expect(after).toEqual([
      expect.objectContaining({
        uuid: slow,
        status: 'REJECTED',
        rejection_reason: 'INVALID DOCUMENT',
        rejection_reason_description: 'Reading the file took more memory or time than allowed',
      }),
      expect.objectContaining({ uuid: quick, status: 'VERIFICATION_COMPLETE' }),
    ])
    expect(deployment.files('staging')).toEqual([])
  }, 180_000)
})
