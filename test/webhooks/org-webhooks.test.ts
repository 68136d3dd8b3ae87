import { afterEach, beforeEach, expect, it } from 'vitest'

import { WEBHOOK_EVENTS } from '../../src/webhooks/webhook-events.js'
import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { createCredential, getToken } from '../support/oauth.js'
import { bearer, webhookBody, type Bearer } from './harness.js'

const URL_A = 'https://hooks-a.example.invalid/quire'
const URL_B = 'https://hooks-b.example.invalid/quire?x=1'
const NOW = '2026-06-01T12:00:00.000Z'

function invalid(message: string) {
  return {
    status: 400,
    code: 1806,
    message,
    response: null,
    meta: { status: 400, msg: message, code: 1806 },
  }
}

function notFound() {
  const message = 'Webhook not found'
  return {
    status: 400,
    code: 1801,
    message,
    response: null,
    meta: { status: 400, msg: message, code: 1801 },
  }
}

describeEachDialect('org-level webhooks', (dialect) => {
  let t: TestApp
  let api: Bearer
  let outsider: Bearer

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    api = bearer(t.app, await getToken(t.app, await createCredential(t.services, { org: 'acme' })))
    outsider = bearer(
      t.app,
      await getToken(t.app, await createCredential(t.services, { org: 'intruder' })),
    )
  })
  afterEach(() => t.close())

  const create = async (url = URL_A, events = ['book.verified']) => {
    // Webhooks list in creation order; the frozen clock would give them all one time.
    t.clock.advance(1)
    const response = await api('POST', '/v1/account/settings/webhook', webhookBody(url, events))
    expect(response.statusCode, response.body).toBe(200)
    return response.json().response as { uuid: string }
  }

  it('creates a webhook and answers it in the v1 envelope', async () => {
    const response = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody(URL_A, ['book.verified', 'document.upload_failed', 'book.verified']),
    )

    expect(response.statusCode).toBe(200)
    const body = response.json()
    expect(body).toEqual({
      status: 200,
      message: 'OK',
      response: {
        uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        url: URL_A,
        description: 'Test receiver',
        is_active: true,
        created_on: NOW,
        last_modified_date: NOW,
        event_names: ['book.verified', 'document.upload_failed'],
      },
    })
  })

  it('lists, gets, updates and deletes', async () => {
    const a = await create(URL_A)
    const b = await create(URL_B, ['document.upload_succeeded'])
    const created = (await api('GET', `/v1/account/settings/webhook/${a.uuid}`)).json().response
      .created_on as string

    const list = await api('GET', '/v1/account/settings/webhooks')
    expect(list.statusCode).toBe(200)
    expect(list.json().response.webhooks.map((w: { uuid: string }) => w.uuid)).toEqual([
      a.uuid,
      b.uuid,
    ])

    const got = await api('GET', `/v1/account/settings/webhook/${a.uuid}`)
    expect(got.json().response).toMatchObject({ uuid: a.uuid, url: URL_A, is_active: true })

    t.clock.advance(60)
    const modified = new Date(t.clock.now()).toISOString()
    const updated = await api('POST', `/v1/account/settings/webhook/${a.uuid}/update`, {
      webhook: { is_active: false, description: 'Renamed hook' },
      event_names: ['book.completed'],
    })
    expect(updated.statusCode).toBe(200)
    expect(updated.json().response).toEqual({
      uuid: a.uuid,
      url: URL_A,
      description: 'Renamed hook',
      is_active: false,
      created_on: created,
      last_modified_date: modified,
      event_names: ['book.completed'],
    })

    const deleted = await api('DELETE', `/v1/account/settings/webhook/${a.uuid}/delete`)
    expect(deleted.json()).toEqual({ status: 200, message: 'OK', response: {} })
    expect((await api('GET', `/v1/account/settings/webhook/${a.uuid}`)).json()).toEqual(notFound())
    expect(
      (await api('GET', '/v1/account/settings/webhooks')).json().response.webhooks,
    ).toHaveLength(1)
  })

  it('lists the event catalogue with the subscribed events active', async () => {
    const hook = await create(URL_A, ['book.verified', 'document.upload_failed'])
    const response = await api('GET', `/v1/account/settings/webhook/${hook.uuid}/events`)

    const events = response.json().response.events as Record<string, unknown>[]
    expect(events).toHaveLength(WEBHOOK_EVENTS.length)
    expect(events.filter((e) => e.is_active).map((e) => e.name)).toEqual([
      'book.verified',
      'document.upload_failed',
    ])
    expect(events.find((e) => e.name === 'document.upload_failed')).toEqual({
      uuid: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      name: 'document.upload_failed',
      description: 'Document upload failed',
      is_active: true,
      reason: 'Document upload failed',
      type: 'ISSUE',
      severity: 'HIGH',
    })
  })

  it('queues a test payload of a subscribed event and answers with it', async () => {
    const hook = await create(URL_A, ['book.verified'])
    const events = (await api('GET', `/v1/account/settings/webhook/${hook.uuid}/events`)).json()
      .response.events as { uuid: string; name: string }[]
    const verified = events.find((e) => e.name === 'book.verified') as { uuid: string }

    const response = await api('POST', `/v1/account/settings/webhook/${hook.uuid}/test`, {
      event_uuid: verified.uuid,
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().response).toEqual({
      event_name: 'book.verified',
      notification_type: 'STATUS',
      notification_reason: 'Book is verified',
      severity: 'MODERATE',
      status: 'VERIFIED',
      book_pk: 0,
      book_uuid: '00000000-0000-0000-0000-000000000000',
      book_name: 'Sample Book',
      uploaded_docs: [
        { uuid: '00000000-0000-0000-0000-000000000000', status: 'VERIFICATION_COMPLETE' },
      ],
    })

    const deliveryId = response.headers['x-webhook-delivery-id']
    const log = (await api('GET', `/v1/account/settings/webhook/${hook.uuid}/deliveries`)).json()
      .response
    expect(log.total).toBe(1)
    expect(log.deliveries[0]).toMatchObject({ uuid: deliveryId, event_name: 'book.verified' })

    const unsubscribed = events.find((e) => e.name === 'book.completed') as { uuid: string }
    const refused = await api('POST', `/v1/account/settings/webhook/${hook.uuid}/test`, {
      event_uuid: unsubscribed.uuid,
    })
    expect(refused.json()).toEqual(
      invalid('"event_uuid" names an event this webhook does not subscribe to'),
    )
    const unknown = await api('POST', `/v1/account/settings/webhook/${hook.uuid}/test`, {
      event_uuid: 'nope',
    })
    expect(unknown.json()).toEqual(invalid('"event_uuid" names no event'))
  })

  it('rotates the secret with the bare answers of the reference', async () => {
    const hook = await create()
    const url = `/v1/account/settings/webhook/${hook.uuid}/rotate-secret`

    const ok = await api('POST', url, { secret_key: 'a-long-enough-secret' })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ status: 'success', message: 'Webhook secret rotated successfully' })

    const missing = await api(
      'POST',
      '/v1/account/settings/webhook/0b0e0e0e-0000-4000-8000-000000000000/rotate-secret',
      {
        secret_key: 'a-long-enough-secret',
      },
    )
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ error: 'Webhook not found' })

    const short = await api('POST', url, { secret_key: 'too-short' })
    expect(short.statusCode).toBe(400)
    expect(short.json()).toEqual(invalid('"secret_key" must NOT have fewer than 16 characters'))
    const long = await api('POST', url, { secret_key: 'x'.repeat(129) })
    expect(long.json().code).toBe(1806)
  })

  it('refuses bad input with 1806 and a message naming the parameter', async () => {
    const post = (body: unknown) => api('POST', '/v1/account/settings/webhook', body)
    const cases: [unknown, string][] = [
      [{ event_names: ['book.verified'] }, '"webhook" is required'],
      [
        { webhook: { description: 'abc' }, event_names: ['book.verified'] },
        '"webhook.url" is required',
      ],
      [{ webhook: { url: URL_A } }, '"event_names" is required'],
      [webhookBody(URL_A, []), '"event_names" must NOT have fewer than 1 items'],
      [webhookBody(URL_A, ['book.nope']), '"event_names" has unknown events: book.nope'],
      [
        webhookBody('ftp://files.example.invalid/', ['book.verified']),
        '"webhook.url" must be an http or https URL',
      ],
      [
        webhookBody('not a url', ['book.verified']),
        '"webhook.url" must be an absolute http or https URL',
      ],
      [
        webhookBody('https://user@hooks.example.invalid/', ['book.verified']),
        '"webhook.url" must carry both a user name and a password, or neither',
      ],
      [
        webhookBody(URL_A, ['book.verified'], { description: 'ab' }),
        '"webhook.description" must NOT have fewer than 3 characters',
      ],
      [
        webhookBody(URL_A, ['book.verified'], { description: 'x'.repeat(256) }),
        '"webhook.description" must NOT have more than 255 characters',
      ],
      [
        webhookBody(URL_A, ['book.verified'], { is_active: 'maybe' }),
        '"webhook.is_active" must be boolean',
      ],
      [
        webhookBody(URL_A, ['book.verified'], { description: 'nul \u0000 byte' }),
        '"webhook.description" must not contain a NUL character',
      ],
      [[], '"body" must be object'],
    ]
    for (const [body, message] of cases) {
      const response = await post(body)
      expect(response.statusCode, message).toBe(400)
      expect(response.json(), message).toEqual(invalid(message))
    }

    const badJson = await api('POST', '/v1/account/settings/webhook', '{"webhook":', {
      'content-type': 'application/json',
    })
    expect(badJson.statusCode).toBe(400)
    expect(badJson.json().code).toBe(1002)
    expect((await api('GET', '/v1/account/settings/webhooks')).json().response.webhooks).toEqual([])
  })

  it('allows five webhooks per organization, and refuses a repeated URL', async () => {
    for (let i = 0; i < 5; i++) await create(`https://hooks.example.invalid/${i}`)

    const sixth = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody('https://hooks.example.invalid/6', ['book.verified']),
    )
    expect(sixth.statusCode).toBe(400)
    const message = 'an organization has at most 5 webhooks'
    expect(sixth.json()).toEqual({
      status: 400,
      code: 1802,
      message,
      response: null,
      meta: { status: 400, msg: message, code: 1802 },
    })

    // Another organization has its own five.
    const theirs = await outsider(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody('https://hooks.example.invalid/0', ['book.verified']),
    )
    expect(theirs.statusCode).toBe(200)

    const list = (await api('GET', '/v1/account/settings/webhooks')).json().response.webhooks
    const last = list[4] as { uuid: string }
    const clash = await api('POST', `/v1/account/settings/webhook/${last.uuid}/update`, {
      webhook: { url: 'https://hooks.example.invalid/0' },
    })
    expect(clash.json()).toEqual(invalid('"webhook.url" is already the URL of another webhook'))
  })

  it('refuses five-plus-one even when the creates race', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api(
          'POST',
          '/v1/account/settings/webhook',
          webhookBody(`https://race.example.invalid/${i}`, ['book.verified']),
        ),
      ),
    )
    expect(attempts.filter((r) => r.statusCode === 200)).toHaveLength(5)
    expect(attempts.filter((r) => r.json().code === 1802)).toHaveLength(3)
  })

  it("never shows, changes, tests or deletes another organization's webhook", async () => {
    const hook = await create(URL_A, ['book.verified'])
    const base = `/v1/account/settings/webhook/${hook.uuid}`
    const attempts: [string, 'GET' | 'POST' | 'DELETE', unknown?][] = [
      [base, 'GET'],
      [`${base}/events`, 'GET'],
      [`${base}/deliveries`, 'GET'],
      [`${base}/update`, 'POST', { webhook: { url: 'https://evil.example.invalid/' } }],
      [`${base}/test`, 'POST', { event_uuid: 'book.verified' }],
      [`${base}/delete`, 'DELETE'],
    ]
    for (const [url, method, body] of attempts) {
      const response = await outsider(method, url, body)
      expect(response.statusCode, url).toBe(400)
      expect(response.json(), url).toEqual(notFound())
    }

    const rotate = await outsider('POST', `${base}/rotate-secret`, { secret_key: 'x'.repeat(20) })
    expect(rotate.statusCode).toBe(404)
    expect(rotate.json()).toEqual({ error: 'Webhook not found' })
    expect(
      (await outsider('GET', '/v1/account/settings/webhooks')).json().response.webhooks,
    ).toEqual([])

    const stored = await t.services.storage.db
      .selectFrom('webhooks')
      .selectAll()
      .where('uuid', '=', hook.uuid)
      .executeTakeFirstOrThrow()
    expect(stored).toMatchObject({
      url: URL_A,
      secret_sealed: null,
      modified_at: stored.created_at,
    })
    const deliveries = await t.services.storage.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .execute()
    expect(deliveries).toEqual([])
  })

  it('answers an unknown uuid as not found and a token without the scope with 2100', async () => {
    expect((await api('GET', '/v1/account/settings/webhook/not-a-uuid')).json()).toEqual(notFound())

    const narrow = bearer(
      t.app,
      await getToken(
        t.app,
        await createCredential(t.services, { org: 'acme', scope: 'books:read' }),
      ),
    )
    const response = await narrow('GET', '/v1/account/settings/webhooks')
    expect(response.statusCode).toBe(403)
    expect(response.json().code).toBe(2100)
  })
})
