import crypto from 'node:crypto'

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import { createTestApp, type TestApp } from '../support/app.js'
import { createCredential, getToken } from '../support/oauth.js'

describe('bearer verification cache', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => {
    vi.restoreAllMocks()
    return t.close()
  })

  it("checks a token's signature once, and still its expiry on every use", async () => {
    const token = await getToken(t.app, await createCredential(t.services))
    const verify = vi.spyOn(crypto, 'verify')

    for (let i = 0; i < 3; i++) expect((await t.services.accessTokens.verify(token)).ok).toBe(true)
    expect(verify).toHaveBeenCalledTimes(1)

    t.clock.advance(86400 + 60)
    expect(await t.services.accessTokens.verify(token)).toEqual({ ok: false, reason: 'expired' })
    expect(verify).toHaveBeenCalledTimes(1)
  })

  it('does not cache a token whose signature failed', async () => {
    const token = await getToken(t.app, await createCredential(t.services))
    const bad = `${token.slice(0, -4)}AAAA`
    const verify = vi.spyOn(crypto, 'verify')

    expect((await t.services.accessTokens.verify(bad)).ok).toBe(false)
    expect((await t.services.accessTokens.verify(bad)).ok).toBe(false)
    expect(verify).toHaveBeenCalledTimes(2)
  })
})
