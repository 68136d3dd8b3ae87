import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify'
import pino, { type Logger } from 'pino'

/**
 * Every log line Quire writes goes through this module: one place for wording, levels and
 * redaction. Lines carry identifiers (client_id, org_id, request id), never secrets, tokens,
 * Authorization headers or document contents.
 */

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.client_secret',
  '*.access_token',
  '*.token',
  '*.password',
  '*.secret_key',
]

export function loggerOptions(
  level: string,
  stream?: { write(line: string): void },
): NonNullable<FastifyServerOptions['logger']> {
  return { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, ...(stream && { stream }) }
}

/** A logger for code outside a request (CLI, start-up, background work). */
export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } })
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
