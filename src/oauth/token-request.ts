import type { FastifyRequest } from 'fastify'

import { InvalidRequest } from './errors.js'

export type OAuthParams = ReadonlyMap<string, string>

/**
 * Reads the parameters of a token, introspection or revocation request. RFC 6749 §3.2 asks for
 * a form body; JSON is accepted too because Ocrolus documents it and its clients send it.
 */
export function readOAuthParams(request: FastifyRequest): OAuthParams {
  const body = request.body
  if (body === undefined || body === null) return new Map()
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidRequest('the request body must be a form or a JSON object')
  }

  const params = new Map<string, string>()
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    const text = paramValue(name, value)
    // RFC 6749 §3.1: "Parameters sent without a value MUST be treated as if they were omitted".
    if (text !== '') params.set(name, text)
  }
  return params
}

function paramValue(name: string, value: unknown): string {
  // RFC 6749 §3.1: "Request and response parameters MUST NOT be included more than once."
  if (Array.isArray(value)) throw new InvalidRequest(`"${name}" must not be repeated`)
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (value === null) return ''
  throw new InvalidRequest(`"${name}" must be a string`)
}
