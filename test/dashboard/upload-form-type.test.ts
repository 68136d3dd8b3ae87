import fs from 'node:fs'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { FORM_TYPES } from '../../src/documents/document-values.js'
import { FORM_TYPE_NAMES } from '../../web/src/components/form-types.js'
import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { fixture, multipart } from '../support/multipart.js'
import { type Browser, setUpOwner } from './browser.js'

const W2 = fixture('tax/google-2020-form-w2.pdf')

describeEachDialect('the document type of a dashboard upload', (dialect) => {
  let t: TestApp
  let owner: Browser
  let bookUuid: string

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    owner = await setUpOwner(t.app, t.services)
    bookUuid = (await owner.post('/dashboard/api/books', { name: 'Typed' })).json().uuid
  })
  afterEach(async () => {
    await t.close()
  })

  function upload(fields: Record<string, string>) {
    const { payload, headers } = multipart([fields, { filename: 'w2.pdf', content: W2 }])
    const url = `/dashboard/api/books/${bookUuid}/documents`
    return owner.send(url, payload, headers['content-type'] as string)
  }

  async function finished(docUuid: string) {
    for (let i = 0; i < 400; i++) {
      const { documents } = (await owner.get(`/dashboard/api/books/${bookUuid}`)).json()
      const doc = documents.find((d: { uuid: string }) => d.uuid === docUuid)
      if (!['QUEUED', 'PROCESSING'].includes(doc.status)) return doc
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    throw new Error(`document ${docUuid} never finished`)
  }

  it('classifies the document as the form type sent with it, spelt as the bearer API takes it', async () => {
    const response = await upload({ form_type: 'w2' })

    expect(response.statusCode).toBe(201)
    expect(response.json()).toMatchObject({ form_type: 'W2', document_class: null })
    const doc = await finished(response.json().uuid)
    expect(doc).toMatchObject({
      status: 'VERIFICATION_COMPLETE',
      form_type: 'W2',
      document_class: 'W2',
    })
  })

  it('leaves a document uploaded without a form type unclassified', async () => {
    const response = await upload({ form_type: '' })

    expect(response.statusCode).toBe(201)
    const doc = await finished(response.json().uuid)
    expect(doc).toMatchObject({
      status: 'VERIFICATION_COMPLETE',
      form_type: null,
      document_class: null,
    })
  })

  it('refuses a form type the bearer API does not know, and stores nothing', async () => {
    const response = await upload({ form_type: 'PASSPORT' })

    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      error: 'invalid_input',
      message: '"form_type" is not a document type Quire knows.',
    })
    expect(await t.services.storage.db.selectFrom('documents').selectAll().execute()).toEqual([])
    expect(fs.readdirSync(path.join(t.dataDir, 'staging'))).toEqual([])
  })
})

describe('the dashboard’s document types', () => {
  it('are the form types the bearer API accepts, in its order', () => {
    expect(Object.keys(FORM_TYPE_NAMES)).toEqual([...FORM_TYPES])
  })
})
