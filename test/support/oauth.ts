import type { FastifyInstance } from 'fastify'

import type { Services } from '../../src/services.js'

export interface TestCredential {
  clientId: string
  clientSecret: string
  orgId: string
}

export async function createCredential(
  services: Services,
  options: { org?: string; scope?: string; name?: string } = {},
): Promise<TestCredential> {
  const issued = await services.credentials.create({ name: options.name ?? 'test', ...options })
  return {
    clientId: issued.credential.client_id,
    clientSecret: issued.client_secret,
    orgId: issued.credential.org_id,
  }
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
}

/** RFC 6749 §2.3.1 encoding as strict clients do it: every reserved character escaped. */
export function strictBasic(id: string, secret: string): string {
  const encode = (value: string) =>
    encodeURIComponent(value).replace(
      /[-_.!~*'()]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    )
  return basic(encode(id), encode(secret))
}

export async function getToken(
  app: FastifyInstance,
  credential: TestCredential,
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      authorization: basic(credential.clientId, credential.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: new URLSearchParams({ grant_type: 'client_credentials', ...extra }).toString(),
  })
  if (response.statusCode !== 200) throw new Error(`token request failed: ${response.body}`)
  return response.json().access_token as string
}
