import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

import type { Services } from '../../src/services.js'

export const ORIGIN = 'http://quire.test'
export const PASSWORD = 'correct horse battery'

export interface RequestOptions {
  /** Origin header; `null` sends none. Defaults to the app's own origin. */
  origin?: string | null
  /** X-CSRF-Token header; `null` sends none. Defaults to the token the last answer gave. */
  csrf?: string | null
  remoteAddress?: string
  /** For `send`: the method of a raw body, POST unless told. */
  method?: 'POST' | 'PATCH'
}

/**
 * A browser as the dashboard sees it: a cookie jar (with the HttpOnly cookies a real browser
 * keeps too), the CSRF token from the last session answer, and the page's Origin header.
 */
export class Browser {
  readonly cookies = new Map<string, string>()
  csrf = ''

  constructor(private readonly app: FastifyInstance) {}

  async request(
    method: 'GET' | 'HEAD' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = {}
    const origin = options.origin === undefined ? ORIGIN : options.origin
    const csrf = options.csrf === undefined ? this.csrf : options.csrf
    if (origin !== null) headers.origin = origin
    if (csrf !== null && method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrf
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
    }

    const raw = body as { raw?: Buffer; contentType?: string } | undefined
    if (raw?.raw !== undefined) headers['content-type'] = raw.contentType as string
    const response = await this.app.inject({
      method,
      url,
      headers,
      ...(body !== undefined && {
        payload: raw?.raw ?? (body as Record<string, unknown>),
      }),
      ...(options.remoteAddress !== undefined && { remoteAddress: options.remoteAddress }),
    })
    this.keepCookies(response)
    const answer = safeJson(response)
    if (typeof answer?.csrf_token === 'string') this.csrf = answer.csrf_token
    return response
  }

  /** A raw body with its own content type (a multipart upload). */
  async send(url: string, payload: Buffer, contentType: string, options: RequestOptions = {}) {
    return this.request(options.method ?? 'POST', url, { raw: payload, contentType }, options)
  }

  get(url: string, options?: RequestOptions) {
    return this.request('GET', url, undefined, options)
  }

  post(url: string, body: unknown = {}, options?: RequestOptions) {
    return this.request('POST', url, body, options)
  }

  /** Loads the session, as the app does on start, which hands out the CSRF token. */
  async open(): Promise<Record<string, unknown>> {
    return (await this.get('/dashboard/api/session')).json()
  }

  async signIn(email: string, password = PASSWORD, options?: RequestOptions) {
    await this.open()
    return this.post('/dashboard/api/sign-in', { email, password }, options)
  }

  private keepCookies(response: LightMyRequestResponse): void {
    for (const cookie of response.cookies as { name: string; value: string; expires?: Date }[]) {
      // Cleared cookies expire in 1970; others' expiry follows the test clock, not this one.
      const expired = cookie.expires !== undefined && cookie.expires.getTime() <= 0
      if (expired || cookie.value === '') this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
  }
}

function safeJson(response: LightMyRequestResponse): Record<string, unknown> | undefined {
  try {
    return response.json()
  } catch {
    return undefined
  }
}

/** The owner created through the setup link, signed in in a fresh browser. */
export async function setUpOwner(
  app: FastifyInstance,
  services: Services,
  input: { email?: string; organization?: string } = {},
): Promise<Browser> {
  const token = await services.accounts.issueSetupToken()
  const browser = new Browser(app)
  await browser.open()
  const response = await browser.post('/dashboard/api/setup', {
    token,
    email: input.email ?? 'owner@example.com',
    name: 'Olive Owner',
    password: PASSWORD,
    organization: input.organization ?? 'Acme Lending',
  })
  if (response.statusCode !== 201) throw new Error(`setup failed: ${response.body}`)
  return browser
}

/** A person of the named organization (created if new), added through the service and signed in. */
export async function signedInMember(
  app: FastifyInstance,
  services: Services,
  orgName: string,
  email: string,
  role: 'owner' | 'member' | 'read_only' = 'owner',
): Promise<{ browser: Browser; orgId: string; userId: string }> {
  const org = await services.organizations.ensure(orgName)
  const member = await services.members.add(org.id, {
    email,
    name: 'Other Person',
    role,
    password: PASSWORD,
  })
  const browser = new Browser(app)
  const response = await browser.signIn(email)
  if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`)
  return { browser, orgId: org.id, userId: member.user_id }
}
