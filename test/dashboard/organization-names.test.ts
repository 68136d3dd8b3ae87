import { afterEach, beforeEach, expect, it } from 'vitest'

import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { Browser, PASSWORD } from './browser.js'

const REFUSED = `"organization" must be 1 to 100 letters, digits, spaces or . , & ' ’ ( ) @ _ - /`

describeEachDialect('dashboard organization names', (dialect) => {
  let t: TestApp

  beforeEach(async () => {
    t = await createTestApp(dialect)
  })
  afterEach(async () => {
    await t.close()
  })

  async function setUp(organization: unknown) {
    const browser = new Browser(t.app)
    await browser.open()
    const response = await browser.post('/dashboard/api/setup', {
      token: await t.services.accounts.issueSetupToken(),
      email: 'owner@example.com',
      name: 'Olive Owner',
      password: PASSWORD,
      organization,
    })
    return { browser, response }
  }

  it('takes a company name with punctuation, trimmed, and keeps downloads named as before', async () => {
    const { browser, response } = await setUp('  Smith & Sons, Inc. (O’Brien’s/Lending) @HQ_1-2 ')

    expect(response.statusCode).toBe(201)
    expect(response.json().organization.name).toBe('Smith & Sons, Inc. (O’Brien’s/Lending) @HQ_1-2')
    const { credential } = (
      await browser.post('/dashboard/api/credentials', { name: 'postman' })
    ).json()
    const query = `client_id=${credential.client_id}`
    const environment = await browser.get(`/dashboard/api/postman/environment.json?${query}`)
    expect(environment.statusCode).toBe(200)
    expect(environment.headers['content-disposition']).toBe(
      'attachment; filename="quire.postman_environment.json"',
    )
    const bundle = await browser.get(`/dashboard/api/postman/bundle.zip?${query}`)
    expect(bundle.headers['content-disposition']).toBe('attachment; filename="quire-postman.zip"')
  })

  it('takes letters of any script, stored in one normal form', async () => {
    // "Crédit" with a decomposed é, as some keyboards send it: e and a combining acute accent.
    const { response } = await setUp('Cre\u0301dit Agricole 農業 2')

    expect(response.statusCode).toBe(201)
    expect(response.json().organization.name).toBe('Cr\u00e9dit Agricole 農業 2')
    const found = await t.services.organizations.find('Cr\u00e9dit Agricole 農業 2')
    expect(found?.id).toBe(response.json().organization.id)
  })

  it('refuses control and invisible characters, other punctuation, non-strings and over 100 characters', async () => {
    const refused = [
      'Acme\u0007Bank',
      'Acme\nBank',
      'Acme\u202eknaB',
      'Acme\u200bBank',
      '<b>Acme</b>',
      'Acme; DROP',
      'x'.repeat(101),
      123,
      ['Acme'],
    ]
    for (const organization of refused) {
      const { response } = await setUp(organization)
      expect(response.statusCode, String(organization)).toBe(400)
      expect(response.json()).toEqual({ error: 'invalid_input', message: REFUSED })
    }
    expect(await t.services.storage.db.selectFrom('organizations').selectAll().execute()).toEqual(
      [],
    )

    // Counted in characters, not UTF-16 units: 100 letters outside the BMP are fine.
    const { response } = await setUp('𝐀'.repeat(100))
    expect(response.statusCode).toBe(201)
  })
})
