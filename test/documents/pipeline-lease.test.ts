import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../support/app.js'
import { multipart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'
import { newPlace, removePlace, startQuire, type Place, type Quire } from '../webhooks/harness.js'
import { manyPages } from './generated-pdfs.js'

/**
 * A worker's claim on a document lasts QUIRE_PIPELINE_LEASE_MS unless renewed. A parse may take
 * longer (up to the inspector's deadline): the worker renews its claim meanwhile, so no other
 * worker (here a second slot of the same process) starts the same document again.
 */
describeEachDialect('pipeline leases', (dialect) => {
  let place: Place
  let quire: Quire

  beforeEach(async () => {
    place = await newPlace(dialect)
  })
  afterEach(async () => {
    await quire.close()
    await removePlace(place)
  })

  it('keeps its claim on a document whose parse outlasts the lease', async () => {
    quire = await startQuire(place, {
      pipelineLeaseMs: 1000,
      pipelineConcurrency: 2,
      inspectTimeoutMs: 4000,
      maxPagesPerDocument: 20_000,
    })
    const token = await getToken(quire.app, await createCredential(quire.services))
    const auth = { authorization: `Bearer ${token}` }
    const book = (
      await quire.app.inject({
        method: 'POST',
        url: '/v1/book/add',
        headers: auth,
        payload: { name: 'Long' },
      })
    ).json().response
    const { payload, headers } = multipart([
      { pk: String(book.pk) },
      { filename: 'long.pdf', content: manyPages(20_000, 'lease') },
    ])
    const uploaded = await quire.app.inject({
      method: 'POST',
      url: '/v1/book/upload',
      payload,
      headers: { ...headers, ...auth },
    })
    expect(uploaded.json().response.uploaded_docs).toHaveLength(1)

    const finished = () =>
      quire.services.storage.db
        .selectFrom('documents')
        .selectAll()
        .where('status', 'in', ['REJECTED', 'VERIFICATION_COMPLETE'])
        .executeTakeFirst()
    let row = await finished()
    while (row === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      row = await finished()
    }

    // Rejected at the 4 s deadline, by the one worker that claimed it first.
    expect(row).toMatchObject({
      status: 'REJECTED',
      rejection_reason_description: 'Reading the file took more memory or time than allowed',
      attempts: 1,
      lease_until: null,
    })
  }, 60_000)
})
