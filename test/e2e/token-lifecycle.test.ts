import { execFile } from 'node:child_process'
import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { getToken, listBooks, tokenRequest, type WireResponse } from './support/http.js'
import { startServer, type QuireServer } from './support/server.js'

const CURL = '/usr/bin/curl'

const OK_EMPTY = { status: 200, message: 'OK', response: [] }
const INVALID_TOKEN_BODY = {
  status: 401,
  code: 1202,
  message: 'Invalid access token',
  response: null,
  meta: { status: 401, msg: 'Invalid access token', code: 1202 },
}

function expectInvalidToken(response: WireResponse): void {
  expect(response.status).toBe(401)
  expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"')
  expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="quire"/)
  expect(response.body).toEqual(INVALID_TOKEN_BODY)
}

describe('token expiry (QUIRE_TOKEN_TTL=2, QUIRE_CLOCK_TOLERANCE=0)', () => {
  let server: QuireServer | undefined
  beforeAll(async () => {
    server = await startServer({ QUIRE_TOKEN_TTL: '2', QUIRE_CLOCK_TOLERANCE: '0' })
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('refuses a token once it expired, and a new token works', async () => {
    const quire = server as QuireServer
    const credential = await quire.createCredential('expiry')

    const issued = await tokenRequest(quire.baseUrl, credential)
    const issuedAt = Date.now()
    expect(issued.status).toBe(200)
    expect(issued.body).toMatchObject({ token_type: 'Bearer', expires_in: 2 })
    const token = (issued.body as { access_token: string }).access_token

    const fresh = await listBooks(quire.baseUrl, token)
    expect(fresh.status).toBe(200)
    expect(fresh.body).toEqual(OK_EMPTY)

    // exp is iat + 2 in whole seconds, so the token is dead at most 2 s after it was issued;
    // poll past that with a bound, and accept nothing but 200 (before) or 401 (after).
    let last = fresh
    while (last.status === 200 && Date.now() - issuedAt < 4000) {
      await sleep(100)
      last = await listBooks(quire.baseUrl, token)
    }
    expectInvalidToken(last)

    const renewed = await getToken(quire.baseUrl, credential)
    const again = await listBooks(quire.baseUrl, renewed)
    expect(again.status).toBe(200)
    expect(again.body).toEqual(OK_EMPTY)
  })
})

describe('revocation and curl against quire serve', () => {
  let server: QuireServer | undefined
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('refuses the tokens of a credential revoked by the CLI within one second', async () => {
    const quire = server as QuireServer
    const credential = await quire.createCredential('to revoke', '--org', 'revoked-org')
    const bystander = await quire.createCredential('bystander', '--org', 'other-org')
    const token = await getToken(quire.baseUrl, credential)
    const otherToken = await getToken(quire.baseUrl, bystander)
    expect((await listBooks(quire.baseUrl, token)).status).toBe(200)

    const revoked = await quire.cliJson<{ client_id: string; revoked_at: string | null }>(
      'credentials',
      'revoke',
      credential.client_id,
    )
    const revokedAt = Date.now()
    expect(revoked.client_id).toBe(credential.client_id)
    expect(revoked.revoked_at).not.toBeNull()

    // The README promises "issued tokens stop working within a second". Poll every 50 ms; a
    // 200 to a request sent 1000 ms or more after the CLI returned breaks the promise.
    let sentAfter: number
    let last: WireResponse
    do {
      sentAfter = Date.now() - revokedAt
      last = await listBooks(quire.baseUrl, token)
      if (last.status === 200) await sleep(50)
    } while (last.status === 200 && sentAfter < 1000)
    expect(last.status, `GET /v1/books sent ${sentAfter} ms after revoke returned`).toBe(401)
    expectInvalidToken(last)

    const refused = await tokenRequest(quire.baseUrl, credential)
    expect(refused.status).toBe(401)
    expect(refused.body).toEqual({
      error: 'invalid_client',
      error_description: 'client authentication failed',
    })
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic /)
    expect(refused.headers.get('cache-control')).toBe('no-store')

    // Only that credential: another one keeps working.
    const other = await listBooks(quire.baseUrl, otherToken)
    expect(other.status).toBe(200)
    expect(other.body).toEqual(OK_EMPTY)
  })

  it.skipIf(!fs.existsSync(CURL))('works with curl as the README shows it', async () => {
    const quire = server as QuireServer
    const credential = await quire.createCredential('curl', '--org', 'curl-org')

    const issued = await curl(
      '-u',
      `${credential.client_id}:${credential.client_secret}`,
      '-d',
      'grant_type=client_credentials',
      `${quire.baseUrl}/oauth/token`,
    )
    expect(issued.status).toBe(200)
    const token = JSON.parse(issued.body) as Record<string, unknown>
    expect(token).toMatchObject({ token_type: 'Bearer', expires_in: 86_400 })
    expect(token.access_token).toEqual(expect.any(String))

    const books = await curl(
      '-H',
      `Authorization: Bearer ${String(token.access_token)}`,
      `${quire.baseUrl}/v1/books`,
    )
    expect(books.status).toBe(200)
    expect(JSON.parse(books.body)).toEqual(OK_EMPTY)
  })
})

/** curl -s ARGS…, with the HTTP status appended on a line of its own and no proxy. */
function curl(...args: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      CURL,
      ['-sS', '--noproxy', '*', '--max-time', '10', '-w', '\n%{http_code}', ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error !== null) {
          reject(new Error(`curl failed: ${error.message} ${stderr}`))
          return
        }
        const cut = stdout.lastIndexOf('\n')
        resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) })
      },
    )
  })
}
