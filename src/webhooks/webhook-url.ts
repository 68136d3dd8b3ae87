import { ApiError } from '../http/api-errors.js'
import { URL_MAX } from './webhook-values.js'

/**
 * Checks a webhook URL's shape: absolute, http or https, with a host. Credentials may be
 * embedded (reference §8.4), but then both a user name and a password.
 */
export function parseWebhookUrl(raw: string, field: string): URL {
  if (raw.length > URL_MAX) throw invalidInput(`"${field}" must be at most ${URL_MAX} characters`)

  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw invalidInput(`"${field}" must be an absolute http or https URL`)
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalidInput(`"${field}" must be an http or https URL`)
  if (url.hostname === '') throw invalidInput(`"${field}" must name a host`)
  if ((url.username === '') !== (url.password === ''))
    throw invalidInput(`"${field}" must carry both a user name and a password, or neither`)
  return url
}

/** The host to resolve: an IPv6 literal loses its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1')
}

/**
 * fetch refuses URLs with credentials, so embedded ones become a Basic Authorization header
 * (RFC 9110 §4.2.4: a sender must not put user-info in a request's target URI).
 */
export function splitCredentials(url: URL): { target: string; authorization?: string } {
  if (url.username === '') return { target: url.href }

  const user = decodeURIComponent(url.username)
  const password = decodeURIComponent(url.password)
  const bare = new URL(url.href)
  bare.username = ''
  bare.password = ''
  return {
    target: bare.href,
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
  }
}

export function invalidInput(message: string): ApiError {
  return new ApiError(1806, message)
}
