import crypto, { type KeyObject } from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database, SigningKeyRow } from '../db/schema.js'
import { seal, unseal } from './key-sealing.js'

export const SIGNING_ALG = 'ES256'

export interface SigningKey {
  kid: string
  privateKey: KeyObject
  publicKey: KeyObject
  publicJwk: crypto.JsonWebKey
  activatesAt: number
  retiresAt: number | undefined
}

export interface KeyTimings {
  /** Longest a token lives: a retired key stays published this long after it stops signing. */
  tokenTtlSeconds: number
  clockToleranceSeconds: number
}

const RELOAD_MS = 30_000

/**
 * A rotated-in key must reach every process's JWKS (each reloads every RELOAD_MS) before any
 * process signs with it, so verifiers never meet a token whose key they cannot see yet.
 */
export const MIN_ACTIVATION_DELAY_SECONDS = (2 * RELOAD_MS) / 1000
export const MAX_ACTIVATION_DELAY_SECONDS = 30 * 86_400
const UNKNOWN_KID_RELOAD_MS = 5_000

/**
 * Signing keys, shared by every node through the database. A new key is published in the JWKS
 * from the moment it is created but signs only from `activates_at`, so verifiers that cache the
 * JWKS learn it first; a retired key stays published until the last token it signed expired.
 */
export class SigningKeyStore {
  private keys: SigningKey[] = []
  private loadedAt = 0
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sealKey: Buffer,
    private readonly clock: Clock,
    private readonly timings: KeyTimings,
  ) {}

  /** Loads the keys, creating the first one on first start, and reloads them periodically. */
  async start(): Promise<void> {
    await this.reload()
    if (this.keys.length === 0) {
      await this.insert(this.clock.now())
      await this.reload()
    }
    this.timer = setInterval(() => void this.reload().catch(() => undefined), RELOAD_MS)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** The key that signs now: the newest whose activation time has come. */
  signingKey(): SigningKey {
    const now = this.clock.now()
    const key = this.keys.filter((k) => k.activatesAt <= now).at(-1)
    if (key === undefined) throw new Error('no active signing key')
    return key
  }

  /** Keys a verifier must know now: pending, active, and retired ones still within a token's life. */
  publishedKeys(): SigningKey[] {
    const now = this.clock.now()
    const grace = (this.timings.tokenTtlSeconds + this.timings.clockToleranceSeconds) * 1000
    return this.keys.filter((k) => k.retiresAt === undefined || k.retiresAt + grace > now)
  }

  /** A published key by `kid`; an unknown kid triggers one early reload, rate-limited. */
  async verificationKey(kid: string): Promise<KeyObject | undefined> {
    let key = this.publishedKeys().find((k) => k.kid === kid)
    if (key === undefined && this.clock.now() - this.loadedAt > UNKNOWN_KID_RELOAD_MS) {
      await this.reload()
      key = this.publishedKeys().find((k) => k.kid === kid)
    }
    return key?.publicKey
  }

  /** Synchronous lookup for the hot path; undefined means "ask verificationKey()". */
  cachedVerificationKey(kid: string): KeyObject | undefined {
    return this.keys.find((k) => k.kid === kid)?.publicKey
  }

  /**
   * Creates the successor key, published now and signing after `activationDelaySeconds`; the
   * current key retires at that moment. Keys no longer needed by any token are deleted.
   */
  async rotate(activationDelaySeconds: number): Promise<SigningKeyRow> {
    if (
      !Number.isInteger(activationDelaySeconds) ||
      activationDelaySeconds < MIN_ACTIVATION_DELAY_SECONDS ||
      activationDelaySeconds > MAX_ACTIVATION_DELAY_SECONDS
    ) {
      throw new TypeError(
        `the activation delay must be a whole number of seconds from ` +
          `${MIN_ACTIVATION_DELAY_SECONDS} to ${MAX_ACTIVATION_DELAY_SECONDS}`,
      )
    }
    const activatesAt = this.clock.now() + activationDelaySeconds * 1000

    const row = await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('signing_keys')
        .set({ retires_at: isoTime(activatesAt) })
        .where('retires_at', 'is', null)
        .execute()
      return this.insert(activatesAt, trx)
    })

    await this.pruneExpired()
    await this.reload()
    return row
  }

  async list(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('activates_at').execute()
  }

  async reload(): Promise<void> {
    const rows = await this.list()
    this.keys = rows.map((row) => this.toKey(row))
    this.loadedAt = this.clock.now()
  }

  private async insert(
    activatesAt: number,
    db: Kysely<Database> = this.db,
  ): Promise<SigningKeyRow> {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const publicJwk = publicKey.export({ format: 'jwk' })
    const kid = thumbprint(publicJwk)

    const row: SigningKeyRow = {
      kid,
      alg: SIGNING_ALG,
      public_jwk: JSON.stringify(publicJwk),
      private_jwk_sealed: seal(this.sealKey, JSON.stringify(privateKey.export({ format: 'jwk' }))),
      created_at: isoTime(this.clock.now()),
      activates_at: isoTime(activatesAt),
      retires_at: null,
    }
    await db.insertInto('signing_keys').values(row).execute()
    return row
  }

  private async pruneExpired(): Promise<void> {
    const grace = (this.timings.tokenTtlSeconds + this.timings.clockToleranceSeconds) * 1000
    await this.db
      .deleteFrom('signing_keys')
      .where('retires_at', 'is not', null)
      .where('retires_at', '<', isoTime(this.clock.now() - grace))
      .execute()
  }

  private toKey(row: SigningKeyRow): SigningKey {
    const privateJwk = JSON.parse(unseal(this.sealKey, row.private_jwk_sealed)) as crypto.JsonWebKey
    const publicJwk = JSON.parse(row.public_jwk) as crypto.JsonWebKey
    return {
      kid: row.kid,
      privateKey: crypto.createPrivateKey({ key: privateJwk, format: 'jwk' }),
      publicKey: crypto.createPublicKey({ key: publicJwk, format: 'jwk' }),
      publicJwk,
      activatesAt: Date.parse(row.activates_at),
      retiresAt: row.retires_at === null ? undefined : Date.parse(row.retires_at),
    }
  }
}

/** RFC 7638 JWK thumbprint of an EC public key, used as its `kid`. */
function thumbprint(jwk: crypto.JsonWebKey): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })
  return crypto.createHash('sha256').update(canonical).digest('base64url')
}
