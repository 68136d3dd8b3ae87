import fs from 'node:fs'
import path from 'node:path'

import { PDFDocument } from 'pdf-lib'
import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { fixture, multipart, type FilePart } from '../support/multipart.js'
import { createCredential, getToken } from '../support/oauth.js'
import { bmp, png, tiff } from './images.js'

const STATEMENT_JPG = fixture('bank/aws-bank-statement.jpg')
const PAYSTUB_JPG = fixture('paystub/aws-paystub.jpg')
const IMAGE_EVENTS = ['image_group.upload_succeeded', 'image_group.upload_failed']

describeEachDialect('image uploads and image groups', (dialect) => {
  let t: TestApp
  let token: string
  let outsider: string
  let book: { pk: number; uuid: string }

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
    outsider = await getToken(t.app, await createCredential(t.services, { org: 'intruder' }))
    book = await addBook('Applicant', token)
    // An org webhook subscribed to the image events, so they are recorded as deliveries.
    await post('/v1/account/settings/webhook', {
      webhook: {
        url: 'https://receiver.example.invalid/hook',
        description: 'test',
        is_active: true,
      },
      event_names: IMAGE_EVENTS,
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

  function uploadImage(parts: Array<Record<string, string> | FilePart>, query = '', as = token) {
    const { payload, headers } = multipart(parts)
    return post(`/v1/book/upload/image${query}`, payload, as, headers)
  }

  const image = (filename: string, content: Buffer, extra: Partial<FilePart> = {}) => ({
    filename,
    content,
    contentType: 'image/jpeg',
    ...extra,
  })
  const get = (url: string) => t.app.inject({ url, headers: { authorization: `Bearer ${token}` } })
  const db = () => t.services.storage.db

  async function waitForStatus(uuid: string, wanted: string) {
    for (let i = 0; i < 400; i++) {
      const status = (await get(`/v1/book/status?pk=${book.pk}`)).json().response
      const doc = [...status.docs, ...status.mixed_docs].find(
        (d: { uuid: string }) => d.uuid === uuid,
      )
      if (doc?.status === wanted) return { doc, status }
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`document ${uuid} never reached ${wanted}`)
  }

  async function deliveries() {
    const rows = await db()
      .selectFrom('webhook_deliveries')
      .selectAll()
      .orderBy('created_at')
      .execute()
    return rows.map((r) => JSON.parse(r.payload) as Record<string, unknown>)
  }

  function stagingFiles(): string[] {
    const dir = path.join(t.dataDir, 'staging')
    return fs.existsSync(dir) ? fs.readdirSync(dir) : []
  }

  it('groups JPEG images and makes a mixed PDF of them that is processed and downloadable', async () => {
    const first = await uploadImage([
      { pk: String(book.pk) },
      image('statement.jpg', STATEMENT_JPG),
    ])
    expect(first.statusCode).toBe(200)
    const groupPk = first.json().response.image_group_pk
    expect(first.json()).toEqual({
      status: 200,
      message: 'OK',
      response: { image_group_pk: groupPk },
    })

    const second = await uploadImage(
      [{ field: 'file', ...image('paystub.jpg', PAYSTUB_JPG) }, { return_image_pk: 'True' }],
      `?book_uuid=${book.uuid}`,
    )
    const images = await db().selectFrom('images').selectAll().orderBy('pk').execute()
    expect(second.json().response).toEqual({ image_group_pk: groupPk, image_pk: images[1]?.pk })
    expect(images.map((i) => [i.name, i.content_type, i.size])).toEqual([
      ['statement.jpg', 'image/jpeg', STATEMENT_JPG.length],
      ['paystub.jpg', 'image/jpeg', PAYSTUB_JPG.length],
    ])
    expect((await get(`/v1/book/status?pk=${book.pk}`)).json().response.book_status).toBe('UPLOAD')

    const done = await post('/v1/book/upload/image/done', { pk: book.pk })
    expect(done.statusCode).toBe(200)
    const group = await db().selectFrom('image_groups').selectAll().executeTakeFirstOrThrow()
    const [doc] = await db().selectFrom('documents').selectAll().execute()
    expect(done.json().response).toEqual({
      image_group_pk: groupPk,
      image_bucket_uuid: group.uuid,
      mixed_doc_uuid: doc?.uuid,
      doc_uuid: null,
    })
    expect(group.status).toBe('CLOSED')
    expect(doc).toMatchObject({
      kind: 'MIXED',
      form_type: null,
      page_count: 2,
      content_type: 'application/pdf',
      image_group_pk: groupPk,
      name: `image_group_${groupPk}.pdf`,
    })

    const { status } = await waitForStatus(doc?.uuid as string, 'COMPLETED')
    expect(status.book_status).toBe('VERIFIED')
    expect(status.mixed_docs[0]).toMatchObject({ pages: 2, image_group_pk: groupPk })

    const download = await get(
      `/v2/document/download?doc_uuid=${doc?.uuid}&doc_type=MixedUploadedDoc`,
    )
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('application/pdf')
    const pdf = await PDFDocument.load(download.rawPayload)
    // Both are US Letter scans (150 and 200 dpi): each page is the letter page.
    expect(pdf.getPages().map((p) => [p.getWidth(), p.getHeight()])).toEqual([
      [612, 792],
      [612, 792],
    ])

    const events = await deliveries()
    expect(events).toHaveLength(1)
    expect(events[0]).toMatchObject({
      event_name: 'image_group.upload_succeeded',
      book_uuid: book.uuid,
      mixed_uploaded_doc_uuid: doc?.uuid,
      uploaded_image_group_pk: groupPk,
      uploaded_image_group_uuid: group.uuid,
    })
    expect(stagingFiles()).toEqual([])
  })

  it('takes PNG, BMP and single-image TIFF by content, and makes a document of the form type', async () => {
    const files = [
      // A PNG named and declared as a JPEG: the bytes decide.
      image('red.jpg', png(40, 30, [255, 0, 0])),
      image('green.bmp', bmp(30, 40, [0, 200, 0]), { contentType: 'application/octet-stream' }),
      image('gray.tif', tiff(20, 20, [128]), { contentType: 'image/tiff' }),
    ]
    for (const file of files) {
      const response = await uploadImage([{ book_uuid: book.uuid }, file])
      expect(response.json().response.image_group_pk, response.body).toBeGreaterThan(0)
    }
    const types = await db().selectFrom('images').select('content_type').orderBy('pk').execute()
    expect(types.map((r) => r.content_type)).toEqual(['image/png', 'image/bmp', 'image/tiff'])

    const done = await post(
      '/v1/book/upload/image/done',
      `book_uuid=${book.uuid}&form_type=bank_statement`,
      token,
      { 'content-type': 'application/x-www-form-urlencoded' },
    )
    expect(done.statusCode, done.body).toBe(200)
    const [doc] = await db().selectFrom('documents').selectAll().execute()
    expect(done.json().response).toMatchObject({ mixed_doc_uuid: null, doc_uuid: doc?.uuid })
    expect(doc).toMatchObject({ kind: 'UPLOADED', form_type: 'BANK_STATEMENT', page_count: 3 })

    const { doc: item } = await waitForStatus(doc?.uuid as string, 'VERIFICATION_COMPLETE')
    expect(item).toMatchObject({ pages: 3, document_class: 'BANK_STATEMENT' })

    const download = await get(`/v2/document/download?doc_uuid=${doc?.uuid}`)
    const pdf = await PDFDocument.load(download.rawPayload)
    // Landscape 40×30 fits 792×612; portrait 30×40 fits 612×792 (to 816); square fits 612.
    expect(pdf.getPages().map((p) => [p.getWidth(), p.getHeight()])).toEqual([
      [792, 594],
      [594, 792],
      [612, 612],
    ])
  })

  it('names the image group by pk and uuid in the events of the document it became', async () => {
    await post('/v1/account/settings/webhook', {
      webhook: { url: 'https://receiver.example.invalid/docs', is_active: true },
      event_names: ['document.classification_succeeded', 'document.verification_succeeded'],
    })
    await uploadImage([{ pk: String(book.pk) }, image('s.jpg', STATEMENT_JPG)])
    await post('/v1/book/upload/image/done', { pk: book.pk, form_type: 'BANK_STATEMENT' })
    const group = await db().selectFrom('image_groups').selectAll().executeTakeFirstOrThrow()
    const doc = await db().selectFrom('documents').selectAll().executeTakeFirstOrThrow()

    await waitForStatus(doc.uuid, 'VERIFICATION_COMPLETE')

    // Recorded within one clock tick, so sorted by name rather than by time.
    const events = (await deliveries())
      .map((e) => [e.event_name, e.uploaded_image_group_pk, e.uploaded_image_group_uuid])
      .sort()
    expect(events).toEqual([
      ['document.classification_succeeded', group.pk, group.uuid],
      ['document.verification_succeeded', group.pk, group.uuid],
      ['image_group.upload_succeeded', group.pk, group.uuid],
    ])
  })

  it('refuses what is not a single image it can read, with the soft error and nothing stored', async () => {
    const cases: Array<[FilePart, string]> = [
      [
        image('fake.jpg', Buffer.from('This is a text file, not a photo.\n')),
        'fake.jpg is not a valid Image',
      ],
      [image('doc.pdf', fixture('bank/aws-credit-card-stmt.pdf')), 'doc.pdf is not a valid Image'],
      [
        image(
          'broken.png',
          Buffer.concat([png(4, 4, [0, 0, 0]).subarray(0, 12), Buffer.alloc(20)]),
        ),
        'broken.png is not a valid Image',
      ],
      [
        image('pages.tif', tiff(10, 10, [0, 255]), { contentType: 'image/tiff' }),
        'pages.tif is not a valid Image: a TIFF file must hold a single image',
      ],
    ]
    for (const [file, message] of cases) {
      const response = await uploadImage([{ pk: String(book.pk) }, file])
      expect(response.statusCode).toBe(200)
      expect(response.json()).toEqual({
        status: 200,
        message: 'OK',
        response: { status: 400, message, original_existing_groups_and_image_pks: [] },
      })
    }
    expect(await db().selectFrom('images').selectAll().execute()).toEqual([])
    expect(await db().selectFrom('image_groups').selectAll().execute()).toEqual([])
    expect(stagingFiles()).toEqual([])

    const empty = await uploadImage([{ pk: String(book.pk) }, image('empty.jpg', Buffer.alloc(0))])
    expect(empty.json()).toMatchObject({ code: 1104, message: 'Document stream is empty' })
    const missing = await uploadImage([{ pk: String(book.pk) }])
    expect(missing.json()).toMatchObject({ code: 1104 })
    const noBook = await uploadImage([image('s.jpg', STATEMENT_JPG)])
    expect(noBook.json()).toMatchObject({ code: 1103, message: 'Required pk or book uuid' })
  })

  it('refuses an image of more pixels than the limit', async () => {
    await t.close()
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000, maxImagePixels: 3_000_000 })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
    book = await addBook('Applicant', token)

    const large = await uploadImage([{ pk: String(book.pk) }, image('paystub.jpg', PAYSTUB_JPG)])
    expect(large.json().response).toEqual({
      status: 400,
      message: 'paystub.jpg is not a valid Image: 1700x2200 pixels is more than 3,000,000',
      original_existing_groups_and_image_pks: [],
    })
    const fits = await uploadImage([{ pk: String(book.pk) }, image('statement.jpg', STATEMENT_JPG)])
    expect(fits.json().response.image_group_pk).toBeGreaterThan(0)
  })

  it('answers a duplicate in the open group with the soft error and the original ids', async () => {
    const first = await uploadImage([{ pk: String(book.pk) }, image('s.jpg', STATEMENT_JPG)])
    const groupPk = first.json().response.image_group_pk
    const again = await uploadImage([{ pk: String(book.pk) }, image('again.jpg', STATEMENT_JPG)])

    const [original] = await db().selectFrom('images').selectAll().execute()
    expect(again.statusCode).toBe(200)
    expect(again.json().response).toEqual({
      status: 400,
      message: 'again.jpg already exists',
      original_existing_groups_and_image_pks: [
        {
          existing_image_group_pk: groupPk,
          existing_image_pk: original?.pk,
          existing_image_uuid: original?.uuid,
        },
      ],
      image_group_pk: groupPk,
    })
    expect(await db().selectFrom('images').selectAll().execute()).toHaveLength(1)

    // Once that group is a document, the same image starts a new group.
    await post('/v1/book/upload/image/done', { book_uuid: book.uuid })
    const next = await uploadImage([{ pk: String(book.pk) }, image('s.jpg', STATEMENT_JPG)])
    expect(next.json().response.image_group_pk).not.toBe(groupPk)
    expect(await db().selectFrom('image_groups').select('status').orderBy('pk').execute()).toEqual([
      { status: 'CLOSED' },
      { status: 'OPEN' },
    ])
  })

  it('puts images uploaded at once into one open group, and the same image at once in it once', async () => {
    const answers = await Promise.all([
      uploadImage([{ pk: String(book.pk) }, image('a.png', png(8, 8, [1, 2, 3]))]),
      uploadImage([{ pk: String(book.pk) }, image('b.png', png(8, 8, [4, 5, 6]))]),
      uploadImage([{ pk: String(book.pk) }, image('c.png', png(8, 8, [7, 8, 9]))]),
      uploadImage([{ pk: String(book.pk) }, image('c-again.png', png(8, 8, [7, 8, 9]))]),
    ])
    const groups = await db().selectFrom('image_groups').select('pk').execute()
    expect(groups).toHaveLength(1)
    expect(answers.map((a) => a.json().response.image_group_pk)).toEqual(
      Array(4).fill(groups[0]?.pk),
    )
    expect(answers.filter((a) => a.json().response.status === 400)).toHaveLength(1)
    expect(await db().selectFrom('images').selectAll().execute()).toHaveLength(3)
  })

  it('answers 7002 when there is no open group, and keeps the group on a bad form type', async () => {
    const none = await post('/v1/book/upload/image/done', { pk: book.pk })
    expect(none.statusCode).toBe(400)
    expect(none.json()).toEqual({
      status: 400,
      code: 7002,
      message: 'No Image Found',
      response: null,
      meta: { status: 400, msg: 'No Image Found', code: 7002 },
    })

    await uploadImage([{ pk: String(book.pk) }, image('s.jpg', STATEMENT_JPG)])
    const badForm = await post('/v1/book/upload/image/done', { pk: book.pk, form_type: 'NOPE' })
    expect(badForm.json().code).toBe(6001)

    // Ocrolus's own example finishes with a multipart form.
    const { payload, headers } = multipart([{ book_uuid: book.uuid }])
    const done = await post('/v1/book/upload/image/done', payload, token, headers)
    expect(done.json().response.mixed_doc_uuid).toMatch(/^[0-9a-f-]{36}$/)
    expect((await post(`/v1/book/upload/image/done?pk=${book.pk}`, {})).json().code).toBe(7002)
    expect(await db().selectFrom('documents').selectAll().execute()).toHaveLength(1)
  })

  it('refuses another organization’s book as not found, on upload and on finish', async () => {
    const theirs = await addBook('Theirs', outsider)
    await uploadImage([{ pk: String(theirs.pk) }, image('s.jpg', STATEMENT_JPG)], '', outsider)

    const upload = await uploadImage([{ pk: String(theirs.pk) }, image('p.jpg', PAYSTUB_JPG)])
    expect(upload.statusCode).toBe(400)
    expect(upload.json()).toMatchObject({ code: 1401, message: 'Book not found' })
    const done = await post('/v1/book/upload/image/done', { book_uuid: theirs.uuid })
    expect(done.json()).toMatchObject({ code: 1401, message: 'Book not found' })

    expect(await db().selectFrom('images').select('name').execute()).toEqual([{ name: 's.jpg' }])
    expect(await db().selectFrom('documents').selectAll().execute()).toEqual([])
    expect(stagingFiles()).toEqual([])
  })

  it('discards a group whose image cannot be decoded, naming the image', async () => {
    await uploadImage([{ pk: String(book.pk) }, image('s.jpg', STATEMENT_JPG)])
    // A BMP whose header is sound but whose pixels are cut off passes the upload's checks.
    await uploadImage([{ pk: String(book.pk) }, image('cut.bmp', bmp(50, 50, [0, 0, 0], true))])
    const keys = (await db().selectFrom('images').select('blob_key').execute()).map(
      (r) => r.blob_key,
    )

    const done = await post('/v1/book/upload/image/done', { pk: book.pk })
    expect(done.statusCode).toBe(400)
    expect(done.json()).toMatchObject({
      code: 7003,
      message:
        'cut.bmp could not be read as an image; the image group was discarded, upload its images again',
    })
    expect(await db().selectFrom('image_groups').select('status').execute()).toEqual([
      { status: 'DISCARDED' },
    ])
    expect(await db().selectFrom('images').selectAll().execute()).toEqual([])
    expect(await db().selectFrom('documents').selectAll().execute()).toEqual([])
    for (const key of keys) await expect(t.services.blobs.open(key)).rejects.toThrow()
    expect((await deliveries()).map((e) => [e.event_name, e.notification_reason])).toEqual([
      ['image_group.upload_failed', 'cut.bmp could not be read as an image'],
    ])
    expect((await post('/v1/book/upload/image/done', { pk: book.pk })).json().code).toBe(7002)
    expect(stagingFiles()).toEqual([])
  })

  it('discards a group holding a JPEG cut short, which PDF would embed unread', async () => {
    const cut = STATEMENT_JPG.subarray(0, Math.floor(STATEMENT_JPG.length / 2))
    const upload = await uploadImage([{ pk: String(book.pk) }, image('half.jpg', cut)])
    // Its header is sound, and the upload reads no further.
    expect(upload.json().response).toHaveProperty('image_group_pk')

    const done = await post('/v1/book/upload/image/done', { pk: book.pk })

    expect(done.statusCode).toBe(400)
    expect(done.json()).toMatchObject({
      code: 7003,
      message:
        'half.jpg could not be read as an image; the image group was discarded, upload its images again',
    })
    expect(await db().selectFrom('documents').selectAll().execute()).toEqual([])
    expect(await db().selectFrom('images').selectAll().execute()).toEqual([])
  })

  it('deletes the images of an unfinished group with its book, and of a removed document', async () => {
    await uploadImage([{ pk: String(book.pk) }, image('s.jpg', STATEMENT_JPG)])
    await post('/v1/book/upload/image/done', { pk: book.pk, form_type: 'PAYSTUB' })
    const doc = await db().selectFrom('documents').selectAll().executeTakeFirstOrThrow()
    await uploadImage([{ pk: String(book.pk) }, image('p.jpg', PAYSTUB_JPG)])
    const keys = (await db().selectFrom('images').select('blob_key').execute()).map(
      (r) => r.blob_key,
    )

    await post('/v1/book/remove', { book_id: book.pk })
    for (let i = 0; i < 400; i++) {
      const row = await db().selectFrom('documents').select('status').executeTakeFirstOrThrow()
      if (row.status === 'DELETED') break
      await new Promise((resolve) => setTimeout(resolve, 25))
    }

    expect(await db().selectFrom('image_groups').select('status').orderBy('pk').execute()).toEqual([
      { status: 'CLOSED' },
      { status: 'DISCARDED' },
    ])
    expect(await db().selectFrom('images').selectAll().execute()).toEqual([])
    for (const key of [...keys, doc.blob_key as string])
      await expect(t.services.blobs.open(key)).rejects.toThrow()
  })
})
