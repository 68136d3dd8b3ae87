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
  /** Largest file one upload may carry (Ocrolus: 200 MB a request). */
  readonly uploadMaxBytes: number
  readonly maxPagesPerDocument: number
  readonly maxDocumentsPerBook: number
  readonly maxPagesPerBook: number
  /** Pixels one uploaded image may have (Ocrolus: 75 million). */
  readonly maxImagePixels: number
  /** Largest aggregator JSON upload, all its files together: it is parsed in memory. */
  readonly jsonUploadMaxBytes: number
  /** Resident memory and time one file's inspection may take before its parser is killed. */
  readonly inspectMemoryBytes: number
  readonly inspectTimeoutMs: number
  /** Parser children that check uploads, so one slow file does not hold up every upload. */
  readonly uploadInspectors: number
  /** Resident memory and time the building of one image group's PDF may take. */
  readonly imagePdfMemoryBytes: number
  readonly imagePdfTimeoutMs: number
  /** Documents the in-process pipeline works on at once. */
  readonly pipelineConcurrency: number
  /**
   * How long a worker's claim on a document lasts unless renewed; a worker renews it while it
   * works, so this is how soon another process takes over a killed one's documents.
   */
  readonly pipelineLeaseMs: number
  /** One webhook POST may take this long, DNS lookup included, before it counts as failed. */
  readonly webhookTimeoutMs: number
  /** Retries after a failed first attempt; the delay doubles from `webhookRetryBaseMs`. */
  readonly webhookRetries: number
  readonly webhookRetryBaseMs: number
  /** Webhook POSTs in flight at once per process, so slow receivers cannot pile up. */
  readonly webhookConcurrency: number
  /**
   * Of those, how many may go to one webhook, so a slow receiver with a backlog holds up its
   * own deliveries only. At one, a receiver that hangs takes a single slot; more lets one busy
   * webhook's backlog drain faster, at the cost of the slots left to the others.
   */
  readonly webhookConcurrencyPerWebhook: number
  /** How often each process looks for due webhook deliveries. */
  readonly webhookPollMs: number
  /** Host names, addresses or CIDR ranges a webhook may reach although they are private. */
  readonly webhookAllowedHosts: readonly string[]
  /** Turns the private-address check off entirely (development only). */
  readonly webhookAllowPrivate: boolean
  /** How long a dashboard session lasts after sign-in. */
  readonly sessionTtlSeconds: number
  /** Failed dashboard sign-ins per email from one address per 15 minutes before 429. */
  readonly signInFailuresPerAccount: number
  /** Failed dashboard sign-ins per email from all addresses together per 15 minutes before 429. */
  readonly signInFailuresPerAccountAll: number
  /** Failed dashboard sign-ins per address per 15 minutes before 429. */
  readonly signInFailuresPerAddress: number
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
    keyActivationDelaySeconds: readInt(env, 'QUIRE_KEY_ACTIVATION_DELAY', 300, 60, 86_400),
    orgRateLimitPerSecond: readInt(env, 'QUIRE_RATE_LIMIT', 20, 1, 1_000_000),
    authFailuresPerClient: readInt(env, 'QUIRE_AUTH_FAILURES_PER_CLIENT', 10, 1, 1_000_000),
    authFailuresPerAddress: readInt(env, 'QUIRE_AUTH_FAILURES_PER_ADDRESS', 200, 1, 1_000_000),
    corsOrigins: readList(env.QUIRE_CORS_ORIGINS) ?? [],
    secretKey: env.QUIRE_SECRET_KEY || undefined,
    logLevel: readLogLevel(env),
    trustProxy: env.QUIRE_TRUST_PROXY === 'true',
    revocationPollMs: readInt(env, 'QUIRE_REVOCATION_POLL_MS', 250, 10, 60_000),
    uploadMaxBytes: readInt(env, 'QUIRE_UPLOAD_MAX_BYTES', 200 * 1000 * 1000, 1, 2 ** 31 - 1),
    maxPagesPerDocument: readInt(env, 'QUIRE_MAX_PAGES_PER_DOCUMENT', 3000, 1, 1_000_000),
    maxDocumentsPerBook: readInt(env, 'QUIRE_MAX_DOCUMENTS_PER_BOOK', 2000, 1, 1_000_000),
    maxPagesPerBook: readInt(env, 'QUIRE_MAX_PAGES_PER_BOOK', 40_000, 1, 10_000_000),
    maxImagePixels: readInt(env, 'QUIRE_MAX_IMAGE_PIXELS', 75_000_000, 1, 1_000_000_000),
    jsonUploadMaxBytes: readInt(env, 'QUIRE_JSON_UPLOAD_MAX_BYTES', 50 * 1000 * 1000, 1, 2 ** 30),
    inspectMemoryBytes: readInt(env, 'QUIRE_INSPECT_MEMORY_MB', 768, 64, 65_536) * 1024 * 1024,
    inspectTimeoutMs: readInt(env, 'QUIRE_INSPECT_TIMEOUT_MS', 30_000, 100, 600_000),
    uploadInspectors: readInt(env, 'QUIRE_UPLOAD_INSPECTORS', 2, 1, 32),
    imagePdfMemoryBytes: readInt(env, 'QUIRE_IMAGE_PDF_MEMORY_MB', 2048, 64, 65_536) * 1024 * 1024,
    imagePdfTimeoutMs: readInt(env, 'QUIRE_IMAGE_PDF_TIMEOUT_MS', 120_000, 100, 3_600_000),
    pipelineConcurrency: readInt(env, 'QUIRE_PIPELINE_CONCURRENCY', 1, 1, 64),
    pipelineLeaseMs: readInt(env, 'QUIRE_PIPELINE_LEASE_MS', 60_000, 1000, 3_600_000),
    webhookTimeoutMs: readInt(env, 'QUIRE_WEBHOOK_TIMEOUT_MS', 10_000, 10, 120_000),
    webhookRetries: readInt(env, 'QUIRE_WEBHOOK_RETRIES', 3, 0, 20),
    webhookRetryBaseMs: readInt(env, 'QUIRE_WEBHOOK_RETRY_BASE_MS', 60_000, 1, 86_400_000),
    webhookConcurrency: readInt(env, 'QUIRE_WEBHOOK_CONCURRENCY', 4, 1, 256),
    webhookConcurrencyPerWebhook: readInt(env, 'QUIRE_WEBHOOK_CONCURRENCY_PER_WEBHOOK', 1, 1, 256),
    webhookPollMs: readInt(env, 'QUIRE_WEBHOOK_POLL_MS', 1000, 10, 60_000),
    webhookAllowedHosts: readList(env.QUIRE_WEBHOOK_ALLOWED_HOSTS) ?? [],
    webhookAllowPrivate: env.QUIRE_WEBHOOK_ALLOW_PRIVATE === 'true',
    sessionTtlSeconds: readInt(env, 'QUIRE_SESSION_TTL', 43_200, 60, 31_536_000),
    signInFailuresPerAccount: readInt(env, 'QUIRE_SIGNIN_FAILURES_PER_ACCOUNT', 5, 1, 1_000_000),
    signInFailuresPerAccountAll: readInt(
      env,
      'QUIRE_SIGNIN_FAILURES_PER_ACCOUNT_ALL',
      100,
      1,
      1_000_000,
    ),
    signInFailuresPerAddress: readInt(env, 'QUIRE_SIGNIN_FAILURES_PER_ADDRESS', 50, 1, 1_000_000),
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
