import { afterEach, describe, expect, it } from 'vitest'

import { createTestApp, type TestApp } from '../support/app.js'
import { basic, createCredential } from '../support/oauth.js'

describe('health, metrics, CORS and body limits', () => {
  let t: TestApp
  afterEach(() => t.close())

  it('answers /healthz, /readyz and /metrics', async () => {
    t = await createTestApp()
    expect((await t.app.inject('/healthz')).json()).toEqual({ status: 'ok' })
    expect((await t.app.inject('/readyz')).json()).toEqual({ status: 'ready' })

    const metrics = await t.app.inject('/metrics')
    expect(metrics.statusCode).toBe(200)
    expect(metrics.body).toContain('quire_http_request_duration_seconds_bucket')
    expect(metrics.body).toContain('route="/readyz"')
  })

  it('reports not ready once storage is gone', async () => {
    t = await createTestApp()
    await t.services.storage.db.destroy()
    const response = await t.app.inject('/readyz')
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ status: 'unavailable' })
    // close() would destroy the database again; give it a fresh no-op.
    t.services.storage.db.destroy = async () => undefined
  })

  it('sends no CORS headers unless origins are configured', async () => {
    t = await createTestApp()
    const response = await t.app.inject({
      method: 'OPTIONS',
      url: '/oauth/token',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    })
    expect(response.headers['access-control-allow-origin']).toBeUndefined()
  })

  it("answers a configured origin's preflight without client authentication", async () => {
    t = await createTestApp('sqlite', { corsOrigins: ['https://app.example'] })
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/oauth/token',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        authorization: 'Basic Zm9vOmJhcg==',
      },
    })
    expect(preflight.statusCode).toBe(204)
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example')

    const stranger = await t.app.inject({
      method: 'OPTIONS',
      url: '/oauth/token',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    })
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('refuses a token request body over 64 KiB with 413 invalid_request', async () => {
    t = await createTestApp()
    const cred = await createCredential(t.services)
    const response = await t.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic(cred.clientId, cred.clientSecret),
      },
      payload: `grant_type=client_credentials&pad=${'a'.repeat(70_000)}`,
    })
    expect(response.statusCode).toBe(413)
    expect(response.json().error).toBe('invalid_request')
    expect(response.headers['cache-control']).toBe('no-store')
  })
})
