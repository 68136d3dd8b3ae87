import { Readable } from 'node:stream'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { JsonDataStage } from '../../src/analysis/json-data-stage.js'
import type { DocumentRow } from '../../src/db/schema.js'
import type { BlobStore } from '../../src/documents/blob-store.js'
import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { md5, multipart, type FilePart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'

const PLAID_TRANSACTIONS = {
  accounts: [
    { account_id: 'acc-1', name: 'Plaid Checking', type: 'depository', balances: { current: 110 } },
  ],
  transactions: [
    {
      account_id: 'acc-1',
      amount: 89.4,
      date: '2026-05-03',
      name: 'SparkFun',
      transaction_id: 't1',
    },
    {
      account_id: 'acc-1',
      amount: -500,
      date: '2026-05-15',
      name: 'Payroll',
      transaction_id: 't2',
    },
  ],
  item: { item_id: 'item-1', institution_id: 'ins_1' },
  total_transactions: 2,
  request_id: 'req-1',
}

const PLAID_ASSET_REPORT = {
  report: {
    asset_report_id: 'ar-1',
    days_requested: 60,
    items: [
      {
        item_id: 'item-1',
        institution_name: 'First Platypus Bank',
        accounts: [
          {
            account_id: 'acc-9',
            name: 'Checking',
            balances: { current: 1000 },
            transactions: [
              { account_id: 'acc-9', amount: 12.5, date: '2026-04-02', transaction_id: 'x1' },
            ],
          },
        ],
      },
    ],
  },
  request_id: 'req-2',
  warnings: [],
}

const FINICITY = {
  accounts: {
    accounts: [
      {
        id: '5011648377',
        number: '2000004444',
        name: 'Checking',
        type: 'checking',
        balance: 501.24,
        customerId: '1005061234',
        institutionId: '101732',
      },
    ],
  },
  transactionPages: [
    {
      found: 2,
      moreAvailable: true,
      transactions: [
        { id: 21284820852, amount: -828.9, accountId: 5011648377, description: 'Rent' },
      ],
    },
    {
      found: 2,
      moreAvailable: false,
      transactions: [
        { id: 21284820853, amount: 2500, accountId: '5011648377', description: 'Pay' },
      ],
    },
  ],
  customers: { id: '1005061234', firstName: 'Ada', lastName: 'Lender', type: 'active' },
  institutions: { institution: { id: 101732, name: 'FinBank' } },
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value))
const file = (filename: string, content: Buffer, field = 'upload'): FilePart => ({
  field,
  filename,
  content,
  contentType: 'application/json',
})

describeEachDialect('JSON uploads of aggregator data', (dialect) => {
  let t: TestApp
  let token: string
  let outsider: string
  let book: { pk: number; uuid: string }

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
    outsider = await getToken(t.app, await createCredential(t.services, { org: 'intruder' }))
    book = await addBook('Applicant', token)
    await post('/v1/account/settings/webhook', {
      webhook: {
        url: 'https://receiver.example.invalid/hook',
        description: 'test',
        is_active: true,
      },
      event_names: ['plaid.upload_succeeded', 'plaid.upload_failed', 'document.upload_succeeded'],
    })
  })
  afterEach(() => t.close())

  async function addBook(name: string, as: string) {
    return (await post('/v1/book/add', { name }, as)).json().response
  }

  function post(url: string, payload: object | string, as = token, headers = {}) {
    return t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${as}`, ...headers },
    })
  }

  function upload(parts: Array<Record<string, string> | FilePart>, query = '', as = token) {
    const { payload, headers } = multipart(parts)
    return post(`/v1/book/upload/json${query}`, payload, as, headers)
  }

  const get = (url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${token}` } })
  const db = () => t.services.storage.db
  const documents = () => db().selectFrom('documents').selectAll().orderBy('pk').execute()

  async function events() {
    const rows = await db()
      .selectFrom('webhook_deliveries')
      .selectAll()
      .orderBy('created_at')
      .execute()
    return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>)
  }

  async function waitForStatus(uuid: string, wanted: string) {
    for (let i = 0; i < 400; i++) {
      const status = (await get(`/v1/book/status?pk=${book.pk}`)).json().response
      const doc = status.docs.find((d: { uuid: string }) => d.uuid === uuid)
      if (doc?.status === wanted) return doc
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`document ${uuid} never reached ${wanted}`)
  }

  it('stores Plaid /transactions/get data as a JSON document the pipeline checks, not parses as PDF', async () => {
    const content = json(PLAID_TRANSACTIONS)
    const response = await upload(
      [{ pk: String(book.pk) }, file('plaid-transactions.json', content)],
      '?upload_intent=add_analytics&aggregate_source=PLAID',
    )
    expect(response.statusCode).toBe(200)
    const [row] = await documents()
    expect(response.json()).toEqual({
      status: 200,
      message: 'OK',
      response: {
        uploaded_docs: [
          {
            pk: row?.pk,
            id: row?.pk,
            uuid: row?.uuid,
            name: 'plaid-transactions.json',
            checksum: md5(content),
            created_ts: '2026-06-01T12:00:00Z',
          },
        ],
      },
    })
    expect(row).toMatchObject({
      kind: 'JSON',
      content_type: 'application/json',
      data_source: 'PLAID',
      upload_intent: 'add_analytics',
      page_count: 0,
      size: content.length,
    })

    const doc = await waitForStatus(row?.uuid as string, 'VERIFICATION_COMPLETE')
    expect(doc).toMatchObject({ pages: 0, rejection_reason: null })
    // The PDF inspection would have counted text pages; it did not run.
    expect((await documents())[0]?.text_pages).toBeNull()

    const download = await get(`/v2/document/download?doc_uuid=${row?.uuid}`)
    expect(download.headers['content-type']).toBe('application/json')
    expect(Buffer.compare(download.rawPayload, content)).toBe(0)
    expect((await events()).map((e) => [e.event_name, e.uploaded_doc_uuid])).toEqual([
      ['plaid.upload_succeeded', row?.uuid],
    ])
  })

  it('takes a Plaid asset report by book uuid, PLAID being the default source', async () => {
    const response = await upload([
      { uuid: book.uuid, doc_name: 'Asset report' },
      file('asset.json', json(PLAID_ASSET_REPORT), 'file'),
    ])
    expect(response.json().response.uploaded_docs[0].name).toBe('Asset report')
    const [row] = await documents()
    expect(row).toMatchObject({ data_source: 'PLAID', upload_intent: 'add_analytics' })
    await waitForStatus(row?.uuid as string, 'VERIFICATION_COMPLETE')
  })

  it('combines a Finicity bundle, parts as files or fields and transactions repeated, into one document', async () => {
    const response = await upload(
      [
        { pk: String(book.pk), accounts: JSON.stringify(FINICITY.accounts) },
        file('transactions-1.json', json(FINICITY.transactionPages[0]), 'transactions'),
        { transactions: JSON.stringify(FINICITY.transactionPages[1]) },
        file('customers.json', json(FINICITY.customers), 'customers'),
        file('institutions.json', json(FINICITY.institutions), 'institutions'),
      ],
      '?aggregate_source=FINICITY&upload_intent=docs_to_digital',
    )
    expect(response.statusCode).toBe(200)
    const [row] = await documents()
    expect(response.json().response.uploaded_docs).toEqual([
      expect.objectContaining({ uuid: row?.uuid, name: 'finicity.json', checksum: row?.md5 }),
    ])
    expect(row).toMatchObject({
      kind: 'JSON',
      data_source: 'FINICITY',
      upload_intent: 'docs_to_digital',
    })
    await waitForStatus(row?.uuid as string, 'VERIFICATION_COMPLETE')

    const stored = (await get(`/v2/document/download?doc_uuid=${row?.uuid}`)).json()
    expect(stored).toEqual({
      aggregate_source: 'FINICITY',
      accounts: FINICITY.accounts.accounts,
      transactions: FINICITY.transactionPages.flatMap((p): unknown[] => p.transactions),
      customers: [FINICITY.customers],
      institutions: [FINICITY.institutions.institution],
    })
    // Finicity has no event of its own: the general one is sent.
    expect((await events()).map((e) => e.event_name)).toEqual(['document.upload_succeeded'])
  })

  it('answers files that are not JSON, or not the data claimed, with the soft error', async () => {
    const cases: Array<[FilePart, string]> = [
      [file('notes.json', Buffer.from('account,amount\n1,2\n')), 'notes.json is not a valid JSON'],
      [file('empty.json', Buffer.alloc(0)), 'empty.json is not a valid JSON'],
      [
        file('other.json', json({ hello: 'world' })),
        'other.json -- json format is not supported\n',
      ],
      [
        file('orphan.json', json({ ...PLAID_TRANSACTIONS, accounts: [] })),
        'orphan.json -- json format is not supported\n',
      ],
      [
        file(
          'amounts.json',
          json({ accounts: [], transactions: [{ account_id: 'a', amount: '1' }] }),
        ),
        'amounts.json -- json format is not supported\n',
      ],
    ]
    for (const [part, message] of cases) {
      const response = await upload([{ pk: String(book.pk) }, part])
      expect(response.statusCode).toBe(200)
      expect(response.json().response).toEqual({ status: 400, message, uploaded_docs: [] })
    }

    const two = await upload([
      { pk: String(book.pk) },
      file('good.json', json(PLAID_TRANSACTIONS)),
      file('bad.json', Buffer.from('{')),
    ])
    expect(two.json().response).toEqual({
      status: 400,
      message: 'bad.json is not a valid JSON',
      uploaded_docs: [],
    })
    expect(await documents()).toEqual([])
    expect((await events()).map((e) => [e.event_name, e.notification_reason])).toContainEqual([
      'plaid.upload_failed',
      'notes.json is not a valid JSON',
    ])
  })

  it('refuses an unknown or wrongly cased source, a missing Finicity part or book, in {status, msg}', async () => {
    const plaid = [{ pk: String(book.pk) }, file('p.json', json(PLAID_TRANSACTIONS))]
    const lower = await upload(plaid, '?aggregate_source=plaid')
    expect(lower.statusCode).toBe(400)
    expect(lower.json()).toEqual({
      status: 400,
      msg: 'Invalid aggregate_source. Allowed values: PLAID, FINICITY',
    })
    expect((await upload(plaid, '?upload_intent=ANALYTICS')).json()).toEqual({
      status: 400,
      msg: 'Invalid upload_intent. Allowed values: add_analytics, docs_to_digital',
    })

    const partial = await upload(
      [
        { pk: String(book.pk), accounts: JSON.stringify(FINICITY.accounts) },
        { transactions: JSON.stringify(FINICITY.transactionPages[0]) },
        { customers: JSON.stringify(FINICITY.customers) },
      ],
      '?aggregate_source=FINICITY',
    )
    expect(partial.json()).toEqual({
      status: 400,
      msg: 'Institutions is required for Finicity uploads',
    })

    const theirs = await addBook('Theirs', outsider)
    const foreign = await upload([{ pk: String(theirs.pk) }, plaid[1] as FilePart])
    expect(foreign.statusCode).toBe(400)
    expect(foreign.json()).toEqual({ status: 400, msg: 'Book not found' })
    expect((await upload([plaid[1] as FilePart])).json()).toEqual({
      status: 400,
      msg: 'Required pk or book uuid',
    })
    const unauthenticated = await t.app.inject({ method: 'POST', url: '/v1/book/upload/json' })
    expect(unauthenticated.json()).toEqual({ status: 401, msg: 'Authentication failed' })
    expect(await documents()).toEqual([])
  })

  it('refuses a Finicity bundle whose identifiers do not resolve across its parts', async () => {
    const stray = { transactions: [{ id: 1, amount: 5, accountId: '999' }] }
    const response = await upload(
      [
        { pk: String(book.pk), accounts: JSON.stringify(FINICITY.accounts) },
        file('stray.json', json(stray), 'transactions'),
        { customers: JSON.stringify(FINICITY.customers) },
        { institutions: JSON.stringify(FINICITY.institutions) },
      ],
      '?aggregate_source=FINICITY',
    )
    expect(response.json().response).toEqual({
      status: 400,
      message: 'stray.json -- json format is not supported\n',
      uploaded_docs: [],
    })
    expect(await documents()).toEqual([])
  })

  it('answers the same data again with the soft duplicate error', async () => {
    const parts = [{ pk: String(book.pk) }, file('p.json', json(PLAID_TRANSACTIONS))]
    await upload(parts)
    const again = await upload(parts)
    expect(again.json().response).toEqual({
      status: 400,
      message: 'p.json already exists\n',
      uploaded_docs: [],
    })
    expect(await documents()).toHaveLength(1)
  })
})

describe('the JSON data stage', () => {
  const blobs = (content: string) =>
    ({ open: async () => Readable.from([Buffer.from(content)]) }) as unknown as BlobStore
  const doc = (source: string, size = 10) =>
    ({ blob_key: 'k', size, data_source: source, content_type: 'application/json' }) as DocumentRow

  it('passes stored data that is what it was accepted as, and rejects anything else', async () => {
    const stage = new JsonDataStage(blobs(JSON.stringify(PLAID_TRANSACTIONS)), 1000)
    expect(stage.contentTypes).toEqual(['application/json'])
    expect(await stage.run(doc('PLAID'))).toEqual({ ok: true })
    expect(await stage.run(doc('FINICITY'))).toMatchObject({
      ok: false,
      rejection: { reason: 'INVALID DOCUMENT' },
    })
    expect(await stage.run(doc('PLAID', 1001))).toMatchObject({ ok: false })
    expect(await new JsonDataStage(blobs('%PDF-1.4'), 1000).run(doc('PLAID'))).toMatchObject({
      ok: false,
    })
  })
})
