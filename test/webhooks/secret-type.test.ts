import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../support/app.js'
import { createCredential, getToken } from '../support/oauth.js'
import {
  bearer,
  newPlace,
  removePlace,
  startQuire,
  webhookBody,
  type Bearer,
  type Place,
  type Quire,
} from './harness.js'

describeEachDialect('webhook secrets given as JSON numbers', (dialect) => {
  let place: Place
  let quire: Quire
  let api: Bearer

  beforeEach(async () => {
    place = await newPlace(dialect)
    quire = await startQuire(place, {}, { background: false })
    const credential = await createCredential(quire.services, { org: 'acme' })
    api = bearer(quire.app, await getToken(quire.app, credential))
  })
  afterEach(async () => {
    await quire.close()
    await removePlace(place)
  })

  it('are refused rather than rounded into a string the client never held', async () => {
    const created = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody('https://receiver.example.invalid/hook', ['book.verified']),
    )
    const uuid = created.json().response.uuid as string
    const number = '{"secret_key":123456789012345678}'
    const headers = { 'content-type': 'application/json' }

    for (const url of [
      `/v1/account/settings/webhook/${uuid}/rotate-secret`,
      '/v1/account/settings/webhook/rotate-secret',
    ]) {
      const response = await api('POST', url, number, headers)
      expect(response.statusCode, url).toBe(400)
      expect(response.json(), url).toMatchObject({
        code: 1806,
        message: '"secret_key" must be a string',
      })
    }
    const row = await quire.services.storage.db
      .selectFrom('webhooks')
      .select('secret_sealed')
      .where('uuid', '=', uuid)
      .executeTakeFirstOrThrow()
    expect(row.secret_sealed).toBeNull()
  })
})
