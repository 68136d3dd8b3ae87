import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../support/app.js'
import { zeroBomb } from '../documents/generated-pdfs.js'
import { fixture, multipart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'
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
  type Receiver,
} from './harness.js'

const PAYSTUB = fixture('paystub/gusto_clean/Pay_Date_2025-12-31.pdf')
const MIXED = fixture('mixed/w2-statement-1099.pdf')

const LIFECYCLE = [
  'document.upload_succeeded',
  'document.upload_failed',
  'document.classification_succeeded',
  'document.verification_succeeded',
  'mixed_document.rejected',
  'book.verified',
  'book.completed',
]

/** The order the pipeline emits them in, within one transaction or after one another. */
const EMITTED = [
  'document.upload_succeeded',
  'document.upload_failed',
  'document.classification_succeeded',
  'document.verification_succeeded',
  'book.verified',
  'book.completed',
]

describeEachDialect('webhook events of the document lifecycle', (dialect) => {
  let place: Place
  let quire: Quire
  let receiver: Receiver
  let api: Bearer
  let book: { pk: number; uuid: string; name: string }

  beforeEach(async () => {
    place = await newPlace(dialect)
    receiver = await startReceiver()
    quire = await startQuire(place)
    const credential = await createCredential(quire.services, { org: 'acme' })
    api = bearer(quire.app, await getToken(quire.app, credential))

    const hook = await api(
      'POST',
      '/v1/account/settings/webhook',
      webhookBody(receiver.url, LIFECYCLE),
    )
    expect(hook.statusCode, hook.body).toBe(200)
    book = (await api('POST', '/v1/book/add', { name: 'Lifecycle' })).json().response
  })
  afterEach(async () => {
    await quire.close()
    await receiver.close()
    await removePlace(place)
  })

  const upload = async (url: string, content: Buffer, fields: Record<string, string>) => {
    const { payload, headers } = multipart([fields, { filename: 'file.pdf', content }])
    const response = await api('POST', url, payload, headers)
    expect(response.statusCode, response.body).toBe(200)
    return response.json().response
  }
  const events = () => receiver.received.map((r) => JSON.parse(r.body) as Record<string, unknown>)
  /** Every event, in the order they were emitted: deliveries run in parallel, so may overtake. */
  const until = async (count: number) => {
    await waitFor(() => (events().length >= count ? true : undefined), `${count} events`)
    const rank = (e: Record<string, unknown>) => EMITTED.indexOf(String(e.event_name))
    return events().sort((a, b) => rank(a) - rank(b))
  }

  it('announces every step of a pre-identified upload, from upload to book.completed', async () => {
    const answer = await upload('/v1/book/upload', PAYSTUB, {
      book_uuid: book.uuid,
      form_type: 'PAYSTUB',
    })
    const doc = answer.uploaded_docs[0]

    const received = await until(5)
    expect(received.map((e) => e.event_name)).toEqual([
      'document.upload_succeeded',
      'document.classification_succeeded',
      'document.verification_succeeded',
      'book.verified',
      'book.completed',
    ])

    const [uploaded, classified, verified, bookVerified, completed] = received
    const ids = {
      notification_type: 'STATUS',
      book_pk: book.pk,
      book_uuid: book.uuid,
      doc_uuid: doc.uuid,
      uploaded_doc_pk: doc.pk,
      uploaded_doc_uuid: doc.uuid,
      mixed_uploaded_doc_pk: null,
      mixed_uploaded_doc_uuid: null,
    }
    expect(uploaded).toMatchObject({ ...ids, status: 'QUEUED', severity: 'LOW' })
    expect(classified).toMatchObject({
      ...ids,
      status: 'VERIFICATION_COMPLETE',
      document_class: 'PAYSTUB',
    })
    expect(verified).toMatchObject({
      ...ids,
      status: 'VERIFICATION_COMPLETE',
      notification_reason: 'Document verified',
    })
    expect(bookVerified).toMatchObject({
      book_uuid: book.uuid,
      book_name: 'Lifecycle',
      status: 'VERIFIED',
      uploaded_docs: [{ uuid: doc.uuid, status: 'VERIFICATION_COMPLETE' }],
    })
    expect(completed).toMatchObject({ status: 'BOOK_COMPLETE', book_uuid: book.uuid })
    // Each severity is the one GET …/webhook/{uuid}/events lists for the event.
    expect(received.map((e) => e.severity)).toEqual(['LOW', 'LOW', 'LOW', 'MODERATE', 'MODERATE'])

    const status = (await api('GET', `/v1/book/status?book_uuid=${book.uuid}`)).json().response
    expect(status.docs[0]).toMatchObject({ uuid: doc.uuid, document_class: 'PAYSTUB' })
  })

  it('announces no classification for a file of several documents, whose types are unknown', async () => {
    const answer = await upload('/v1/book/upload/mixed', MIXED, { pk: String(book.pk) })
    const doc = answer.mixed_uploaded_docs[0]

    const received = await until(4)
    expect(received.map((e) => e.event_name)).toEqual([
      'document.upload_succeeded',
      'document.verification_succeeded',
      'book.verified',
      'book.completed',
    ])
    expect(received[0]).toMatchObject({
      uploaded_doc_pk: null,
      mixed_uploaded_doc_pk: doc.pk,
      mixed_uploaded_doc_uuid: doc.uuid,
    })
  })

  it('announces a document the pipeline rejects as an issue, with its reason', async () => {
    await quire.close()
    quire = await startQuire(place, { inspectMemoryBytes: 160 * 1024 * 1024 })
    api = bearer(
      quire.app,
      await getToken(quire.app, await createCredential(quire.services, { org: 'acme' })),
    )
    // Its one page is counted at upload; reading it inflates 4 GiB, past the parser's ceiling.
    const answer = await upload('/v1/book/upload', zeroBomb(4 * 1024 ** 3, 'page'), {
      book_uuid: book.uuid,
    })
    const doc = answer.uploaded_docs[0]

    const received = await until(4)

    expect(received.map((e) => [e.event_name, e.severity, e.notification_type])).toEqual([
      ['document.upload_succeeded', 'LOW', 'STATUS'],
      ['document.upload_failed', 'HIGH', 'ISSUE'],
      ['book.verified', 'MODERATE', 'STATUS'],
      ['book.completed', 'MODERATE', 'STATUS'],
    ])
    expect(received[1]).toMatchObject({
      doc_uuid: doc.uuid,
      status: 'REJECTED',
      notification_reason: 'INVALID DOCUMENT',
    })
  }, 60_000)

  it('sends nothing for an upload that was refused', async () => {
    const answer = await upload('/v1/book/upload', Buffer.from('not a pdf at all'), {
      book_uuid: book.uuid,
    })
    expect(answer.status).toBe(400)

    // A later upload's events arrive; none came before them for the refused file.
    await upload('/v1/book/upload', PAYSTUB, { book_uuid: book.uuid })
    const received = await until(4)
    expect(received[0]).toMatchObject({ event_name: 'document.upload_succeeded' })
    expect(received.filter((e) => e.event_name === 'document.upload_succeeded')).toHaveLength(1)
  })
})
