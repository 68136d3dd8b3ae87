import crypto from 'node:crypto'

import { afterEach, beforeEach, expect, it } from 'vitest'

import type { WebhookDeliveryRow } from '../../src/db/schema.js'
import { describeEachDialect } from '../support/app.js'
import { createCredential, getToken, type TestCredential } from '../support/oauth.js'
import {
  bearer,
  newPlace,
  removePlace,
  startQuire,
  startReceiver,
  waitFor,
  webhookBody,
  type Bearer,
  type Place,
  type Quire,
  type Received,
  type Receiver,
} from './harness.js'

const SECRET = 'receiver-shared-secret-0123'

/** What a receiver does to trust a delivery: recompute the signature of reference §8.4. */
function verify(request: Received, secret: string): boolean {
  const timestamp = request.headers['webhook-timestamp'] as string
  const requestId = request.headers['webhook-request-id'] as string
  const signature = request.headers['webhook-signature'] as string
  const expected = crypto
    .createHmac('sha256', secret)
    .update(`${timestamp}.${requestId}.${request.body}`)
    .digest('hex')
  return (
    signature.length === expected.length &&
    crypto.timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  )
}

describeEachDialect('webhook delivery', (dialect) => {
  let place: Place
  let quire: Quire
  let receiver: Receiver | undefined
  let credential: TestCredential
  let fresh: boolean
  let api: Bearer

  beforeEach(async () => {
    place = await newPlace(dialect)
    fresh = true
  })
  afterEach(async () => {
    await quire.close()
    await receiver?.close()
    receiver = undefined
    await removePlace(place)
  })

  const start = async (overrides = {}, background = true) => {
    quire = await startQuire(place, overrides, { background })
    // A restarted server keeps the first one's credential, as it keeps its database.
    if (fresh) credential = await createCredential(quire.services, { org: 'acme' })
    fresh = false
    api = bearer(quire.app, await getToken(quire.app, credential))
  }
  const subscribe = async (url: string, events = ['book.verified'], secret?: string) => {
    const response = await api('POST', '/v1/account/settings/webhook', webhookBody(url, events))
    expect(response.statusCode, response.body).toBe(200)
    const uuid = response.json().response.uuid as string
    if (secret !== undefined) {
      const rotated = await api('POST', `/v1/account/settings/webhook/${uuid}/rotate-secret`, {
        secret_key: secret,
      })
      expect(rotated.statusCode).toBe(200)
    }
    return uuid
  }
  const settled = (uuid?: string) =>
    waitFor(async () => {
      let query = quire.services.storage.db.selectFrom('webhook_deliveries').selectAll()
      if (uuid !== undefined) query = query.where('webhook_uuid', '=', uuid)
      const rows = await query.execute()
      return rows.length > 0 && rows.every((r) => r.status !== 'pending') ? rows : undefined
    }, 'deliveries to settle')

  it('signs each attempt, retries after failures and records every attempt', async () => {
    receiver = await startReceiver((n) => (n <= 2 ? 500 : 200))
    await start()
    const hook = await subscribe(receiver.url, ['book.verified'], SECRET)

    await quire.services.webhooks.emit(credential.orgId, 'book.verified', {
      severity: 'MODERATE',
      book_uuid: 'b-1',
      event_name: 'ignored: the emitter names the event',
    })
    const [delivery] = (await settled(hook)) as WebhookDeliveryRow[]

    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, next_attempt_at: null })
    expect(receiver.received).toHaveLength(3)
    for (const request of receiver.received) {
      expect(request.headers['content-type']).toBe('application/json')
      expect(request.headers['webhook-request-id']).toBe(delivery?.uuid)
      expect(request.headers['webhook-timestamp']).toMatch(/^\d{10}$/)
      expect(verify(request, SECRET)).toBe(true)
      expect(verify(request, `${SECRET}x`)).toBe(false)
      expect(request.body).toBe(
        '{"event_name":"book.verified","severity":"MODERATE","book_uuid":"b-1"}',
      )
    }

    const log = (await api('GET', `/v1/account/settings/webhook/${hook}/deliveries`)).json()
      .response
    expect(log).toMatchObject({ total: 1, limit: 50, offset: 0 })
    expect(log.deliveries[0]).toMatchObject({
      uuid: delivery?.uuid,
      webhook_uuid: hook,
      event_name: 'book.verified',
      status: 'succeeded',
      attempt_count: 3,
      next_attempt_at: null,
      payload: { event_name: 'book.verified', severity: 'MODERATE', book_uuid: 'b-1' },
    })
    const attempts = log.deliveries[0].attempts as Record<string, unknown>[]
    expect(attempts.map((a) => [a.attempt, a.http_status, a.error, a.response_snippet])).toEqual([
      [1, 500, 'HTTP 500', 'receiver says no (500)'],
      [2, 500, 'HTTP 500', 'receiver says no (500)'],
      [3, 200, null, null],
    ])
    for (const attempt of attempts) {
      expect(attempt.request_id).toBe(delivery?.uuid)
      expect(attempt.duration_ms).toEqual(expect.any(Number))
    }
  })

  it('gives up after the configured retries and marks the delivery failed', async () => {
    receiver = await startReceiver(() => 503)
    await start({ webhookRetries: 3 })
    const hook = await subscribe(receiver.url)

    await quire.services.webhooks.emit(credential.orgId, 'book.verified', { book_pk: 7 })
    const [delivery] = (await settled(hook)) as WebhookDeliveryRow[]

    expect(delivery).toMatchObject({ status: 'failed', attempts: 4, next_attempt_at: null })
    expect(receiver.received).toHaveLength(4)
    const failed = await api('GET', `/v1/account/settings/webhook/${hook}/deliveries?status=failed`)
    expect(failed.json().response.deliveries).toHaveLength(1)
    expect(quire.lines.some((l) => l.includes('"msg":"webhook delivery failed"'))).toBe(true)
  })

  it('times a silent receiver out and retries it', async () => {
    receiver = await startReceiver((n) => (n === 1 ? 'hang' : 204))
    await start({ webhookTimeoutMs: 300 })
    const hook = await subscribe(receiver.url)

    await quire.services.webhooks.emit(credential.orgId, 'book.verified', { book_pk: 1 })
    const [delivery] = (await settled(hook)) as WebhookDeliveryRow[]

    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2 })
    const attempts = await quire.services.storage.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .orderBy('attempt')
      .execute()
    expect(attempts.map((a) => [a.http_status, a.error])).toEqual([
      [null, 'timeout: no answer within 300 ms'],
      [204, null],
    ])
  })

  it('sends no signing header without a secret, and follows no redirect', async () => {
    receiver = await startReceiver((n) => (n === 1 ? 302 : 200))
    await start({ webhookRetries: 0 })
    const hook = await subscribe(receiver.url)

    await quire.services.webhooks.emit(credential.orgId, 'book.verified', { book_pk: 2 })
    const [delivery] = (await settled(hook)) as WebhookDeliveryRow[]

    expect(delivery?.status).toBe('failed')
    expect(receiver.received).toHaveLength(1)
    const headers = Object.keys(receiver.received[0]?.headers ?? {})
    expect(headers.filter((h) => h.startsWith('webhook-'))).toEqual([])
  })

  it('records a refused connection as a network error', async () => {
    const gone = await startReceiver()
    const url = gone.url
    await gone.close()
    await start({ webhookRetries: 1 })
    const hook = await subscribe(url)

    await quire.services.webhooks.emit(credential.orgId, 'book.verified', {})
    const [delivery] = (await settled(hook)) as WebhookDeliveryRow[]

    expect(delivery).toMatchObject({ status: 'failed', attempts: 2 })
    const attempt = await quire.services.storage.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .executeTakeFirstOrThrow()
    expect(attempt).toMatchObject({ http_status: null })
    expect(attempt.error).toMatch(
      /^network error: ECONNREFUSED \(connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/,
    )
  })

  it('delivers only to active webhooks subscribed to the event, and never throws for none', async () => {
    receiver = await startReceiver()
    await start()
    await expect(
      quire.services.webhooks.emit(credential.orgId, 'book.verified', {}),
    ).resolves.toBeUndefined()
    await expect(
      quire.services.webhooks.emit('org_nobody', 'book.completed', {}),
    ).resolves.toBeUndefined()

    const wanted = await subscribe(`${receiver.url}?hook=wanted`, ['book.completed'])
    await subscribe(`${receiver.url}?hook=other-event`, ['book.verified'])
    const inactive = await subscribe(`${receiver.url}?hook=inactive`, ['book.completed'])
    await api('POST', `/v1/account/settings/webhook/${inactive}/update`, {
      webhook: { is_active: false },
    })

    await quire.services.webhooks.emit(credential.orgId, 'book.completed', { book_pk: 3 })
    const rows = await settled()

    expect(rows.map((r) => r.webhook_uuid)).toEqual([wanted])
    expect(receiver.received.map((r) => r.url)).toEqual(['/hooks?hook=wanted'])
  })

  it("records deliveries inside the caller's transaction, and none when it rolls back", async () => {
    receiver = await startReceiver()
    await start()
    const hook = await subscribe(receiver.url)
    const db = quire.services.storage.db

    await expect(
      db.transaction().execute(async (trx) => {
        await quire.services.webhooks.emit(credential.orgId, 'book.verified', { n: 1 }, trx)
        throw new Error('the change failed')
      }),
    ).rejects.toThrow('the change failed')
    await db.transaction().execute(async (trx) => {
      await quire.services.webhooks.emit(credential.orgId, 'book.verified', { n: 2 }, trx)
    })

    const rows = await settled(hook)
    expect(rows.map((r) => JSON.parse(r.payload).n)).toEqual([2])
    expect(receiver.received.map((r) => JSON.parse(r.body).n)).toEqual([2])
  })

  it('delivers after a restart what was pending when the server stopped', async () => {
    receiver = await startReceiver()
    await start({}, false)
    const hook = await subscribe(receiver.url, ['document.upload_succeeded'], SECRET)
    for (const n of [1, 2, 3]) {
      await quire.services.webhooks.emit(credential.orgId, 'document.upload_succeeded', { n })
    }
    await quire.close()
    expect(receiver.received).toEqual([])

    await start()
    const rows = await settled(hook)

    expect(rows.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded'])
    expect(receiver.received.map((r) => JSON.parse(r.body).n).sort()).toEqual([1, 2, 3])
    expect(receiver.received.every((r) => verify(r, SECRET))).toBe(true)
  })

  it('cuts a POST in flight short at shutdown and gives its attempt back', async () => {
    receiver = await startReceiver((n) => (n === 1 ? 'hang' : 200))
    // A timeout far beyond the test's own: only the shutdown can end the first attempt.
    await start({ webhookTimeoutMs: 120_000 })
    const hook = await subscribe(receiver.url)
    await quire.services.webhooks.emit(credential.orgId, 'book.verified', { n: 1 })
    await waitFor(() => (receiver?.received.length === 1 ? true : undefined), 'the hanging POST')

    await quire.close()
    await start()
    const [delivery] = (await settled(hook)) as WebhookDeliveryRow[]

    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 1 })
    expect(receiver.received).toHaveLength(2)
    const attempts = await quire.services.storage.db
      .selectFrom('webhook_attempts')
      .selectAll()
      .execute()
    expect(attempts.map((a) => [a.attempt, a.http_status])).toEqual([[1, 200]])
  })

  it('never delivers one attempt twice when two servers share the database', async () => {
    receiver = await startReceiver()
    await start({ webhookConcurrency: 3 })
    const second = await startQuire(place, { webhookConcurrency: 3 })
    try {
      const hook = await subscribe(receiver.url)
      for (let n = 0; n < 30; n++) {
        await quire.services.webhooks.emit(credential.orgId, 'book.verified', { n })
      }

      const rows = await settled(hook)
      expect(rows).toHaveLength(30)
      expect(rows.every((r) => r.status === 'succeeded' && r.attempts === 1)).toBe(true)
      const ids = receiver.received.map(
        (r) => r.headers['webhook-request-id'] ?? JSON.parse(r.body).n,
      )
      expect(receiver.received).toHaveLength(30)
      expect(new Set(ids).size).toBe(30)
    } finally {
      await second.close()
    }
  })
})
