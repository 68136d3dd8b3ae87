import { describe, expect, it } from 'vitest'

import { newTokenId } from '../../src/oauth/token-ids.js'

describe('token ids', () => {
  it('are 128-bit base64url values, never repeated across pool refills', () => {
    const ids = Array.from({ length: 2000 }, () => newTokenId())

    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
