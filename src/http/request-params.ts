import type { FastifyInstance, FastifyRequest } from 'fastify'

import { ApiError } from './api-errors.js'

export type Params = Record<string, unknown>

const GET_BODY_LIMIT = 64 * 1024

/**
 * Some Ocrolus clients send a GET's parameters in a JSON or form body (reference §10). Fastify
 * does not read GET bodies, so this hook does, within a small limit.
 */
export function registerGetBodies(app: FastifyInstance): void {
  // A callback hook: most requests have no GET body to read, and should not pay for a promise.
  app.addHook('preValidation', (request, _reply, done) => {
    // A POST may carry its parameters in the query string (reference §10): they join the body
    // before the body schema checks it, the body winning where both name one.
    if (request.method !== 'GET') {
      if (!isMultipart(request)) request.body = mergeQuery(request)
      return done()
    }
    if (!hasBody(request)) return done()

    readRaw(request)
      .then((raw) => {
        request.body = parseBody(request.headers['content-type'] ?? '', raw)
      })
      .then(() => done(), done)
  })
}

/** The request's parameters from the query string and the body together; the body wins. */
export function readParams(request: FastifyRequest): Params {
  const query = (request.query ?? {}) as Params
  const body = request.body
  const fromBody =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Params) : {}
  return { ...query, ...fromBody }
}

function mergeQuery(request: FastifyRequest): unknown {
  const { body } = request
  const query = (request.query ?? {}) as Params
  if (body === undefined || body === null) return { ...query }
  if (typeof body !== 'object' || Array.isArray(body)) return body
  return { ...query, ...(body as Params) }
}

function isMultipart(request: FastifyRequest): boolean {
  return /^multipart\//i.test(request.headers['content-type'] ?? '')
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length']
  return (
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
  )
}

async function readRaw(request: FastifyRequest): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request.raw) {
    size += (chunk as Buffer).length
    if (size > GET_BODY_LIMIT) throw new ApiError(1105, 'Request body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function parseBody(contentType: string, raw: string): unknown {
  if (raw.trim() === '') return undefined
  if (/^application\/x-www-form-urlencoded/i.test(contentType)) {
    return Object.fromEntries(new URLSearchParams(raw))
  }
  try {
    return JSON.parse(raw)
  } catch {
    throw new ApiError(1002)
  }
}
