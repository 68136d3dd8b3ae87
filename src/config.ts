import path from 'node:path'

/** The one configuration object every part of Quire reads; built once, then frozen. */
export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  /** `postgres://…` switches storage to PostgreSQL; undefined keeps the SQLite file. */
  readonly databaseUrl: string | undefined
  readonly redisUrl: string | undefined
  /** Issuer of tokens and base of every link Quire prints. */
  readonly publicUrl: string
  /** Values accepted in the token request's `audience` and in a token's `aud`. */
  readonly audiences: readonly string[]
  readonly tokenTtlSeconds: number
  /** Leeway for `exp`, `iat` and `nbf` when a bearer token is checked. */
  readonly clockToleranceSeconds: number
  /** How long a rotated-in signing key is published before it signs. */
  readonly keyActivationDelaySeconds: number
  /** Requests per second per organization on the bearer API. */
  readonly orgRateLimitPerSecond: number
  /** Failed client authentications per client_id per minute before 429. */
  readonly authFailuresPerClient: number
  /** Failed client authentications per address per minute before 429. */
  readonly authFailuresPerAddress: number
  readonly corsOrigins: readonly string[]
  /** Server key for the keyed hash of API secrets; read from the data dir when unset. */
  readonly secretKey: string | undefined
  readonly logLevel: string
  readonly trustProxy: boolean
  /** How often each process reads new revocations from the database. */
  readonly revocationPollMs: number
}

type Env = Record<string, string | undefined>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/**
 * Builds the configuration from environment variables, with overrides for tests and the CLI.
 * Invalid values are operator mistakes and throw a TypeError at start-up.
 */
export function loadConfig(env: Env = process.env, overrides: Partial<Config> = {}): Config {
  const port = readInt(env, 'PORT', 8080, 0, 65535)
  const host = env.HOST || '127.0.0.1'
  const publicUrl = trimSlash(env.QUIRE_PUBLIC_URL || `http://${urlHost(host)}:${port}`)
  const databaseUrl = env.DATABASE_URL || undefined

  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new TypeError('DATABASE_URL must be a postgres:// or postgresql:// URL')
  }

  const config: Config = {
    port,
    host,
    dataDir: path.resolve(env.QUIRE_DATA_DIR || './data'),
    databaseUrl,
    redisUrl: env.REDIS_URL || undefined,
    publicUrl,
    audiences: readList(env.QUIRE_AUDIENCES) ?? defaultAudiences(publicUrl),
    tokenTtlSeconds: readInt(env, 'QUIRE_TOKEN_TTL', 86_400, 1, 31_536_000),
    clockToleranceSeconds: readInt(env, 'QUIRE_CLOCK_TOLERANCE', 60, 0, 3600),
    keyActivationDelaySeconds: readInt(env, 'QUIRE_KEY_ACTIVATION_DELAY', 300, 0, 86_400),
    orgRateLimitPerSecond: readInt(env, 'QUIRE_RATE_LIMIT', 20, 1, 1_000_000),
    authFailuresPerClient: readInt(env, 'QUIRE_AUTH_FAILURES_PER_CLIENT', 10, 1, 1_000_000),
    authFailuresPerAddress: readInt(env, 'QUIRE_AUTH_FAILURES_PER_ADDRESS', 200, 1, 1_000_000),
    corsOrigins: readList(env.QUIRE_CORS_ORIGINS) ?? [],
    secretKey: env.QUIRE_SECRET_KEY || undefined,
    logLevel: readLogLevel(env),
    trustProxy: env.QUIRE_TRUST_PROXY === 'true',
    revocationPollMs: readInt(env, 'QUIRE_REVOCATION_POLL_MS', 250, 10, 60_000),
    ...overrides,
  }

  return Object.freeze(config)
}

function defaultAudiences(publicUrl: string): string[] {
  // Ocrolus accepts only this audience, with its trailing slash; code written for it sends it.
  return [publicUrl, `${publicUrl}/`, 'https://api.ocrolus.com/']
}

function readInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback

  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}`)
  }
  return value
}

function readList(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === '') return undefined
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
}

function readLogLevel(env: Env): string {
  const level = env.QUIRE_LOG_LEVEL || 'info'
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new TypeError(`QUIRE_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  }
  return level
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1'
  return host.includes(':') ? `[${host}]` : host
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '')
}
