import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { createCredential, getToken } from '../support/oauth.js'

/** Bodies the multipart parser cannot follow: the client's to fix, never a 500. */
describeEachDialect('malformed multipart bodies', (dialect) => {
  let t: TestApp
  let token: string
  let book: { pk: number; uuid: string }

  beforeEach(async () => {
    t = await createTestApp(dialect, { orgRateLimitPerSecond: 10_000 })
    token = await getToken(t.app, await createCredential(t.services, { org: 'acme' }))
    const added = await t.app.inject({
      method: 'POST',
      url: '/v1/book/add',
      headers: { authorization: `Bearer ${token}` },
      payload: { name: 'Applicant' },
    })
    book = added.json().response
  })
  afterEach(() => t.close())

  const send = (url: string, payload: string, contentType: string) =>
    t.app.inject({
      method: 'POST',
      url,
      payload,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    })
  const cutShort = () =>
    '--XYZ\r\nContent-Disposition: form-data; name="pk"\r\n\r\n' +
    `${book.pk}\r\n--XYZ\r\nContent-Disposition: form-data; name="upload"; ` +
    'filename="a.pdf"\r\n\r\n%PDF-1.4 cut'
  const stored = () => t.services.storage.db.selectFrom('documents').selectAll().execute()

  it('answers a part cut short, a missing or a foreign boundary with 1104', async () => {
    const bodies: Array<[string, string]> = [
      [cutShort(), 'multipart/form-data; boundary=XYZ'],
      [cutShort(), 'multipart/form-data'],
      [cutShort(), 'multipart/form-data; boundary=OTHER'],
    ]
    for (const url of [
      '/v1/book/upload',
      '/v1/book/upload/mixed',
      `/v2/book/${book.uuid}/mixed-document`,
    ]) {
      for (const [body, type] of bodies) {
        const response = await send(url, body, type)
        expect(response.statusCode, `${url} ${type}`).toBe(400)
        expect(response.json(), `${url} ${type}`).toMatchObject({ status: 400, code: 1104 })
      }
    }
    expect(await stored()).toEqual([])
  })

  it('answers the JSON upload in its own error shape', async () => {
    const response = await send(
      '/v1/book/upload/json?aggregate_source=PLAID',
      cutShort(),
      'multipart/form-data; boundary=XYZ',
    )
    expect(response.statusCode).toBe(400)
    expect(response.json()).toEqual({
      status: 400,
      msg: 'The multipart body is malformed or was cut short',
    })
  })

  it('names the field limit when a body has too many fields', async () => {
    const fields = Array.from(
      { length: 70 },
      (_, i) => `--XYZ\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`,
    ).join('')
    const response = await send(
      '/v1/book/upload',
      `${fields}--XYZ--\r\n`,
      'multipart/form-data; boundary=XYZ',
    )
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({
      code: 1104,
      message: 'The request has too many parts: at most 50 form fields are allowed',
    })
  })

  it('answers a malformed legacy webhook registration with 1806', async () => {
    const response = await send(
      '/v1/account/settings/update/webhook_endpoint',
      '--XYZ\r\nContent-Disposition: form-data; name="webhook_endpoint"\r\n\r\nhttps://x',
      'multipart/form-data; boundary=XYZ',
    )
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchObject({ code: 1806 })
  })
})
