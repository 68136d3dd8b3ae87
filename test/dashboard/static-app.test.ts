import fs from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { webRoot } from '../../src/dashboard/static-app.js'
import { createTestApp, type TestApp } from '../support/app.js'

// `npm test` builds first (pretest), which writes the app to dist/web.
describe('the dashboard app at /dashboard', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => {
    await t.close()
  })

  it('serves the built page with a policy that allows nothing from elsewhere', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/dashboard' })

    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/html/)
    expect(response.body).toContain('<div id="root"></div>')
    expect(response.headers['content-security-policy']).toContain("default-src 'self'")
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'")
    expect(response.headers['x-frame-options']).toBe('DENY')
    // Every script and stylesheet the page names comes from this server.
    const urls = [...response.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])
    expect(urls.length).toBeGreaterThan(0)
    for (const url of urls) expect(url).toMatch(/^(\/dashboard\/|data:)/)
  })

  it('answers the app’s own page paths with the same page, so a reload works', async () => {
    for (const url of ['/dashboard/', '/dashboard/credentials', '/dashboard/books/abc']) {
      const response = await t.app.inject({ method: 'GET', url })
      expect(response.statusCode).toBe(200)
      expect(response.body).toContain('<div id="root"></div>')
    }
  })

  it('serves hashed assets as immutable, and no asset names an outside host', async () => {
    const assets = fs.readdirSync(path.join(webRoot(), 'assets'))
    expect(assets.some((name) => name.endsWith('.js'))).toBe(true)
    for (const name of assets) {
      const response = await t.app.inject({ method: 'GET', url: `/dashboard/assets/${name}` })
      expect(response.statusCode).toBe(200)
      expect(response.headers['cache-control']).toContain('immutable')
      expect(response.body).not.toMatch(/fonts\.googleapis|cdn\.jsdelivr|unpkg\.com/)
    }
  })

  it('answers a missing built file with 404, not the page a script tag would run', async () => {
    for (const url of ['/dashboard/assets/nope.js', '/dashboard/assets/old-1a2b3c.css?v=1']) {
      for (const method of ['GET', 'HEAD'] as const) {
        const response = await t.app.inject({ method, url })
        expect(response.statusCode, `${method} ${url}`).toBe(404)
        expect(response.headers['content-type']).toMatch(/^application\/json/)
        expect(response.headers['cache-control']).toBe('no-cache')
        if (method === 'GET')
          expect(response.json()).toEqual({ error: 'not_found', message: 'no such page' })
      }
    }
    const page = await t.app.inject({ method: 'GET', url: '/dashboard/books/assets/x.js' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<div id="root"></div>')
  })

  it('keeps /dashboard out of the public API description', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json()
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/dashboard'))).toEqual([])
  })
})
