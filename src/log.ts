import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import pino, { type Logger } from 'pino'

/**
 * Every log line Quire writes goes through this module: one place for wording, levels and
 * redaction. Lines carry identifiers (client_id, org_id, request id), never secrets, tokens,
 * Authorization headers or document contents.
 */

/**
 * Keys whose values never reach a log line, at the top of a logged object or one level below
 * it (`{ body: { client_secret } }`). Request and reply objects are logged through serializers
 * that pick a few fixed fields, so their headers never get there in the first place.
 */
export const SECRET_KEYS = [
  'authorization',
  'cookie',
  'set-cookie',
  'x-csrf-token',
  'client_secret',
  'access_token',
  'token',
  'password',
  'secret_key',
] as const

const CENSOR = '[redacted]'
const SECRET = new Set<string>(SECRET_KEYS)

/**
 * Redaction is done here rather than by pino's `redact` paths: with a wildcard path pino runs
 * its generic path walker on every value of every line, which cost a tenth of a token request.
 * Checking a fixed set of key names costs next to nothing.
 */
const redaction = {
  serializers: {
    req: (request: RequestLike) => ({
      method: request.method,
      url: censorUrl(request.url),
      version: headerValue(request.headers?.['accept-version']),
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    }),
    res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
    err: (error: Error) => {
      const serialized = pino.stdSerializers.err(error)
      return censorKeys(serialized) as typeof serialized
    },
  },
  formatters: { log: censorLine, bindings: censorLine },
  onChild: censorChildBindings,
}

/** A secret key in serialized bindings: in JSON a quote after `{` or `,` always starts a key. */
const SECRET_JSON_KEY = new RegExp(`[{,]"(?:${SECRET_KEYS.join('|')})":`, 'i')

/**
 * pino serializes a child logger's bindings once, at creation, past the formatters above; they
 * are checked there (a request's child holds its id only) and rewritten censored if need be.
 */
function censorChildBindings(child: Logger): void {
  const holder = child as unknown as Record<symbol, string | undefined>
  const bindings = holder[pino.symbols.chindingsSym]
  if (bindings === undefined || !SECRET_JSON_KEY.test(bindings)) return

  const censored = censorLine(JSON.parse(`{${bindings.slice(1)}}`) as Record<string, unknown>)
  holder[pino.symbols.chindingsSym] = Object.entries(censored)
    .map(([key, value]) => `,${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join('')
}

interface RequestLike {
  method: string
  url: string
  host?: string
  ip?: string
  headers?: Record<string, string | string[] | undefined>
  socket?: { remotePort?: number }
}

/** The line's fields with secret keys censored; `req`, `res` and `err` have their serializers. */
function censorLine(line: Record<string, unknown>): Record<string, unknown> {
  const top = censorKeys(line)
  let copy: Record<string, unknown> | undefined
  for (const key in top) {
    const value = top[key]
    if (typeof value !== 'object' || value === null || key in redaction.serializers) continue

    const censored = censorKeys(value as Record<string, unknown>)
    if (censored === value) continue
    copy ??= { ...top }
    copy[key] = censored
  }
  return copy ?? top
}

/** A shallow copy with secret keys censored, or the object itself when it holds none. */
function censorKeys(value: Record<string, unknown>): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined
  for (const key in value) {
    if (!SECRET.has(key.toLowerCase()) || !Object.hasOwn(value, key)) continue
    copy ??= { ...value }
    copy[key] = CENSOR
  }
  return copy ?? value
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

export function loggerOptions(
  level: string,
  stream?: { write(line: string): void },
): NonNullable<FastifyServerOptions['logger']> {
  return { level, ...redaction, stream: stream ?? standardOutput() }
}

/** A logger for code outside a request (CLI, start-up, background work). */
export function createLogger(level: string): Logger {
  return pino({ level, ...redaction }, standardOutput())
}

/** Lines wait for the end of the event loop's turn up to this size (a request line is ~300). */
const PENDING_BYTES = 8 * 1024

let stdoutLines: { write(line: string): void } | undefined

/**
 * Standard output, written once per turn of the event loop rather than once per line. Every
 * request logs two lines, and each write was a system call costing more than formatting both
 * lines; under load the requests that finish in one turn now share a write. Lines wait one turn
 * at most; what waits is written on exit, uncaught exceptions included, so only a kill that
 * lets no JavaScript run (SIGKILL, an abort) can lose the last turn's lines.
 */
function standardOutput(): { write(line: string): void } {
  if (stdoutLines !== undefined) return stdoutLines

  const stdout = pino.destination({ dest: 1, sync: true, minLength: PENDING_BYTES })
  let scheduled = false
  const flush = () => {
    scheduled = false
    stdout.flush()
  }
  process.once('exit', () => stdout.flushSync())

  stdoutLines = {
    write(line: string) {
      stdout.write(line)
      if (scheduled) return
      scheduled = true
      setImmediate(flush)
    },
  }
  return stdoutLines
}

/** The CLI's logger writes to stderr, so that `--json` output on stdout stays pure JSON. */
export function createCliLogger(level: string): Logger {
  return pino({ level, ...redaction }, pino.destination(2))
}

/**
 * A URL with the values of secret query parameters censored: clients do put `client_secret`,
 * `access_token` or `token` in a query string, and a request line must not carry them.
 */
export function censorUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  const at = url.indexOf('?')
  if (at === -1) return url

  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0] ?? ''
      return SECRET.has(safeDecode(name).toLowerCase()) ? `${name}=${CENSOR}` : pair
    })
  return `${url.slice(0, at)}?${query.join('&')}`
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '))
  } catch {
    return text
  }
}

export type Log = FastifyBaseLogger | Logger

export interface WebhookAttemptInfo {
  delivery_uuid: string
  webhook_uuid: string
  event_name: string
  attempt: number
  outcome: 'succeeded' | 'retrying' | 'failed'
  http_status: number | null
  error: string | null
  duration_ms: number
}

export const logEvents = {
  listening(log: Log, info: { url: string; docs: string; tokenEndpoint: string; storage: string }) {
    log.info(info, 'quire listening')
  },

  migrated(log: Log, migrations: string[]) {
    if (migrations.length > 0) log.info({ migrations }, 'database migrated')
  },

  /** The true reason of an invalid_client answer: logged, never sent. */
  clientAuthFailed(log: Log, info: { client_id: string | undefined; reason: string }) {
    log.info(info, 'client authentication failed')
  },

  clientThrottled(log: Log, info: { client_id: string | undefined; reason: string }) {
    log.warn(info, 'client authentication throttled')
  },

  tokenIssued(log: Log, info: { client_id: string; org_id: string; scope: string; jti: string }) {
    log.debug(info, 'access token issued')
  },

  tokenRevoked(log: Log, info: { client_id: string; jti: string }) {
    log.info(info, 'access token revoked')
  },

  signInThrottled(log: Log, info: { reason: string }) {
    log.warn(info, 'dashboard sign-in throttled')
  },

  bearerRejected(log: Log, info: { reason: string; client_id?: string }) {
    log.info(info, 'bearer token rejected')
  },

  requestFailed(log: Log, error: unknown, status: number) {
    if (status >= 500) log.error({ err: error }, 'request failed')
    else log.info({ status, reason: reasonOf(error) }, 'request rejected')
  },

  /** One webhook POST, by ids: never its URL (it may hold credentials), body or secret. */
  webhookAttempted(log: Log, info: WebhookAttemptInfo) {
    if (info.outcome === 'succeeded') log.debug(info, 'webhook delivered')
    else if (info.outcome === 'retrying') log.info(info, 'webhook attempt failed')
    else log.warn(info, 'webhook delivery failed')
  },

  backgroundFailed(log: Log, task: string, error: unknown) {
    log.error({ task, err: error }, 'background task failed')
  },

  warning(log: Log, message: string, info: Record<string, unknown> = {}) {
    log.warn(info, message)
  },

  shuttingDown(log: Log, signal: string) {
    log.info({ signal }, 'shutting down')
  },
}

function reasonOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const { detail, message } = error as { detail?: unknown; message?: unknown }
  if (typeof detail === 'string') return detail
  return typeof message === 'string' ? message : undefined
}
