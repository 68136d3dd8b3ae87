import zlib from 'node:zlib'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { SCOPES } from '../../src/oauth/scopes.js'
import { createTestApp, describeEachDialect, type TestApp } from '../support/app.js'
import { basic } from '../support/oauth.js'
import { setUpOwner, signedInMember } from './browser.js'

/** Reads the entries of a stored (uncompressed) ZIP by its local headers, checking each CRC. */
function unzipStored(zip: Buffer): Map<string, string> {
  const files = new Map<string, string>()
  let at = 0
  while (zip.readUInt32LE(at) === 0x04034b50) {
    expect(zip.readUInt16LE(at + 8)).toBe(0)
    const crc = zip.readUInt32LE(at + 14)
    const size = zip.readUInt32LE(at + 18)
    const nameLength = zip.readUInt16LE(at + 26)
    const extra = zip.readUInt16LE(at + 28)
    const name = zip.subarray(at + 30, at + 30 + nameLength).toString('utf8')
    const data = zip.subarray(at + 30 + nameLength + extra, at + 30 + nameLength + extra + size)
    expect(zlib.crc32(data)).toBe(crc)
    files.set(name, data.toString('utf8'))
    at += 30 + nameLength + extra + size
  }
  expect(zip.readUInt32LE(zip.length - 22)).toBe(0x06054b50)
  return files
}

describeEachDialect('dashboard credentials and Postman', (dialect) => {
  let t: TestApp

  beforeEach(async () => {
    t = await createTestApp(dialect)
  })
  afterEach(async () => {
    await t.close()
  })

  async function tokenStatus(clientId: string, secret: string): Promise<number> {
    const response = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        authorization: basic(clientId, secret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'grant_type=client_credentials',
    })
    return response.statusCode
  }

  it('creates a credential in the organization and shows its secret once', async () => {
    const owner = await setUpOwner(t.app, t.services)

    const created = await owner.post('/dashboard/api/credentials', {
      name: 'Loan origination',
      scope: 'books:read books:write',
    })

    expect(created.statusCode).toBe(201)
    expect(created.headers['cache-control']).toBe('no-store')
    const { credential, client_secret } = created.json()
    const org = await t.services.organizations.find('Acme Lending')
    expect(credential).toMatchObject({
      name: 'Loan origination',
      scope: 'books:read books:write',
      org_id: org?.id,
      revoked_at: null,
    })
    expect(await tokenStatus(credential.client_id, client_secret)).toBe(200)

    const listed = (await owner.get('/dashboard/api/credentials')).json()
    expect(listed.credentials).toHaveLength(1)
    expect(listed.credentials[0].client_id).toBe(credential.client_id)
    expect(JSON.stringify(listed)).not.toContain(client_secret)
    expect(listed.scopes).toContain('webhooks:manage')
  })

  it('applies the CLI’s rules: names, scopes and expiry are checked the same way', async () => {
    const owner = await setUpOwner(t.app, t.services)

    const noName = await owner.post('/dashboard/api/credentials', { name: ' ' })
    expect(noName.statusCode).toBe(400)
    expect(noName.json()).toEqual({
      error: 'invalid_input',
      message: '"name" must be 1 to 100 characters',
    })
    const badScope = await owner.post('/dashboard/api/credentials', {
      name: 'x',
      scope: 'books:read everything',
    })
    expect(badScope.json().message).toMatch(/^"scope" must be a space-separated subset of:/)
    const past = await owner.post('/dashboard/api/credentials', {
      name: 'x',
      expires_at: '2020-01-01T00:00:00Z',
    })
    expect(past.json().message).toBe('"expires_at" must be in the future')
    expect(await t.services.credentials.list()).toEqual([])
  })

  it('rotates (both secrets work until the old is retired) and revokes', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const { credential, client_secret: first } = (
      await owner.post('/dashboard/api/credentials', { name: 'ci' })
    ).json()
    const id = credential.client_id

    const rotated = await owner.post(`/dashboard/api/credentials/${id}/rotate`)
    expect(rotated.statusCode).toBe(200)
    const second = rotated.json().client_secret
    expect(second).not.toBe(first)
    expect(await tokenStatus(id, first)).toBe(200)
    expect(await tokenStatus(id, second)).toBe(200)

    const retired = await owner.post(`/dashboard/api/credentials/${id}/retire-secrets`)
    expect(retired.json().secrets).toHaveLength(1)
    expect(await tokenStatus(id, first)).toBe(401)
    expect(await tokenStatus(id, second)).toBe(200)

    const revoked = await owner.post(`/dashboard/api/credentials/${id}/revoke`)
    expect(revoked.statusCode).toBe(200)
    expect(revoked.json().revoked_at).not.toBeNull()
    expect(await tokenStatus(id, second)).toBe(401)
    const again = await owner.post(`/dashboard/api/credentials/${id}/rotate`)
    expect(again.statusCode).toBe(400)
    expect(again.json().message).toBe('credential is revoked')
  })

  it('never lists, rotates, revokes or exports another organization’s credential', async () => {
    const acme = await setUpOwner(t.app, t.services)
    const { credential, client_secret } = (
      await acme.post('/dashboard/api/credentials', { name: 'acme' })
    ).json()
    const rival = await signedInMember(t.app, t.services, 'Rival Bank', 'boss@rival.example')
    const id = credential.client_id

    expect((await rival.browser.get('/dashboard/api/credentials')).json().credentials).toEqual([])
    for (const action of ['rotate', 'retire-secrets', 'revoke']) {
      const response = await rival.browser.post(`/dashboard/api/credentials/${id}/${action}`)
      expect(response.statusCode).toBe(404)
      expect(response.json().error).toBe('not_found')
    }
    const environment = await rival.browser.get(
      `/dashboard/api/postman/environment.json?client_id=${id}`,
    )
    expect(environment.statusCode).toBe(404)

    const stored = await t.services.credentials.get(id)
    expect(stored.revoked_at).toBeNull()
    expect(stored.secrets).toHaveLength(1)
    expect(await tokenStatus(id, client_secret)).toBe(200)
  })

  it('lets read-only members see credentials but not create or revoke them', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const { credential } = (await owner.post('/dashboard/api/credentials', { name: 'a' })).json()
    const reader = await signedInMember(
      t.app,
      t.services,
      'Acme Lending',
      'reader@example.com',
      'read_only',
    )

    expect(
      (await reader.browser.get('/dashboard/api/credentials')).json().credentials,
    ).toHaveLength(1)
    const create = await reader.browser.post('/dashboard/api/credentials', { name: 'b' })
    expect(create.statusCode).toBe(403)
    const revoke = await reader.browser.post(
      `/dashboard/api/credentials/${credential.client_id}/revoke`,
    )
    expect(revoke.statusCode).toBe(403)
    expect((await t.services.credentials.get(credential.client_id)).revoked_at).toBeNull()
  })

  it('refuses a name, scope or expiry of the wrong JSON type instead of reading it as absent', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const create = (body: Record<string, unknown>) =>
      owner.post('/dashboard/api/credentials', { name: 'x', ...body })
    const scopeRule = /^"scope" must be a space-separated subset of: books:read /

    for (const scope of [123, ['books:read'], null, true, { books: 'read' }]) {
      const response = await create({ scope })
      expect(response.statusCode, JSON.stringify(scope)).toBe(400)
      expect(response.json().error).toBe('invalid_input')
      expect(response.json().message).toMatch(scopeRule)
    }
    for (const name of [123, ['laptop'], null, { name: 'laptop' }]) {
      const response = await create({ name })
      expect(response.statusCode, JSON.stringify(name)).toBe(400)
      expect(response.json()).toEqual({
        error: 'invalid_input',
        message: '"name" must be 1 to 100 characters',
      })
    }
    for (const expires_at of [4102444800, 4102444800000, ['2100-01-01T00:00:00Z'], null, true]) {
      const response = await create({ expires_at })
      expect(response.statusCode, JSON.stringify(expires_at)).toBe(400)
      expect(response.json()).toEqual({
        error: 'invalid_input',
        message: '"expires_at" must be an ISO-8601 time',
      })
    }
    expect(await t.services.credentials.list()).toEqual([])

    // Absent, or empty as the app's form sends them: every scope, no expiry.
    const plain = await create({ scope: '', expires_at: '' })
    expect(plain.statusCode).toBe(201)
    expect(plain.json().credential).toMatchObject({ expires_at: null })
    expect(plain.json().credential.scope.split(' ').sort()).toEqual([...SCOPES].sort())
  })

  it('gives the Postman settings, the collection and an environment without the secret', async () => {
    const owner = await setUpOwner(t.app, t.services)
    const { credential, client_secret } = (
      await owner.post('/dashboard/api/credentials', { name: 'postman' })
    ).json()

    const info = (await owner.get('/dashboard/api/postman')).json()
    expect(info).toMatchObject({
      base_url: 'http://quire.test',
      token_url: 'http://quire.test/oauth/token',
      books_url: 'http://quire.test/v1/books',
    })
    expect(info.settings).toContainEqual({ field: 'Grant type', value: 'Client Credentials' })

    const collection = await owner.get('/dashboard/api/postman/collection.json')
    expect(collection.statusCode).toBe(200)
    expect(collection.headers['content-disposition']).toMatch(/attachment/)
    expect(collection.body).not.toContain(credential.client_id)

    const environment = await owner.get(
      `/dashboard/api/postman/environment.json?client_id=${credential.client_id}`,
    )
    expect(environment.statusCode).toBe(200)
    const values = Object.fromEntries(
      environment.json().values.map((v: { key: string; value: string }) => [v.key, v.value]),
    )
    expect(values).toEqual({
      base_url: 'http://quire.test',
      client_id: credential.client_id,
      client_secret: '',
    })
    expect(environment.body).not.toContain(client_secret)

    const bundle = await owner.get(
      `/dashboard/api/postman/bundle.zip?client_id=${credential.client_id}`,
    )
    expect(bundle.statusCode).toBe(200)
    expect(bundle.headers['content-type']).toBe('application/zip')
    const files = unzipStored(bundle.rawPayload)
    expect([...files.keys()]).toEqual([
      'quire.postman_collection.json',
      'quire.postman_environment.json',
    ])
    expect(JSON.parse(files.get('quire.postman_collection.json') as string)).toEqual(
      collection.json(),
    )
    expect(JSON.parse(files.get('quire.postman_environment.json') as string)).toEqual(
      environment.json(),
    )
  })
})
