import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'

import { loggerOptions } from '../../src/log.js'

function capture() {
  const lines: string[] = []
  const app = Fastify({ logger: loggerOptions('info', { write: (line) => void lines.push(line) }) })
  return { app, lines, parsed: () => lines.map((line) => JSON.parse(line)) }
}

describe('log redaction', () => {
  it('censors secret keys at the top of a line and one level below, keeping the rest', () => {
    const { app, parsed } = capture()
    app.log.info(
      {
        token: 'top-token',
        body: { client_id: 'qc_1', client_secret: 'qs_secret', grant_type: 'client_credentials' },
        headers: { Authorization: 'Bearer abc', Cookie: 'sid=1', accept: 'application/json' },
        reply: { access_token: 'eyJ.x.y', token_type: 'Bearer' },
        user: { password: 'hunter2', secret_key: 'k' },
      },
      'something happened',
    )

    expect(parsed()[0]).toMatchObject({
      token: '[redacted]',
      body: { client_id: 'qc_1', client_secret: '[redacted]', grant_type: 'client_credentials' },
      headers: { Authorization: '[redacted]', Cookie: '[redacted]', accept: 'application/json' },
      reply: { access_token: '[redacted]', token_type: 'Bearer' },
      user: { password: '[redacted]', secret_key: '[redacted]' },
      msg: 'something happened',
    })
  })

  it('leaves the logged objects themselves untouched', () => {
    const { app } = capture()
    const body = { client_secret: 'qs_secret' }
    app.log.info({ body }, 'm')
    expect(body.client_secret).toBe('qs_secret')
  })

  it('censors child bindings and properties of logged errors', () => {
    const { app, lines } = capture()
    const error = Object.assign(new Error('boom'), { password: 'hunter2', code: 'E_X' })
    app.log.child({ session: { token: 'bound-token' } }).error({ err: error }, 'failed')

    const all = lines.join('')
    expect(all).not.toContain('hunter2')
    expect(all).not.toContain('bound-token')
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      session: { token: '[redacted]' },
      err: { message: 'boom', code: 'E_X', password: '[redacted]' },
    })
  })

  it('logs requests by method, url and address, never their headers', async () => {
    const { app, lines } = capture()
    app.get('/x', async () => ({ ok: true }))
    await app.inject({
      url: '/x?a=1',
      headers: { authorization: 'Bearer secret-token', cookie: 'sid=secret-cookie' },
    })

    const all = lines.join('')
    expect(all).not.toContain('secret-token')
    expect(all).not.toContain('secret-cookie')
    const incoming = JSON.parse(lines[0] as string)
    expect(incoming.req).toEqual({
      method: 'GET',
      url: '/x?a=1',
      host: 'localhost:80',
      remoteAddress: '127.0.0.1',
    })
  })
})

describe('request lines', () => {
  it('censor secret query parameters, whatever their case or encoding', async () => {
    const { app, parsed } = capture()
    app.get('/x', async () => ({}))
    await app.inject(
      '/x?grant_type=client_credentials&client_secret=qs_abc&Access_Token=eyJ.a.b&%74oken=t&pk=7',
    )

    const urls = parsed()
      .map((line) => line.req?.url)
      .filter(Boolean)
    expect(urls).toEqual([
      '/x?grant_type=client_credentials&client_secret=[redacted]&Access_Token=[redacted]&%74oken=[redacted]&pk=7',
    ])
  })
})
