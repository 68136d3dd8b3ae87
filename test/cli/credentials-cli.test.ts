import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createSchema, dropSchema, PG_URL, schemaUrl } from '../support/app.js'

const run = promisify(execFile)
const MAIN = path.resolve('dist/src/main.js')

describe('quire credentials (CLI)', () => {
  let dataDir: string
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-cli-'))
  })
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }))

  async function quire(...args: string[]) {
    return quireWith({}, ...args)
  }
  async function quireWith(extra: Record<string, string>, ...args: string[]) {
    const env = { ...process.env, QUIRE_DATA_DIR: dataDir, DATABASE_URL: '', ...extra }
    try {
      const { stdout, stderr } = await run('node', [MAIN, ...args], { env })
      return { code: 0, stdout, stderr }
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string }
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr }
    }
  }
  const json = async (...args: string[]) => JSON.parse((await quire(...args, '--json')).stdout)

  it.runIf(PG_URL !== undefined)(
    'keeps --json output pure JSON when start-up warns (PostgreSQL without QUIRE_SECRET_KEY)',
    async () => {
      const schema = await createSchema()
      try {
        const env = { DATABASE_URL: schemaUrl(schema), QUIRE_SECRET_KEY: '' }
        const listed = await quireWith(env, 'credentials', 'list', '--json')
        expect(listed.code).toBe(0)
        expect(JSON.parse(listed.stdout)).toEqual([])
        expect(listed.stderr).toContain('QUIRE_SECRET_KEY')
      } finally {
        await dropSchema(schema)
      }
    },
  )

  it('creates a credential and shows its secret once, as one JSON object', async () => {
    const created = await json(
      'credentials',
      'create',
      '--name',
      'laptop',
      '--org',
      'acme',
      '--scope',
      'books:read',
    )

    expect(created.client_id).toMatch(/^qc_[A-Za-z0-9_-]{22}$/)
    expect(created.client_secret).toMatch(/^qs_[A-Za-z0-9_-]{43}$/)
    expect(created).toMatchObject({ name: 'laptop', scope: 'books:read', revoked_at: null })
    expect(created.secrets).toHaveLength(1)

    const listed = await json('credentials', 'list')
    expect(listed).toHaveLength(1)
    expect(listed[0].client_id).toBe(created.client_id)
    const text = JSON.stringify(listed)
    expect(text).not.toContain(created.client_secret)
    expect(text).not.toContain('secret_hash')

    const plain = await quire('credentials', 'create', '--name', 'second')
    expect(plain.stdout).toMatch(/client_secret: qs_/)
    expect(plain.stdout).toContain('shown only now')
  })

  it('puts a credential into the only organization when --org is not given', async () => {
    const first = await json('credentials', 'create', '--name', 'a', '--org', 'Crédit Agricole')

    const second = await json('credentials', 'create', '--name', 'b')

    expect(second.org_id).toBe(first.org_id)
    expect(await json('credentials', 'list', '--org', 'Crédit Agricole')).toHaveLength(2)
  })

  it('creates the default organization when there is none yet', async () => {
    const created = await json('credentials', 'create', '--name', 'a')
    const listed = await json('credentials', 'list', '--org', 'default')
    expect(listed.map((c: { client_id: string }) => c.client_id)).toEqual([created.client_id])
  })

  it('asks for --org when there are several organizations, and lists them all without it', async () => {
    await json('credentials', 'create', '--name', 'a', '--org', 'Smith & Sons, Inc.')
    await json('credentials', 'create', '--name', 'b', '--org', 'Crédit Agricole')

    const refused = await quire('credentials', 'create', '--name', 'c')

    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      'quire: there are several organizations ("Smith & Sons, Inc.", "Crédit Agricole"): ' +
        'choose one with --org\n',
    )
    expect(await json('credentials', 'list')).toHaveLength(2)
  })

  it('refuses an organization name with control characters or other punctuation', async () => {
    for (const org of ['Acme\u0007Bank', 'Acme <Bank>', ' ']) {
      const result = await quire('credentials', 'create', '--name', 'x', '--org', org)
      expect(result.code, org).toBe(1)
      expect(result.stderr, org).toBe(
        `quire: "org" must be 1 to 100 letters, digits, spaces or . , & ' ’ ( ) @ _ - /\n`,
      )
    }
    expect(await json('credentials', 'list')).toEqual([])
  })

  it('rotates to two active secrets, retires the old one, and revokes', async () => {
    const created = await json('credentials', 'create', '--name', 'svc')
    const rotated = await json('credentials', 'rotate', created.client_id)
    expect(rotated.client_secret).not.toBe(created.client_secret)
    expect(rotated.secrets.map((s: { generation: number }) => s.generation)).toEqual([1, 2])

    const again = await json('credentials', 'rotate', created.client_id)
    expect(again.secrets.map((s: { generation: number }) => s.generation)).toEqual([2, 3])

    const retired = await json('credentials', 'retire-secrets', created.client_id)
    expect(retired.secrets.map((s: { generation: number }) => s.generation)).toEqual([3])

    const revoked = await json('credentials', 'revoke', created.client_id)
    expect(revoked.revoked_at).not.toBeNull()
    expect(revoked.secrets).toEqual([])

    const refused = await quire('credentials', 'rotate', created.client_id)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe('quire: credential is revoked\n')
  })

  it('fails with a clear message and exit code 1 on bad input', async () => {
    const unknown = await quire('credentials', 'revoke', 'qc_nope')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe('quire: credential not found\n')

    const scope = await quire('credentials', 'create', '--name', 'x', '--scope', 'admin')
    expect(scope.code).toBe(1)
    expect(scope.stderr).toContain('"scope" must be a space-separated subset of')

    const missing = await quire('credentials', 'create')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("required option '--name <name>' not specified")

    const expiry = await quire('credentials', 'create', '--name', 'x', '--expires-at', 'soon')
    expect(expiry.stderr).toBe('quire: "expires_at" must be an ISO-8601 time\n')
  })

  it('rotates signing keys and lists them', async () => {
    await quire('credentials', 'list')
    const rotated = await json('keys', 'rotate', '--activate-in', '120')
    const keys = await json('keys', 'list')
    expect(keys).toHaveLength(2)
    expect(keys[1].kid).toBe(rotated.kid)
    expect(keys[0].retires_at).toBe(rotated.activates_at)
  })

  it('refuses an activation delay too short for every process to publish the key, or absurd', async () => {
    for (const delay of ['5', '0', '-1', '1e20', '99999999999999', 'soon']) {
      const result = await quire('keys', 'rotate', '--activate-in', delay)
      expect(result.code, delay).toBe(1)
      expect(result.stderr, delay).toBe(
        'quire: --activate-in must be a whole number of seconds from 60 to 2592000: ' +
          'every process must publish the key before it signs\n',
      )
    }
    expect(await json('keys', 'list')).toHaveLength(1)
  })

  it('exports the Postman collection and environment', async () => {
    const out = path.join(dataDir, 'postman')
    const result = await quire('postman', 'export', '--out', out, '--client-id', 'qc_abc')
    expect(result.code).toBe(0)

    const collection = JSON.parse(
      fs.readFileSync(path.join(out, 'quire.postman_collection.json'), 'utf8'),
    )
    const environment = JSON.parse(
      fs.readFileSync(path.join(out, 'quire.postman_environment.json'), 'utf8'),
    )
    expect(collection.info.name).toBe('Quire API')
    expect(environment.values[1]).toMatchObject({ key: 'client_id', value: 'qc_abc' })
  })
})
