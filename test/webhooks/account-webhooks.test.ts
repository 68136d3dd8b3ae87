import crypto from 'node:crypto'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../support/app.js'
import { createCredential, getToken, type TestCredential } from '../support/oauth.js'
import {
  bearer,
  newPlace,
  removePlace,
  startQuire,
  startReceiver,
  waitFor,
  type Bearer,
  type Place,
  type Quire,
  type Receiver,
} from './harness.js'

const REGISTER = '/v1/account/settings/update/webhook_endpoint'
const DETAILS = '/v1/account/settings/webhook_details'
const TEST = '/v1/account/settings/test_webhook_endpoint'
const ROTATE = '/v1/account/settings/webhook/rotate-secret'
const ENDPOINT = 'https://legacy.example.invalid/ocrolus'

function ok(response: unknown) {
  return { status: 200, message: 'OK', response }
}

function invalid(message: string) {
  return {
    status: 400,
    code: 1806,
    message,
    response: null,
    meta: { status: 400, msg: message, code: 1806 },
  }
}

function multipart(fields: [string, string][]) {
  const boundary = `----quire${crypto.randomBytes(6).toString('hex')}`
  const parts = fields.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  )
  return {
    payload: `${parts.join('')}--${boundary}--\r\n`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}

describeEachDialect('the account-level (legacy) webhook', (dialect) => {
  let place: Place
  let quire: Quire
  let receiver: Receiver | undefined
  let credential: TestCredential
  let api: Bearer

  beforeEach(async () => {
    place = await newPlace(dialect)
    quire = await startQuire(place)
    credential = await createCredential(quire.services, { org: 'acme' })
    api = bearer(quire.app, await getToken(quire.app, credential))
  })
  afterEach(async () => {
    await quire.close()
    await receiver?.close()
    receiver = undefined
    await removePlace(place)
  })

  it('registers, answers its details, replaces and deregisters', async () => {
    expect((await api('GET', DETAILS)).json()).toEqual(ok({ webhook_endpoint: null, events: [] }))

    const first = await api('POST', REGISTER, {
      webhook_endpoint: ENDPOINT,
      event: ['DOC_VERIFIED', 'BOOK_VERIFIED'],
    })
    expect(first.statusCode).toBe(200)
    expect(first.json()).toEqual(
      ok({ webhook_endpoint: ENDPOINT, events: ['DOC_VERIFIED', 'BOOK_VERIFIED'] }),
    )
    expect((await api('GET', DETAILS)).json()).toEqual(
      ok({ webhook_endpoint: ENDPOINT, events: ['DOC_VERIFIED', 'BOOK_VERIFIED'] }),
    )

    // Replaced, not added to; unknown names are left out, as the reference says.
    const second = await api('POST', REGISTER, {
      webhook_endpoint: `${ENDPOINT}/v2`,
      event: ['book.completed', 'NOT_AN_EVENT'],
    })
    expect(second.json()).toEqual(
      ok({ webhook_endpoint: `${ENDPOINT}/v2`, events: ['book.completed'] }),
    )
    const rows = await quire.services.storage.db.selectFrom('webhooks').selectAll().execute()
    expect(rows).toHaveLength(1)

    const gone = await api('POST', REGISTER, { webhook_endpoint: ENDPOINT, event: [] })
    expect(gone.json()).toEqual(ok({ webhook_endpoint: ENDPOINT, events: [] }))
    expect((await api('GET', DETAILS)).json()).toEqual(ok({ webhook_endpoint: null, events: [] }))
    expect(await quire.services.storage.db.selectFrom('webhooks').selectAll().execute()).toEqual([])
  })

  it('takes multipart, forms, repeated and comma-separated event lists', async () => {
    const form = await api(
      'POST',
      REGISTER,
      `webhook_endpoint=${encodeURIComponent(ENDPOINT)}&event=DOC_VERIFIED&event=BOOK_VERIFIED`,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    )
    expect(form.json()).toEqual(
      ok({ webhook_endpoint: ENDPOINT, events: ['DOC_VERIFIED', 'BOOK_VERIFIED'] }),
    )

    const body = multipart([
      ['webhook_endpoint', ENDPOINT],
      ['event[]', 'ANALYTICS_COMPLETED'],
      ['event[]', 'document.upload_failed,book.verified'],
    ])
    const parts = await api('POST', REGISTER, body.payload, body.headers)
    expect(parts.statusCode, parts.body).toBe(200)
    expect(parts.json()).toEqual(
      ok({
        webhook_endpoint: ENDPOINT,
        events: ['ANALYTICS_COMPLETED', 'document.upload_failed', 'book.verified'],
      }),
    )

    const emptied = multipart([['event', '']])
    expect((await api('POST', REGISTER, emptied.payload, emptied.headers)).json()).toEqual(
      ok({ webhook_endpoint: null, events: [] }),
    )
  })

  it('refuses bad registrations with 1806', async () => {
    const cases: [unknown, string][] = [
      [{ webhook_endpoint: ENDPOINT }, '"event" is required; an empty list deregisters'],
      [{ event: ['BOOK_VERIFIED'] }, '"webhook_endpoint" is required'],
      [{ webhook_endpoint: ENDPOINT, event: ['NOPE'] }, '"event" names no known event'],
      [
        { webhook_endpoint: 'mailto:me@example.com', event: ['BOOK_VERIFIED'] },
        '"webhook_endpoint" must be an http or https URL',
      ],
      [
        { webhook_endpoint: 'http://10.1.1.1/', event: ['BOOK_VERIFIED'] },
        '"webhook_endpoint" leads to a private or reserved address (10.1.1.1)',
      ],
    ]
    for (const [payload, message] of cases) {
      const response = await api('POST', REGISTER, payload)
      expect(response.statusCode, message).toBe(400)
      expect(response.json(), message).toEqual(invalid(message))
    }

    const shapeless = await api('POST', REGISTER, { webhook_endpoint: ENDPOINT, event: { a: 1 } })
    expect(shapeless.statusCode).toBe(400)
    expect(shapeless.json().code).toBe(1806)

    const file = `--b\r\nContent-Disposition: form-data; name="upload"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--b--\r\n`
    const withFile = await api('POST', REGISTER, file, {
      'content-type': 'multipart/form-data; boundary=b',
    })
    expect(withFile.statusCode).toBe(400)
  })

  it('tests the endpoint now and reports what the receiver answered', async () => {
    receiver = await startReceiver((n) => (n === 1 ? 200 : 401))
    expect((await api('GET', TEST)).json()).toMatchObject({ status: 400, code: 1801 })

    await api('POST', REGISTER, { webhook_endpoint: receiver.url, event: ['DOC_VERIFIED'] })
    expect((await api('GET', TEST)).json()).toEqual(
      ok({ resp_code: 200, message: 'Success calling webhook endpoint' }),
    )
    expect(receiver.received[0]?.body).toBe(
      '{"status":"VERIFICATION_COMPLETE","uploaded_doc_pk":0,"book_pk":0}',
    )

    expect((await api('GET', TEST)).json()).toEqual(
      ok({ resp_code: 401, message: 'Error: the webhook endpoint answered HTTP 401' }),
    )

    await receiver.close()
    const down = (await api('GET', TEST)).json()
    expect(down).toEqual(
      ok({ message: expect.stringMatching(/^Error: network error: \w+ \(.+\)$/) }),
    )
  })

  it('rotates the secret with bare answers, and signs with it', async () => {
    const missing = await api('POST', ROTATE, { secret_key: 'account-secret-0123456' })
    expect(missing.statusCode).toBe(404)
    expect(missing.json()).toEqual({ error: 'Webhook not found' })

    receiver = await startReceiver()
    await api('POST', REGISTER, { webhook_endpoint: receiver.url, event: ['DOC_VERIFIED'] })
    const rotated = await api('POST', ROTATE, { secret_key: 'account-secret-0123456' })
    expect(rotated.json()).toEqual({
      status: 'success',
      message: 'Webhook secret rotated successfully',
    })
    expect((await api('POST', ROTATE, { secret_key: 'short' })).json().code).toBe(1806)

    await api('GET', TEST)
    const request = receiver.received[0]
    const expected = crypto
      .createHmac('sha256', 'account-secret-0123456')
      .update(
        `${request?.headers['webhook-timestamp']}.${request?.headers['webhook-request-id']}.${request?.body}`,
      )
      .digest('hex')
    expect(request?.headers['webhook-signature']).toBe(expected)
  })

  it('keeps one registration per credential, and delivers events under legacy names', async () => {
    receiver = await startReceiver()
    const other = await createCredential(quire.services, { org: 'acme' })
    const otherApi = bearer(quire.app, await getToken(quire.app, other))
    const outsider = bearer(
      quire.app,
      await getToken(quire.app, await createCredential(quire.services, { org: 'intruder' })),
    )

    await api('POST', REGISTER, {
      webhook_endpoint: `${receiver.url}?who=mine`,
      event: ['DOC_VERIFIED'],
    })
    await otherApi('POST', REGISTER, {
      webhook_endpoint: `${receiver.url}?who=theirs`,
      event: ['book.completed'],
    })
    expect((await outsider('GET', DETAILS)).json()).toEqual(
      ok({ webhook_endpoint: null, events: [] }),
    )
    expect((await outsider('GET', TEST)).json().code).toBe(1801)
    expect((await outsider('POST', ROTATE, { secret_key: 'x'.repeat(16) })).statusCode).toBe(404)

    await quire.services.webhooks.emit(credential.orgId, 'document.verification_succeeded', {
      doc_uuid: 'd-1',
    })
    await quire.services.webhooks.emit(credential.orgId, 'book.completed', { book_uuid: 'b-1' })
    await waitFor(
      () => (receiver && receiver.received.length >= 2 ? true : undefined),
      'two deliveries',
    )

    const seen = receiver.received.map((r) => [r.url, JSON.parse(r.body).event_name]).sort()
    expect(seen).toEqual([
      ['/hooks?who=mine', 'document.verification_succeeded'],
      ['/hooks?who=theirs', 'book.completed'],
    ])

    // A revoked credential's webhook hears nothing more.
    await quire.services.credentials.revoke(other.clientId)
    await quire.services.webhooks.emit(credential.orgId, 'book.completed', { book_uuid: 'b-2' })
    const rows = await quire.services.storage.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .execute()
    expect(rows).toHaveLength(2)
  })
})
