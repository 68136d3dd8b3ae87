import { LRUCache } from 'lru-cache'

import type { Clock } from '../clock.js'
import type { CredentialEventFeed } from '../credentials/credential-events.js'
import type { CredentialService } from '../credentials/credential-service.js'
import { CLIENT_ID_SHAPE, hashSecret, sameHash } from '../credentials/secret.js'
import type { ClientRow, ClientSecretRow } from '../db/schema.js'
import { InvalidClient } from './errors.js'
import type { PresentedCredentials } from './client-authentication.js'

interface StoredClient {
  client: ClientRow
  secrets: ClientSecretRow[]
}

const CACHE_TTL_MS = 30_000
const TOUCH_EVERY_MS = 60_000

/**
 * Checks presented client credentials against the stored keyed hashes. Clients are cached so
 * the token endpoint does no I/O on the common path; any change to a client, from any process,
 * reaches the cache through the credential event feed.
 */
export class ClientAuthenticator {
  private readonly cache = new LRUCache<string, StoredClient>({ max: 10_000, ttl: CACHE_TTL_MS })
  private readonly touched = new Map<string, number>()

  constructor(
    private readonly credentials: CredentialService,
    private readonly feed: CredentialEventFeed,
    private readonly hashKey: Buffer,
    private readonly clock: Clock,
    private readonly onTouchError: (error: unknown) => void,
  ) {
    feed.onEvent((event) => {
      if (event.kind !== 'token_revoked') this.cache.delete(event.subject)
    })
  }

  /** The authenticated client, or InvalidClient with the true reason as private detail. */
  async authenticate(presented: PresentedCredentials): Promise<ClientRow> {
    const hash = hashSecret(this.hashKey, presented.clientSecret)

    let stored = this.cache.get(presented.clientId)
    let secret = stored && this.matchingSecret(stored, hash)

    // A miss on a cached entry may mean a secret was rotated in elsewhere a moment ago.
    if (secret === undefined) {
      stored = await this.load(presented.clientId)
      secret = stored && this.matchingSecret(stored, hash)
    }

    if (stored === undefined) throw new InvalidClient('unknown client')
    this.checkUsable(stored.client)
    if (secret === undefined) throw new InvalidClient('secret mismatch')
    if (secret.expires_at !== null && Date.parse(secret.expires_at) <= this.clock.now()) {
      throw new InvalidClient('secret expired')
    }

    this.touch(stored.client.client_id)
    return stored.client
  }

  private checkUsable(client: ClientRow): void {
    if (client.revoked_at !== null || this.feed.isClientRevoked(client.client_id)) {
      throw new InvalidClient('credential revoked')
    }
    if (client.expires_at !== null && Date.parse(client.expires_at) <= this.clock.now()) {
      throw new InvalidClient('credential expired')
    }
  }

  private matchingSecret(stored: StoredClient, hash: string): ClientSecretRow | undefined {
    return stored.secrets.find((s) => sameHash(s.secret_hash, hash))
  }

  private async load(clientId: string): Promise<StoredClient | undefined> {
    // A malformed id (a NUL byte, say, which PostgreSQL text refuses) cannot name a client.
    if (!CLIENT_ID_SHAPE.test(clientId)) return undefined
    const stored = await this.credentials.loadForAuthentication(clientId)
    if (stored !== undefined) this.cache.set(clientId, stored)
    return stored
  }

  /** Records last use at most once a minute per client, off the request's path. */
  private touch(clientId: string): void {
    const now = this.clock.now()
    if (now - (this.touched.get(clientId) ?? 0) < TOUCH_EVERY_MS) return

    this.touched.set(clientId, now)
    this.credentials.touch(clientId).catch(this.onTouchError)
  }
}
