import fs from 'node:fs'
import path from 'node:path'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { fixture, md5, multipart, type FilePart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'

const STATEMENT = fixture('bank/aws-credit-card-stmt.pdf')
const MIXED = fixture('mixed/w2-statement-1099.pdf')

describeEachDialect('document uploads', (dialect) => {
  let t: TestApp
  let token: string
  let outsider: string
  let book: { pk: number; uuid: string }

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
    outsider = await getToken(t.app, await createCredential(t.services, { org: 'intruder' }))
    book = await addBook('Applicant')
  })
  afterEach(() => t.close())

  async function addBook(name: string, as = token, extra = {}) {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/book/add',
      headers: { authorization: `Bearer ${as}` },
      payload: { name, ...extra },
    })
    return response.json().response
  }

  function upload(
    parts: Array<Record<string, string> | FilePart>,
    url = '/v1/book/upload',
    as = token,
  ) {
    const { payload, headers } = multipart(parts)
    return t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { ...headers, authorization: `Bearer ${as}` },
    })
  }

  const get = (url: string, as = token) =>
    t.app.inject({ url, headers: { authorization: `Bearer ${as}` } })

  async function storedDocuments() {
    return t.services.storage.db.selectFrom('documents').selectAll().execute()
  }

  function stagingFiles(): string[] {
    const dir = path.join(t.dataDir, 'staging')
    return fs.existsSync(dir) ? fs.readdirSync(dir) : []
  }

  async function waitForStatus(uuid: string, wanted: string[]) {
    for (let i = 0; i < 200; i++) {
      const status = (await get(`/v1/book/status?pk=${book.pk}`)).json().response
      const doc = [...status.docs, ...status.mixed_docs].find(
        (d: { uuid: string }) => d.uuid === uuid,
      )
      if (doc !== undefined && wanted.includes(doc.status)) return { doc, status }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`document ${uuid} never reached ${wanted.join('/')}`)
  }

  it('stores a PDF and answers with its pk, uuid, page count and checksum', async () => {
    const response = await upload([
      { pk: String(book.pk) },
      { filename: 'statement.pdf', content: STATEMENT },
    ])

    expect(response.statusCode).toBe(200)
    const { uploaded_docs } = response.json().response
    expect(uploaded_docs).toHaveLength(1)
    expect(uploaded_docs[0]).toMatchObject({
      name: 'statement.pdf',
      page_count: 1,
      checksum: md5(STATEMENT),
    })
    expect(uploaded_docs[0].id).toBe(uploaded_docs[0].pk)
    expect(uploaded_docs[0].created_ts).toBe('2026-06-01T12:00:00Z')

    const [row] = await storedDocuments()
    expect(row).toMatchObject({
      uuid: uploaded_docs[0].uuid,
      size: STATEMENT.length,
      content_type: 'application/pdf',
    })
    expect(stagingFiles()).toEqual([])
  })

  it('takes the file under "file" or its own name, and the book after the file or in the query', async () => {
    const asFile = await upload([
      { field: 'file', filename: 'a.pdf', content: STATEMENT },
      { book_uuid: book.uuid },
    ])
    expect(asFile.json().response.uploaded_docs).toHaveLength(1)

    const other = await addBook('Second')
    const ownName = await upload(
      [{ field: 'w2.pdf', filename: 'w2.pdf', content: MIXED }],
      `/v1/book/upload?book_uuid=${other.uuid}`,
    )
    expect(ownName.json().response.uploaded_docs[0]).toMatchObject({
      name: 'w2.pdf',
      page_count: 3,
    })

    const named = await upload([
      { pk: String(book.pk), doc_name: 'Named.pdf' },
      { filename: 'x.pdf', content: MIXED },
    ])
    expect(named.json().response.uploaded_docs[0].name).toBe('Named.pdf')
  })

  it('answers a duplicate in the same book with the soft error and the original ids', async () => {
    const first = (
      await upload([{ pk: String(book.pk) }, { filename: 's.pdf', content: STATEMENT }])
    ).json().response
    const again = await upload([{ pk: String(book.pk) }, { filename: 's.pdf', content: STATEMENT }])

    expect(again.statusCode).toBe(200)
    expect(again.json()).toEqual({
      status: 200,
      message: 'OK',
      response: {
        status: 400,
        message: 's.pdf already exists\n',
        original_existing_doc_pks: [first.uploaded_docs[0].pk],
        original_existing_doc_uuids: [first.uploaded_docs[0].uuid],
        uploaded_docs: [],
      },
    })
    expect(await storedDocuments()).toHaveLength(1)

    const elsewhere = await addBook('Other book')
    expect(
      (
        await upload([{ pk: String(elsewhere.pk) }, { filename: 's.pdf', content: STATEMENT }])
      ).json().response.uploaded_docs,
    ).toHaveLength(1)
  })

  it('answers files that are not valid PDFs with the soft error, storing nothing', async () => {
    for (const name of [
      'bad/not-a-pdf.pdf',
      'bad/truncated.pdf',
      'bad/pdflib-missing_xref_trailer_dict.pdf',
    ]) {
      const response = await upload([
        { pk: String(book.pk) },
        { filename: 'document.pdf', content: fixture(name) },
      ])
      expect(response.statusCode).toBe(200)
      expect(response.json().response).toEqual({
        status: 400,
        message: 'document.pdf is not a valid pdf\n',
        uploaded_docs: [],
      })
    }
    expect(await storedDocuments()).toEqual([])
    expect(stagingFiles()).toEqual([])
    expect(
      fs.existsSync(path.join(t.dataDir, 'blobs'))
        ? fs.readdirSync(path.join(t.dataDir, 'blobs'))
        : [],
    ).toEqual([])
  })

  it('answers encrypted PDFs with the soft error', async () => {
    for (const name of [
      'bad/pdflib-encrypted_new.pdf',
      'bad/pypdf-libreoffice-writer-password.pdf',
    ]) {
      const response = await upload([
        { pk: String(book.pk) },
        { filename: 'locked.pdf', content: fixture(name) },
      ])
      expect(response.json().response).toEqual({
        status: 400,
        message: 'locked.pdf is password protected\n',
        uploaded_docs: [],
      })
    }
    expect(await storedDocuments()).toEqual([])
  })

  it('refuses an empty file, a missing file and an unknown form type with hard errors', async () => {
    const empty = await upload([
      { pk: String(book.pk) },
      { filename: 'empty.pdf', content: fixture('bad/empty.pdf') },
    ])
    expect(empty.statusCode).toBe(400)
    expect(empty.json()).toMatchObject({ code: 1104, message: 'Document stream is empty' })

    const missing = await upload([{ pk: String(book.pk) }])
    expect(missing.json().code).toBe(1104)

    const form = await upload([
      { pk: String(book.pk), form_type: 'NOT_A_FORM' },
      { filename: 's.pdf', content: STATEMENT },
    ])
    expect(form.json()).toMatchObject({ code: 6001, message: 'Form Type Not Found' })

    const json = await t.app.inject({
      method: 'POST',
      url: '/v1/book/upload',
      headers: { authorization: `Bearer ${token}` },
      payload: { pk: book.pk },
    })
    expect(json.statusCode).toBe(400)
    expect(json.json().code).toBe(1104)
    expect(await storedDocuments()).toEqual([])
  })

  it('refuses a book of another organization as not found, storing nothing', async () => {
    const theirs = await addBook('Theirs', outsider)
    const response = await upload([
      { pk: String(theirs.pk) },
      { filename: 's.pdf', content: STATEMENT },
    ])
    expect(response.statusCode).toBe(400)
    expect(response.json().code).toBe(1401)
    expect(await storedDocuments()).toEqual([])
    expect(stagingFiles()).toEqual([])
  })

  it('follows a document to VERIFICATION_COMPLETE and the book to VERIFIED', async () => {
    const uuid = (
      await upload([{ pk: String(book.pk) }, { filename: 's.pdf', content: STATEMENT }])
    ).json().response.uploaded_docs[0].uuid
    const { doc, status } = await waitForStatus(uuid, ['VERIFICATION_COMPLETE'])

    expect(status.book_status).toBe('VERIFIED')
    expect(doc).toMatchObject({
      name: 's.pdf',
      pages: 1,
      md5: md5(STATEMENT),
      rejection_reason: null,
      image_group_pk: null,
    })
    const info = (await get(`/v1/book/info?book_uuid=${book.uuid}`)).json().response
    expect(info.docs.map((d: { uuid: string }) => d.uuid)).toEqual([uuid])
    const [row] = await storedDocuments()
    expect(row?.text_pages).toBe(1)
  })

  it('lists mixed uploads under mixed_docs, COMPLETED when done, with their own status route', async () => {
    const response = await upload(
      [{ pk: String(book.pk) }, { filename: 'mixed.pdf', content: MIXED }],
      '/v1/book/upload/mixed',
    )
    const [doc] = response.json().response.mixed_uploaded_docs
    expect(doc).toMatchObject({ name: 'mixed.pdf', page_count: 3 })

    await waitForStatus(doc.uuid, ['COMPLETED'])
    const status = (await get(`/v1/document/mixed/status?mixed_doc_uuid=${doc.uuid}`)).json()
      .response
    expect(status).toMatchObject({
      pk: doc.pk,
      uuid: doc.uuid,
      page_count: 3,
      checksum: md5(MIXED),
      document_status: 'COMPLETED',
      book_uuid: book.uuid,
    })
    expect(status.pages).toHaveLength(3)
    const upgraded = await t.app.inject({
      method: 'POST',
      url: '/v1/document/mixed/upgrade',
      headers: { authorization: `Bearer ${token}` },
      payload: { mixed_doc_uuid: doc.uuid, upgrade_type: 'COMPLETE' },
    })
    expect(upgraded.json().response).toMatchObject({ uuid: doc.uuid, document_status: 'COMPLETED' })

    const dup = await upload(
      [{ pk: String(book.pk) }, { filename: 'mixed.pdf', content: MIXED }],
      '/v1/book/upload/mixed',
    )
    expect(dup.json().response).toMatchObject({
      status: 400,
      original_existing_doc_pk: doc.pk,
      original_existing_doc_uuid: doc.uuid,
      mixed_uploaded_docs: [],
    })
  })

  it('accepts the v2 upload forms', async () => {
    const paystub = await upload(
      [{ filename: 'stub.pdf', content: fixture('paystub/adp_standard/Pay_Date_2025-12-31.pdf') }],
      `/v2/book/${book.uuid}/document/paystub`,
    )
    expect(paystub.json().response.doc_uuid).toMatch(/^[0-9a-f-]{36}$/)

    const mixed = await upload(
      [{ field: 'file', filename: 'm.pdf', content: MIXED }],
      `/v2/book/${book.uuid}/mixed-document`,
    )
    expect(mixed.json().response.mixed_doc_uuid).toMatch(/^[0-9a-f-]{36}$/)

    const rows = await storedDocuments()
    expect(rows.map((r) => [r.kind, r.form_type])).toEqual([
      ['UPLOADED', 'PAYSTUB'],
      ['MIXED', null],
    ])
    expect(
      (
        await upload(
          [{ filename: 'x.pdf', content: STATEMENT }],
          `/v2/book/${book.uuid}/document/nonsense`,
        )
      ).json().code,
    ).toBe(6001)
  })

  it('downloads the stored original with its type and name', async () => {
    const doc = (
      await upload([
        { pk: String(book.pk) },
        { filename: 'Relevé de compte.pdf', content: STATEMENT },
      ])
    ).json().response.uploaded_docs[0]
    const response = await get(`/v2/document/download?doc_uuid=${doc.uuid}`)

    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toBe('application/pdf')
    expect(response.headers['content-disposition']).toBe(
      `attachment; filename="Relev_ de compte.pdf"; filename*=UTF-8''${encodeURIComponent('Relevé de compte.pdf')}`,
    )
    expect(Buffer.compare(response.rawPayload, STATEMENT)).toBe(0)

    expect((await get(`/v2/document/download?doc_uuid=${doc.uuid}`, outsider)).json().code).toBe(
      1501,
    )
    expect(
      (await get(`/v2/document/download?doc_uuid=${doc.uuid}&doc_type=MixedUploadedDoc`)).json()
        .code,
    ).toBe(1501)
  })

  it('removes a document and deletes its blob', async () => {
    const doc = (
      await upload([{ pk: String(book.pk) }, { filename: 's.pdf', content: STATEMENT }])
    ).json().response.uploaded_docs[0]
    const blobKey = (await storedDocuments())[0]?.blob_key as string

    const other = await t.app.inject({
      method: 'POST',
      url: '/v1/document/remove',
      headers: { authorization: `Bearer ${outsider}` },
      payload: { doc_uuid: doc.uuid },
    })
    expect(other.json().code).toBe(1501)

    const removed = await t.app.inject({
      method: 'POST',
      url: '/v1/document/remove',
      headers: { authorization: `Bearer ${token}` },
      payload: { doc_id: doc.pk },
    })
    expect(removed.json().response).toEqual({
      pk: doc.pk,
      uuid: doc.uuid,
      name: 's.pdf',
      document_status: 'Deleting',
    })

    for (let i = 0; i < 200 && (await storedDocuments())[0]?.status !== 'DELETED'; i++)
      await new Promise((r) => setTimeout(r, 25))
    const [row] = await storedDocuments()
    expect(row).toMatchObject({ status: 'DELETED', blob_key: null })
    await expect(t.services.blobs.open(blobKey)).rejects.toThrow()
    expect((await get(`/v1/book/status?pk=${book.pk}`)).json().response).toMatchObject({
      docs: [],
      book_status: 'CREATED',
    })

    const again = await upload([{ pk: String(book.pk) }, { filename: 's.pdf', content: STATEMENT }])
    expect(again.json().response.uploaded_docs).toHaveLength(1)
  })

  it('cancels an unfinished document, and answers 406 for a finished one', async () => {
    await t.services.pipeline.stop()
    const doc = (
      await upload([{ pk: String(book.pk) }, { filename: 's.pdf', content: STATEMENT }])
    ).json().response.uploaded_docs[0]
    const cancel = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/document/cancel',
        headers: { authorization: `Bearer ${token}` },
        payload: { doc_uuid: doc.uuid },
      })

    const first = await cancel()
    expect(first.statusCode).toBe(200)
    expect((await storedDocuments())[0]).toMatchObject({
      status: 'REJECTED',
      rejection_reason: 'CANCELLED',
    })

    const second = await cancel()
    expect(second.statusCode).toBe(406)
    expect(second.json().code).toBe(1520)
  })

  it('upgrades an Instant document to Complete and processes it again', async () => {
    const instant = await addBook('Instant', token, { book_class: 'INSTANT' })
    const doc = (
      await upload([{ pk: String(instant.pk) }, { filename: 's.pdf', content: STATEMENT }])
    ).json().response.uploaded_docs[0]
    book = instant
    await waitForStatus(doc.uuid, ['VERIFICATION_COMPLETE'])

    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/document/upgrade',
      headers: { authorization: `Bearer ${token}` },
      payload: { doc_pk: doc.pk, upgrade_type: 'COMPLETE' },
    })
    expect(response.json().response).toMatchObject({
      pk: doc.pk,
      processing_type: 'COMPLETE',
      book_pk: instant.pk,
    })
    await waitForStatus(doc.uuid, ['VERIFICATION_COMPLETE'])
    expect((await storedDocuments())[0]?.attempts).toBe(2)

    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/document/upgrade',
      headers: { authorization: `Bearer ${token}` },
      payload: { doc_pk: doc.pk, upgrade_type: 'SUPER' },
    })
    expect(bad.json().code).toBe(1003)
  })

  it('marks the documents of a removed book for deletion', async () => {
    await upload([{ pk: String(book.pk) }, { filename: 's.pdf', content: STATEMENT }])
    await t.app.inject({
      method: 'POST',
      url: '/v1/book/remove',
      headers: { authorization: `Bearer ${token}` },
      payload: { book_id: book.pk },
    })
    for (let i = 0; i < 200 && (await storedDocuments())[0]?.status !== 'DELETED'; i++)
      await new Promise((r) => setTimeout(r, 25))
    expect((await storedDocuments())[0]).toMatchObject({ status: 'DELETED', blob_key: null })
  })
})
