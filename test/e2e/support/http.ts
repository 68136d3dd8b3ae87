import type { Credential } from './server.js'

/** Plain fetch helpers for the wire, with no client library between the test and the server. */

export interface WireResponse {
  status: number
  headers: Headers
  body: unknown
}

export async function request(url: string, init: RequestInit = {}): Promise<WireResponse> {
  const response = await fetch(url, init)
  const text = await response.text()
  let body: unknown = text
  if ((response.headers.get('content-type') ?? '').includes('json') && text !== '') {
    body = JSON.parse(text)
  }
  return { status: response.status, headers: response.headers, body }
}

export async function getJson<T = unknown>(url: string): Promise<T> {
  const response = await request(url)
  if (response.status !== 200) {
    throw new Error(`GET ${url}: HTTP ${response.status} ${JSON.stringify(response.body)}`)
  }
  return response.body as T
}

export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`
}

/** POST /oauth/token with HTTP Basic client authentication, as RFC 6749 §4.4.2 shows it. */
export function tokenRequest(baseUrl: string, credential: Credential): Promise<WireResponse> {
  return request(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(credential.client_id, credential.client_secret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
}

export async function getToken(baseUrl: string, credential: Credential): Promise<string> {
  const response = await tokenRequest(baseUrl, credential)
  if (response.status !== 200) {
    throw new Error(`token request: HTTP ${response.status} ${JSON.stringify(response.body)}`)
  }
  return (response.body as { access_token: string }).access_token
}

export function listBooks(baseUrl: string, token: string): Promise<WireResponse> {
  return request(`${baseUrl}/v1/books`, { headers: { authorization: `Bearer ${token}` } })
}
