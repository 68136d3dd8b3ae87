import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../support/app.js'
import { createCredential, getToken } from '../support/oauth.js'
import {
  bearer,
  newPlace,
  removePlace,
  startQuire,
  startReceiver,
  waitFor,
  webhookBody,
  type Place,
  type Quire,
  type Receiver,
} from './harness.js'

const ORG_SECRET = 'org-level-secret-7f3a9c1e'
const ACCOUNT_SECRET = 'account-level-secret-5b2d8e4f'
const URL_PASSWORD = 'url-password-93kd02'
const REFUSED_SECRETS = ['short-secret-15', `${'too-long-secret-'.repeat(8)}x`]

describeEachDialect('webhook secrets', (dialect) => {
  let place: Place
  let quire: Quire
  let receiver: Receiver

  beforeEach(async () => {
    place = await newPlace(dialect)
    receiver = await startReceiver((n) => (n === 1 ? 500 : 200))
    quire = await startQuire(place)
  })
  afterEach(async () => {
    await quire.close()
    await receiver.close()
    await removePlace(place)
  })

  it('never appear in an API answer or a log line, and are stored sealed', async () => {
    const credential = await createCredential(quire.services, { org: 'acme' })
    const api = bearer(quire.app, await getToken(quire.app, credential))
    const answers: string[] = []
    const call = async (...args: Parameters<typeof api>) => {
      const response = await api(...args)
      answers.push(response.body, JSON.stringify(response.headers))
      return response
    }

    const url = receiver.url.replace('http://', `http://hook-user:${URL_PASSWORD}@`)
    const created = await call(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody(url, ['book.verified']),
    )
    const uuid = created.json().response.uuid as string
    const base = `/v1/account/settings/webhook/${uuid}`
    await call('POST', `${base}/rotate-secret`, { secret_key: ORG_SECRET })
    for (const secret of REFUSED_SECRETS)
      await call('POST', `${base}/rotate-secret`, { secret_key: secret })
    await call('POST', '/v1/account/settings/update/webhook_endpoint', {
      webhook_endpoint: receiver.url,
      event: ['BOOK_VERIFIED'],
    })
    await call('POST', '/v1/account/settings/webhook/rotate-secret', { secret_key: ACCOUNT_SECRET })

    await quire.services.webhooks.emit(credential.orgId, 'book.verified', { book_pk: 1 })
    await waitFor(async () => {
      const rows = await quire.services.storage.db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .execute()
      return rows.length === 2 && rows.every((r) => r.status === 'succeeded') ? rows : undefined
    }, 'both deliveries')

    for (const [method, path] of [
      ['GET', '/v1/account/settings/webhooks'],
      ['GET', base],
      ['GET', `${base}/events`],
      ['GET', `${base}/deliveries`],
      ['GET', '/v1/account/settings/webhook_details'],
      ['GET', '/v1/account/settings/test_webhook_endpoint'],
    ] as const) {
      expect((await call(method, path)).statusCode, path).toBe(200)
    }
    await call('POST', `${base}/update`, { webhook: { description: 'still secret-free' } })
    await call('POST', `${base}/test`, { event_uuid: 'book.verified' })

    // The receiver got the URL's credentials as Basic authentication, and signatures.
    const signed = receiver.received.filter((r) => r.headers['webhook-signature'] !== undefined)
    expect(signed.length).toBeGreaterThanOrEqual(2)
    const basic = `Basic ${Buffer.from(`hook-user:${URL_PASSWORD}`).toString('base64')}`
    expect(receiver.received.some((r) => r.headers.authorization === basic)).toBe(true)

    const logs = quire.lines.join('\n')
    expect(quire.lines.some((l) => l.includes('webhook attempt failed'))).toBe(true)
    for (const secret of [ORG_SECRET, ACCOUNT_SECRET, ...REFUSED_SECRETS]) {
      for (const answer of answers) expect(answer).not.toContain(secret)
      expect(logs).not.toContain(secret)
    }
    expect(logs).not.toContain(URL_PASSWORD)

    const stored = await quire.services.storage.db
      .selectFrom('webhooks')
      .select('secret_sealed')
      .execute()
    for (const row of stored) {
      expect(row.secret_sealed).toMatch(/^[\w-]{40,}$/)
      expect(row.secret_sealed).not.toContain(ORG_SECRET)
    }
  })
})
