import type { FastifyInstance, FastifyRequest } from 'fastify'

import { ApiError, type ApiErrorCode } from './api-errors.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The code a malformed body gets on this route, when not 1003 (webhooks answer 1806). */
    bodyErrorCode?: ApiErrorCode
  }
}

const MAX_DEPTH = 32
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * What the bearer API refuses before any route sees it: JSON that is not valid UTF-8 (RFC 8259
 * §8.1 requires it; a lenient decoder would store U+FFFD in its place), and NUL characters
 * anywhere in the query or body, which PostgreSQL text cannot hold and no Ocrolus field needs.
 */
export function registerInputGuards(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, raw, done) => {
    let text: string
    try {
      text = strictUtf8.decode(raw as Buffer)
    } catch {
      done(new ApiError(1002, 'Could not decode JSON string: it is not valid UTF-8'), undefined)
      return
    }
    parseJson(request, text, done)
  })

  // A callback hook: the check never waits, and an async hook costs a promise per request.
  app.addHook('preValidation', (request, _reply, done) => {
    refuseNul(request)
    done()
  })
}

function refuseNul(request: FastifyRequest): void {
  for (const [where, value] of [
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const field = nulField(value, '', 0)
    if (field === undefined) continue

    const code = where === 'body' ? (request.routeOptions.config.bodyErrorCode ?? 1003) : 1003
    throw new ApiError(code, `"${field || where}" must not contain a NUL character`)
  }
}

/** The path of the first key or string holding U+0000, or undefined when there is none. */
export function nulField(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path : undefined
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return undefined
  if (Buffer.isBuffer(value)) return undefined

  for (const [key, inner] of Object.entries(value)) {
    const at = path === '' ? key : `${path}.${key}`
    if (key.includes('\0')) return path === '' ? 'key' : path
    const found = nulField(inner, at, depth + 1)
    if (found !== undefined) return found
  }
  return undefined
}
