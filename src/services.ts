import { Redis } from 'ioredis'
import type { Logger } from 'pino'

import { AccountService } from './accounts/account-service.js'
import { MemberService } from './accounts/member-service.js'
import { OrganizationService } from './accounts/organization-service.js'
import { SessionStore } from './accounts/session-store.js'
import { SignInThrottle } from './accounts/sign-in-throttle.js'
import { BookService } from './books/book-service.js'
import { systemClock, type Clock } from './clock.js'
import type { Config } from './config.js'
import { CredentialEventFeed } from './credentials/credential-events.js'
import { CredentialService } from './credentials/credential-service.js'
import { deriveKey, loadServerKey } from './credentials/server-key.js'
import { openStorage, type Storage } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import {
  createDocumentServices,
  startDocumentWork,
  stopDocumentWork,
  type DocumentServices,
} from './documents/document-services.js'
import { logEvents } from './log.js'
import { AccessTokens } from './oauth/access-token.js'
import { AuthThrottle } from './oauth/auth-throttle.js'
import { ClientAuthenticator } from './oauth/client-authenticator.js'
import { SigningKeyStore } from './oauth/signing-keys.js'
import { UsageCounter } from './usage/usage-counter.js'
import { createWebhooks } from './webhooks/create-webhooks.js'
import type { WebhookService } from './webhooks/webhook-service.js'

/** How often counted API requests are written to the database. */
const USAGE_FLUSH_MS = 5000

/** Everything routes and commands call, wired once from the configuration. */
export interface Services extends DocumentServices {
  readonly config: Config
  readonly clock: Clock
  readonly storage: Storage
  readonly redis: Redis | undefined
  readonly organizations: OrganizationService
  readonly credentials: CredentialService
  readonly credentialEvents: CredentialEventFeed
  readonly signingKeys: SigningKeyStore
  readonly accessTokens: AccessTokens
  readonly clientAuthenticator: ClientAuthenticator
  readonly authThrottle: AuthThrottle
  readonly books: BookService
  readonly webhooks: WebhookService
  readonly accounts: AccountService
  readonly members: MemberService
  readonly sessions: SessionStore
  readonly usage: UsageCounter
  /** Stops timers and closes connections; the last call of a process. */
  close(): Promise<void>
}

export interface ServiceOptions {
  clock?: Clock
  log: Logger
  /**
   * Run background work (the document pipeline, start-up sweeps): serving processes do, the
   * CLI's one-off commands do not.
   */
  background?: boolean
}

/** Opens storage, applies migrations, loads signing keys and starts the event feed. */
export async function createServices(config: Config, options: ServiceOptions): Promise<Services> {
  const clock = options.clock ?? systemClock
  const storage = openStorage(config)
  logEvents.migrated(options.log, await migrateToLatest(storage))

  const serverKey = loadServerKey(config.secretKey, config.dataDir)
  warnAboutServerKey(config, options.log)
  const db = storage.db
  const redis =
    config.redisUrl === undefined
      ? undefined
      : new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 })

  const organizations = new OrganizationService(db, clock)
  const secretHashKey = deriveKey(serverKey, 'quire client secret hash v1')
  const credentials = new CredentialService(db, organizations, secretHashKey, clock)
  const credentialEvents = new CredentialEventFeed(db, clock, config.revocationPollMs, (error) =>
    logEvents.backgroundFailed(options.log, 'credential event poll', error),
  )
  const signingKeys = new SigningKeyStore(
    db,
    deriveKey(serverKey, 'quire signing key seal v1'),
    clock,
    config,
  )

  await credentialEvents.start()
  await signingKeys.start()

  const accessTokens = new AccessTokens(signingKeys, credentialEvents, clock, {
    issuer: config.publicUrl,
    audiences: config.audiences,
    ttlSeconds: config.tokenTtlSeconds,
    clockToleranceSeconds: config.clockToleranceSeconds,
  })
  const clientAuthenticator = new ClientAuthenticator(
    credentials,
    credentialEvents,
    secretHashKey,
    clock,
    (error) => logEvents.backgroundFailed(options.log, 'record credential use', error),
  )
  const authThrottle = new AuthThrottle(
    { perClient: config.authFailuresPerClient, perAddress: config.authFailuresPerAddress },
    redis,
  )
  const webhooks = createWebhooks({
    config,
    db,
    clock,
    sealKey: deriveKey(serverKey, 'quire webhook secret seal v1'),
    log: options.log,
    onError: (error) => logEvents.backgroundFailed(options.log, 'webhook delivery', error),
  })
  // With SQLite one serving process owns the database: claims of a killed one are nobody's.
  if (options.background === true) await webhooks.worker.start(storage.dialect === 'sqlite')
  const documentServices = createDocumentServices(config, storage, clock, webhooks, (error) =>
    logEvents.backgroundFailed(options.log, 'document pipeline', error),
  )
  if (options.background === true)
    await startDocumentWork(documentServices, storage, (error) =>
      logEvents.backgroundFailed(options.log, 'page render sweep', error),
    )
  const usage = new UsageCounter(db, clock, USAGE_FLUSH_MS, (error) =>
    logEvents.backgroundFailed(options.log, 'usage counts', error),
  )
  usage.start()

  return {
    ...documentServices,
    config,
    clock,
    storage,
    redis,
    organizations,
    credentials,
    credentialEvents,
    signingKeys,
    accessTokens,
    clientAuthenticator,
    authThrottle,
    books: new BookService(db, clock),
    webhooks,
    ...accountServices(config, db, organizations, redis, clock),
    usage,
    async close() {
      await usage.stop()
      await stopDocumentWork(documentServices)
      await webhooks.worker.stop()
      signingKeys.stop()
      await credentialEvents.stop()
      redis?.disconnect()
      await db.destroy()
    },
  }
}

function warnAboutServerKey(config: Config, log: Logger): void {
  if (config.databaseUrl !== undefined && config.secretKey === undefined) {
    logEvents.warning(
      log,
      'QUIRE_SECRET_KEY is unset: the server key lives in this data dir; set the same QUIRE_SECRET_KEY on every node',
    )
  }
}

function accountServices(
  config: Config,
  db: Storage['db'],
  organizations: OrganizationService,
  redis: Redis | undefined,
  clock: Clock,
) {
  const throttle = new SignInThrottle(
    {
      perAccount: config.signInFailuresPerAccount,
      perAccountAll: config.signInFailuresPerAccountAll,
      perAddress: config.signInFailuresPerAddress,
    },
    redis,
  )
  return {
    accounts: new AccountService(db, organizations, throttle, clock),
    members: new MemberService(db, clock),
    sessions: new SessionStore(db, clock, config.sessionTtlSeconds),
  }
}
