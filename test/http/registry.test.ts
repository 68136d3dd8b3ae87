import fs from 'node:fs'

import { describe, expect, it } from 'vitest'

import { API_ERRORS, RETIRED_API_ERROR_CODES } from '../../src/http/api-errors.js'
import { OAUTH_ERROR_CODES } from '../../src/oauth/errors.js'

const docs = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')

function documentedApiCodes(): Map<number, { status: number; message: string }> {
  const rows = [...docs.matchAll(/^\|\s*(\d{4})\s*\|\s*(\d{3})\s*\|\s*([^|]+?)\s*\|/gm)]
  return new Map(
    rows.map((m) => [Number(m[1]), { status: Number(m[2]), message: (m[3] as string).trim() }]),
  )
}

describe('error registry', () => {
  it('documents every API error code with its status and message, and nothing else', () => {
    const documented = documentedApiCodes()
    expect([...documented.keys()].sort()).toEqual(Object.keys(API_ERRORS).map(Number).sort())
    for (const [code, entry] of Object.entries(API_ERRORS)) {
      expect(documented.get(Number(code))).toEqual({ status: entry.status, message: entry.message })
    }
  })

  it('never reuses a retired code', () => {
    for (const code of RETIRED_API_ERROR_CODES)
      expect(Object.keys(API_ERRORS)).not.toContain(String(code))
  })

  it('documents every OAuth error code the server can send', () => {
    for (const code of OAUTH_ERROR_CODES) {
      expect(docs).toMatch(new RegExp(`^\\|\\s*\`${code}\`\\s*\\|`, 'm'))
    }
  })
})
