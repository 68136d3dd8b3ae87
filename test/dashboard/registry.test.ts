import fs from 'node:fs'

import { describe, expect, it } from 'vitest'

import {
  DASHBOARD_ERRORS,
  RETIRED_DASHBOARD_ERROR_CODES,
} from '../../src/dashboard/dashboard-errors.js'

const docs = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')
const section = docs.slice(docs.indexOf('## Dashboard API'))

function documentedCodes(): Map<string, number> {
  const rows = [...section.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm)]
  return new Map(rows.map((m) => [m[1] as string, Number(m[2])]))
}

describe('dashboard error registry', () => {
  it('documents every dashboard error code with its status, and nothing else', () => {
    const documented = documentedCodes()
    expect([...documented.keys()].sort()).toEqual(Object.keys(DASHBOARD_ERRORS).sort())
    for (const [code, entry] of Object.entries(DASHBOARD_ERRORS)) {
      expect(documented.get(code)).toBe(entry.status)
    }
  })

  it('words every message as a sentence for a person', () => {
    for (const { message } of Object.values(DASHBOARD_ERRORS))
      expect(message).toMatch(/^[A-Z].*\.$/)
  })

  it('never reuses a retired code', () => {
    for (const code of RETIRED_DASHBOARD_ERROR_CODES)
      expect(Object.keys(DASHBOARD_ERRORS)).not.toContain(code)
  })
})
