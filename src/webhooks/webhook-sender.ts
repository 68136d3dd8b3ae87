import { epochSeconds, type Clock } from '../clock.js'
import type { AddressPolicy, HostCheck } from './address-policy.js'
import type { AttemptResult } from './delivery-queue.js'
import { signatureHeaders } from './signature.js'
import { ERROR_MAX, SNIPPET_MAX } from './webhook-values.js'
import { hostOf, splitCredentials } from './webhook-url.js'

export interface Outgoing {
  url: string
  /** The webhook's secret in clear, or null: then no signing header is sent (§8.4). */
  secret: string | null
  body: string
  requestId: string
}

const USER_AGENT = 'Quire-Webhooks/1'

/**
 * Makes one webhook POST. The host is checked against the address policy first, every time,
 * since what a name resolves to may have changed since the webhook was saved. Redirects are
 * not followed: one would lead past that check. Any answer but a 2xx is a failure.
 */
export class WebhookSender {
  constructor(
    private readonly policy: AddressPolicy,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  async send(outgoing: Outgoing, shutdown: AbortSignal): Promise<AttemptResult> {
    const attemptedAt = this.clock.now()
    const started = performance.now()
    const done = (fields: Omit<AttemptResult, 'attemptedAt' | 'durationMs'>): AttemptResult => ({
      ...fields,
      attemptedAt,
      durationMs: performance.now() - started,
    })

    // One deadline covers the lookup and the whole exchange.
    const deadline = AbortSignal.timeout(this.timeoutMs)
    const url = new URL(outgoing.url)
    const check = await this.policy.check(hostOf(url), this.timeoutMs)
    if (!check.ok) return done(failure(refusal(check)))

    try {
      const response = await fetch(splitCredentials(url).target, {
        method: 'POST',
        headers: this.headers(outgoing, url, attemptedAt),
        body: outgoing.body,
        redirect: 'manual',
        signal: AbortSignal.any([deadline, shutdown]),
      })
      if (response.ok) {
        await response.body?.cancel()
        return done({ ok: true, httpStatus: response.status, error: null, snippet: null })
      }
      const snippet = await readSnippet(response)
      return done({ ...failure(`HTTP ${response.status}`), httpStatus: response.status, snippet })
    } catch (error) {
      return done(failure(this.describe(error, deadline, shutdown)))
    }
  }

  private headers(outgoing: Outgoing, url: URL, attemptedAt: number): Record<string, string> {
    const { authorization } = splitCredentials(url)
    return {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...(authorization !== undefined && { authorization }),
      ...(outgoing.secret !== null &&
        signatureHeaders(
          outgoing.secret,
          epochSeconds(attemptedAt),
          outgoing.requestId,
          outgoing.body,
        )),
    }
  }

  private describe(error: unknown, deadline: AbortSignal, shutdown: AbortSignal): string {
    if (shutdown.aborted) return 'aborted: the server is shutting down'
    if (deadline.aborted) return `timeout: no answer within ${this.timeoutMs} ms`

    // fetch reports network faults as TypeError('fetch failed') with the socket error as cause.
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
    const code = typeof cause?.code === 'string' ? cause.code : 'failed'
    const message = typeof cause?.message === 'string' ? cause.message : (error as Error).message
    return truncate(`network error: ${code} (${message})`, ERROR_MAX)
  }
}

function failure(error: string): Omit<AttemptResult, 'attemptedAt' | 'durationMs'> {
  return { ok: false, httpStatus: null, error, snippet: null }
}

function refusal(check: Exclude<HostCheck, { ok: true }>): string {
  if (check.reason === 'refused') return `refused: the host resolves to ${check.address}`
  return `dns lookup failed: ${check.detail}`
}

/** The start of a failed answer's body, for the delivery log; the rest is never read. */
async function readSnippet(response: Response): Promise<string | null> {
  const reader = response.body?.getReader()
  if (reader === undefined) return null

  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < SNIPPET_MAX) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.length
    }
  } catch {
    // A body cut off by the deadline leaves what arrived.
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  const text = Buffer.concat(chunks).toString('utf8')
  return text === '' ? null : truncate(text, SNIPPET_MAX)
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
