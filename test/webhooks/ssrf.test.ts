import { afterEach, describe, expect, it } from 'vitest'

import { systemClock } from '../../src/clock.js'
import { AddressPolicy } from '../../src/webhooks/address-policy.js'
import { WebhookSender } from '../../src/webhooks/webhook-sender.js'
import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
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

/** Each URL and the address the refusal names. */
const PRIVATE_URLS: [string, string][] = [
  ['http://10.0.0.1/', '10.0.0.1'],
  ['http://172.16.5.4/', '172.16.5.4'],
  ['http://192.168.1.1:8443/x', '192.168.1.1'],
  ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
  ['http://127.0.0.1:8080/', '127.0.0.1'],
  ['http://127.1/', '127.0.0.1'],
  ['http://2130706433/', '127.0.0.1'],
  ['http://0.0.0.0/', '0.0.0.0'],
  ['http://100.64.0.1/', '100.64.0.1'],
  ['http://224.0.0.1/', '224.0.0.1'],
  ['http://[::1]/', '::1'],
  ['http://[::]/', '::'],
  ['http://[fd00::1]/', 'fd00::1'],
  ['http://[fe80::1]/', 'fe80::1'],
  ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
  ['http://localhost:3000/hook', '127.0.0.1'],
]

function refused(field: string, address: string) {
  const message = `"${field}" leads to a private or reserved address (${address})`
  return {
    status: 400,
    code: 1806,
    message,
    response: null,
    meta: { status: 400, msg: message, code: 1806 },
  }
}

describeEachDialect('webhook URLs that lead to private addresses', (dialect) => {
  let t: TestApp

  afterEach(() => t.close())

  const tokenFor = async (app: TestApp) =>
    bearer(app.app, await getToken(app.app, await createCredential(app.services, { org: 'acme' })))

  it('are refused at create, update and legacy registration by default', async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    const api = await tokenFor(t)
    const hook = (
      await api(
        'POST',
        '/v1/account/settings/webhook',
        webhookBody('https://ok.example.invalid/', ['book.verified']),
      )
    ).json().response as { uuid: string }

    for (const [url, address] of PRIVATE_URLS) {
      const create = await api(
        'POST',
        '/v1/account/settings/webhook',
        webhookBody(url, ['book.verified']),
      )
      expect(create.statusCode, url).toBe(400)
      expect(create.json(), url).toEqual(refused('webhook.url', address))

      const update = await api('POST', `/v1/account/settings/webhook/${hook.uuid}/update`, {
        webhook: { url },
      })
      expect(update.json(), url).toEqual(refused('webhook.url', address))

      const legacy = await api('POST', '/v1/account/settings/update/webhook_endpoint', {
        webhook_endpoint: url,
        event: ['BOOK_VERIFIED'],
      })
      expect(legacy.json(), url).toEqual(refused('webhook_endpoint', address))
    }

    const list = (await api('GET', '/v1/account/settings/webhooks')).json().response.webhooks
    expect(list.map((w: { url: string }) => w.url)).toEqual(['https://ok.example.invalid/'])
  })

  it('are accepted when the operator allows them, by address, range or name', async () => {
    t = await createTestApp(dialect, {
      orgRateLimitPerSecond: 10_000,
      webhookAllowedHosts: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', 'localhost'],
    })
    const api = await tokenFor(t)
    for (const url of [
      'http://127.0.0.1:9/',
      'http://10.1.2.3/',
      'http://[fd00::5]/',
      'http://localhost/',
    ]) {
      const response = await api(
        'POST',
        '/v1/account/settings/webhook',
        webhookBody(url, ['book.verified']),
      )
      expect(response.statusCode, url).toBe(200)
    }
    const still = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody('http://192.168.0.1/', ['book.verified']),
    )
    expect(still.json()).toEqual(refused('webhook.url', '192.168.0.1'))
  })

  it('are all accepted with QUIRE_WEBHOOK_ALLOW_PRIVATE=true', async () => {
    t = await createTestApp(
      dialect,
      { orgRateLimitPerSecond: 10_000 },
      { QUIRE_WEBHOOK_ALLOW_PRIVATE: 'true' },
    )
    const api = await tokenFor(t)
    const response = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody('http://169.254.169.254/', ['book.verified']),
    )
    expect(response.statusCode).toBe(200)
  })

  it('do not include host names that do not resolve: each delivery checks again', async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    const api = await tokenFor(t)
    const response = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody('https://not-yet.example.invalid/hook', ['book.verified']),
    )
    expect(response.statusCode).toBe(200)
  })
})

describeEachDialect('the delivery-time address check', (dialect) => {
  let place: Place
  let receiver: Receiver
  let quire: Quire | undefined

  afterEach(async () => {
    await quire?.close()
    await receiver.close()
    await removePlace(place)
  })

  it('refuses a delivery when the host is no longer allowed, and sends nothing', async () => {
    place = await newPlace(dialect)
    receiver = await startReceiver()

    // Saved while 127.0.0.1 was allowed…
    const first = await startQuire(place, {}, { background: false })
    const credential = await createCredential(first.services, { org: 'acme' })
    const api = bearer(first.app, await getToken(first.app, credential))
    const hook = (
      await api(
        'POST',
        '/v1/account/settings/webhook',
        webhookBody(receiver.url, ['book.verified']),
      )
    ).json().response as { uuid: string }
    await first.close()

    // …and delivered by a server that no longer allows it.
    quire = await startQuire(place, { webhookAllowedHosts: [], webhookRetries: 0 })
    await quire.services.webhooks.emit(credential.orgId, 'book.verified', { book_pk: 1 })
    const db = quire.services.storage.db
    const attempt = await waitFor(
      () => db.selectFrom('webhook_attempts').selectAll().executeTakeFirst(),
      'the refused attempt',
    )

    expect(attempt).toMatchObject({
      http_status: null,
      error: 'refused: the host resolves to 127.0.0.1',
    })
    const delivery = await db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow()
    expect(delivery).toMatchObject({ webhook_uuid: hook.uuid, status: 'failed', attempts: 1 })
    expect(receiver.received).toEqual([])
  })
})

describe('AddressPolicy and WebhookSender', () => {
  it('classify addresses: only public unicast passes by default', () => {
    const policy = new AddressPolicy({ allowPrivate: false, allowedHosts: [] })
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111']) {
      expect(policy.isAllowedAddress(address), address).toBe(true)
    }
    for (const address of [
      '10.0.0.1',
      '127.0.0.1',
      '169.254.1.1',
      '100.100.0.1',
      '::1',
      'fc00::1',
      '::ffff:10.0.0.1',
      '255.255.255.255',
      '192.0.2.1',
    ]) {
      expect(policy.isAllowedAddress(address), address).toBe(false)
    }
  })

  it('refuses a malformed allow-list entry at start-up', () => {
    expect(() => new AddressPolicy({ allowPrivate: false, allowedHosts: ['not a host!'] })).toThrow(
      TypeError,
    )
  })

  it('checks the host again when sending, whatever it resolved to before', async () => {
    const answers = new Map([['rebind.example', ['93.184.216.34']]])
    const policy = new AddressPolicy(
      { allowPrivate: false, allowedHosts: [] },
      async (host) => answers.get(host) ?? [],
    )
    expect(await policy.check('rebind.example', 1000)).toEqual({ ok: true })

    // The name now points into the private network (DNS rebinding).
    answers.set('rebind.example', ['93.184.216.34', '10.0.0.7'])
    const sender = new WebhookSender(policy, systemClock, 1000)
    const result = await sender.send(
      { url: 'http://rebind.example/hook', secret: null, body: '{}', requestId: 'r-1' },
      new AbortController().signal,
    )
    expect(result).toMatchObject({
      ok: false,
      httpStatus: null,
      error: 'refused: the host resolves to 10.0.0.7',
    })
  })
})
