import type { FastifyRequest } from 'fastify'

import { InvalidClient, InvalidRequest } from './errors.js'
import type { OAuthParams } from './token-request.js'

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number]

export interface PresentedCredentials {
  clientId: string
  clientSecret: string
  method: ClientAuthMethod
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Finds the client's credentials: an HTTP Basic header or `client_id`/`client_secret` in the
 * body, either one for any client. Both at once is ambiguous and refused (RFC 6749 §2.3:
 * "The client MUST NOT use more than one authentication method in each request").
 */
export function readClientCredentials(
  request: FastifyRequest,
  params: OAuthParams,
): PresentedCredentials {
  const header = request.headers.authorization
  const bodyId = params.get('client_id')
  const bodySecret = params.get('client_secret')

  if (header === undefined) {
    if (bodyId === undefined) throw new InvalidClient('no client credentials')
    if (bodySecret === undefined) throw new InvalidClient('no client_secret for client')
    return { clientId: bodyId, clientSecret: bodySecret, method: 'client_secret_post' }
  }

  const basic = parseBasic(header)
  if (bodySecret !== undefined) {
    throw new InvalidRequest('use either the Authorization header or "client_secret", not both')
  }
  if (bodyId !== undefined && bodyId !== basic.clientId) {
    throw new InvalidRequest('"client_id" differs from the client of the Authorization header')
  }
  return basic
}

/**
 * RFC 6749 §2.3.1: the id and secret are form-encoded (Appendix B) before Basic encoding. Strict
 * clients encode, Postman does not; issued values hold no `%` or `+`, so both decode alike.
 */
export function parseBasic(header: string): PresentedCredentials {
  const match = /^basic[ ]+([^ ]*)[ ]*$/i.exec(header)
  if (match === null) throw new InvalidRequest('the Authorization header must use the Basic scheme')

  const encoded = match[1] ?? ''
  if (encoded.length % 4 !== 0 || !BASE64.test(encoded)) {
    throw new InvalidRequest('the Basic credentials are not valid base64')
  }

  let decoded: string
  try {
    decoded = utf8.decode(Buffer.from(encoded, 'base64'))
  } catch {
    throw new InvalidRequest('the Basic credentials are not valid UTF-8')
  }

  // Split at the first colon only: the secret may hold colons, the id may not (RFC 7617 §2).
  const colon = decoded.indexOf(':')
  if (colon < 0) throw new InvalidRequest('the Basic credentials must be "client_id:client_secret"')

  const clientId = formDecode(decoded.slice(0, colon))
  const clientSecret = formDecode(decoded.slice(colon + 1))
  if (clientId === '' || clientSecret === '') throw new InvalidClient('empty Basic credentials')
  return { clientId, clientSecret, method: 'client_secret_basic' }
}

/** application/x-www-form-urlencoded decoding of one value (RFC 6749 Appendix B). */
function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '))
  } catch {
    throw new InvalidRequest('the Basic credentials hold a malformed percent-encoding')
  }
}
