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

/** A receiver that holds every request open until `release()`, then answers each with 200. */
async function startHoldingReceiver(): Promise<Receiver & { release(): void }> {
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  const receiver = await startReceiver(() => released.then(() => 200))
  return Object.assign(receiver, { release })
}

describeEachDialect("webhook delivery: each webhook's share of the workers", (dialect) => {
  let place: Place
  let quire: Quire
  let receivers: Receiver[]

  beforeEach(async () => {
    place = await newPlace(dialect)
    receivers = []
  })
  afterEach(async () => {
    await quire.close()
    for (const receiver of receivers) await receiver.close()
    await removePlace(place)
  })

  const receiverFor = async <R extends Receiver>(started: Promise<R>) => {
    const receiver = await started
    receivers.push(receiver)
    return receiver
  }
  /** An organization with one webhook on `url`, subscribed to book.verified. */
  const organization = async (org: string, url: string) => {
    const credential = await createCredential(quire.services, { org })
    const api = bearer(quire.app, await getToken(quire.app, credential))
    const response = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody(url, ['book.verified']),
    )
    expect(response.statusCode, response.body).toBe(200)
    return { orgId: credential.orgId, hook: response.json().response.uuid as string }
  }
  const emit = (orgId: string, n: number | string) =>
    quire.services.webhooks.emit(orgId, 'book.verified', { n })
  const deliveriesOf = (hook: string) =>
    quire.services.storage.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_uuid', '=', hook)
      .execute()
  const settled = (hook: string) =>
    waitFor(async () => {
      const rows = await deliveriesOf(hook)
      return rows.length > 0 && rows.every((r) => r.status !== 'pending') ? rows : undefined
    }, 'deliveries to settle')

  it("delivers another organization's event while a slow webhook's backlog waits", async () => {
    const slow = await receiverFor(startHoldingReceiver())
    const fast = await receiverFor(startReceiver())
    // A timeout far beyond the test's own: only the release ends the slow receiver's requests.
    quire = await startQuire(place, {
      webhookTimeoutMs: 120_000,
      webhookConcurrency: 4,
      webhookConcurrencyPerWebhook: 2,
    })
    const a = await organization('slow-org', slow.url)
    const b = await organization('other-org', fast.url)

    for (let n = 0; n < 20; n++) await emit(a.orgId, n)
    await waitFor(
      () => (slow.inFlight >= 2 ? true : undefined),
      'the slow webhook to fill its share',
    )
    await emit(b.orgId, 'b')
    await waitFor(() => (fast.received.length === 1 ? true : undefined), "the other org's event")

    expect(JSON.parse(fast.received[0]?.body ?? '')).toEqual({
      event_name: 'book.verified',
      n: 'b',
    })
    expect(slow.received).toHaveLength(2)
    expect(slow.inFlight).toBe(2)
    expect(slow.mostInFlight).toBe(2)
    const [other] = await settled(b.hook)
    expect(other).toMatchObject({ status: 'succeeded', attempts: 1 })
    const waiting = await deliveriesOf(a.hook)
    expect(waiting.filter((d) => d.status === 'pending')).toHaveLength(20)
    expect(waiting.filter((d) => d.attempts > 0)).toHaveLength(2)

    slow.release()
  })

  it("drains a slow webhook's whole backlog once its receiver answers, one share at a time", async () => {
    const slow = await receiverFor(startHoldingReceiver())
    // Polling only at start-up: each finished POST must bring on the next due delivery itself.
    quire = await startQuire(place, { webhookConcurrency: 4, webhookPollMs: 60_000 })
    const a = await organization('slow-org', slow.url)

    for (let n = 0; n < 20; n++) await emit(a.orgId, n)
    await waitFor(() => (slow.inFlight >= 1 ? true : undefined), 'the first POST')
    slow.release()
    const rows = await settled(a.hook)

    expect(rows.map((r) => [r.status, r.attempts])).toEqual(
      Array.from({ length: 20 }, () => ['succeeded', 1]),
    )
    const sent = slow.received.map((r) => JSON.parse(r.body).n as number)
    expect(sent.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, n) => n))
    // The default share is one POST in flight per webhook.
    expect(slow.mostInFlight).toBe(1)
  })
})
