import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { COLLECTION_PATHS } from '../../src/http/postman-collection.js'
import { createTestApp, type TestApp } from '../support/app.js'
import { basic, createCredential, getToken } from '../support/oauth.js'

describe('OpenAPI, /docs and the Postman files', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('serves a valid OpenAPI 3.1 document covering every API route', async () => {
    const response = await t.app.inject('/openapi.json')
    expect(response.statusCode).toBe(200)
    const document = response.json()

    const result = await new Validator().validate(document)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    expect(document.openapi).toBe('3.1.0')
    expect(document.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl).toBe(
      'http://quire.test/oauth/token',
    )
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/oauth/token',
        '/oauth/introspect',
        '/oauth/revoke',
        '/.well-known/oauth-authorization-server',
        '/.well-known/jwks.json',
        '/v1/book/add',
        '/v1/book/info',
        '/v1/book/remove',
        '/v1/book/status',
        '/v1/book/update',
        '/v1/books',
        '/v1/book/upload',
        '/v1/book/upload/mixed',
        '/v1/book/upload/image',
        '/v1/book/upload/image/done',
        '/v1/book/upload/json',
        '/v1/document/cancel',
        '/v1/document/mixed/remove',
        '/v1/document/mixed/status',
        '/v1/document/mixed/upgrade',
        '/v1/document/remove',
        '/v1/document/upgrade',
        '/v2/book/{book_uuid}/document/{form_type}',
        '/v2/book/{book_uuid}/mixed-document',
        '/v2/document/download',
        '/v1/account/settings/webhook',
        '/v1/account/settings/webhooks',
        '/v1/account/settings/webhook/{webhook_uuid}',
        '/v1/account/settings/webhook/{webhook_uuid}/update',
        '/v1/account/settings/webhook/{webhook_uuid}/delete',
        '/v1/account/settings/webhook/{webhook_uuid}/events',
        '/v1/account/settings/webhook/{webhook_uuid}/test',
        '/v1/account/settings/webhook/{webhook_uuid}/rotate-secret',
        '/v1/account/settings/webhook/{webhook_uuid}/deliveries',
        '/v1/account/settings/update/webhook_endpoint',
        '/v1/account/settings/webhook_details',
        '/v1/account/settings/test_webhook_endpoint',
        '/v1/account/settings/webhook/rotate-secret',
      ].sort(),
    )
  })

  it('names the scope each API operation needs, and its authentication failures', async () => {
    const document = (await t.app.inject('/openapi.json')).json()
    const list = document.paths['/v1/books'].get
    expect(list.security).toEqual([{ oauth2: ['books:read'] }])
    expect(Object.keys(list.responses).sort()).toEqual(['200', '401', '403', '429'])
    expect(list.responses['403'].description).toBe('The token lacks the scope books:read (2100)')
    expect(document.paths['/v1/book/add'].post.security).toEqual([{ oauth2: ['books:write'] }])
    expect(document.paths['/oauth/token'].post.security).toEqual([])
  })

  it('documents every field the OAuth endpoints answer with', async () => {
    const document = (await t.app.inject('/openapi.json')).json()
    const documented = (path: string, method: string) =>
      Object.keys(
        document.paths[path][method].responses['200'].content['application/json'].schema.properties,
      )
    const credential = await createCredential(t.services)
    const token = await getToken(t.app, credential)
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const introspection = await t.app.inject({
      method: 'POST',
      url: '/oauth/introspect',
      headers: { ...form, authorization: basic(credential.clientId, credential.clientSecret) },
      payload: `token=${token}`,
    })
    const metadata = await t.app.inject('/.well-known/oauth-authorization-server')

    expect(introspection.json().active).toBe(true)
    expect(documented('/oauth/introspect', 'post')).toEqual(
      expect.arrayContaining(Object.keys(introspection.json())),
    )
    expect(documented('/.well-known/oauth-authorization-server', 'get')).toEqual(
      expect.arrayContaining(Object.keys(metadata.json())),
    )
    for (const path of ['/oauth/introspect', '/oauth/revoke'])
      expect(Object.keys(document.paths[path].post.responses).sort()).toEqual([
        '200',
        '400',
        '401',
        '429',
      ])
  })

  it('serves the interactive reference at /docs', async () => {
    expect((await t.app.inject('/docs')).headers.location).toBe('/docs/')
    const response = await t.app.inject('/docs/')
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/text\/html/)
    // The reference loads its script from this server, not from a CDN.
    expect(response.body).toContain('<script src="js/scalar.js"></script>')
    expect(response.body).not.toMatch(/src="https?:/)
    expect((await t.app.inject('/docs/js/scalar.js')).statusCode).toBe(200)
  })

  it('has a Postman request for every API route', () => {
    const routes = t.app
      .printRoutes({ commonPrefix: false })
      .split('\n')
      .filter((line) => line.includes('/v1/') || line.includes('/v2/'))
    expect(routes.length).toBeGreaterThan(0)

    const apiRoutes = Object.keys(
      (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths,
    )
      .filter((path) => path.startsWith('/v'))
      .flatMap((path) =>
        Object.keys(
          (t.app.swagger() as { paths: Record<string, Record<string, unknown>> }).paths[path] ?? {},
        ).map((m) => `${m.toUpperCase()} ${path}`),
      )
    for (const route of apiRoutes) expect(COLLECTION_PATHS).toContain(route)
  })

  it('puts the credentials only in the environment, never a secret value in the collection', async () => {
    const collection = (await t.app.inject('/postman/collection.json')).json()
    const environment = (await t.app.inject('/postman/environment.json?client_id=qc_abc')).json()

    expect(collection.info.schema).toBe(
      'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    )
    const auth = Object.fromEntries(
      collection.auth.oauth2.map((p: { key: string; value: string }) => [p.key, p.value]),
    )
    expect(auth).toMatchObject({
      grant_type: 'client_credentials',
      accessTokenUrl: '{{base_url}}/oauth/token',
      clientId: '{{client_id}}',
      clientSecret: '{{client_secret}}',
      client_authentication: 'header',
    })
    expect(JSON.stringify(collection)).not.toMatch(/qs_[\w-]{20,}/)

    expect(environment.values).toEqual([
      { key: 'base_url', value: 'http://quire.test', type: 'default', enabled: true },
      { key: 'client_id', value: 'qc_abc', type: 'default', enabled: true },
      { key: 'client_secret', value: '', type: 'secret', enabled: true },
    ])
  })
})
