import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { CredentialEvent, CredentialEventKind, Database } from '../db/schema.js'

export interface EventListener {
  (event: CredentialEvent): void
}

/** Appends to the log that every process polls; call inside the transaction of the change. */
export async function recordCredentialEvent(
  db: Kysely<Database>,
  clock: Clock,
  kind: CredentialEventKind,
  subject: string,
  expiresAt: string | null = null,
): Promise<void> {
  await db
    .insertInto('credential_events')
    .values({ kind, subject, expires_at: expiresAt, created_at: isoTime(clock.now()) })
    .execute()
}

/**
 * Polls the credential event log so that a revocation made by any process (the CLI, another
 * node) takes effect here within one poll interval, with no extra service required.
 */
export class CredentialEventFeed {
  private readonly revokedClients = new Set<string>()
  private readonly revokedTokens = new Map<string, number>()
  private readonly listeners: EventListener[] = []
  private lastSeq = 0
  private timer: NodeJS.Timeout | undefined
  private polling: Promise<void> | undefined

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Loads every event once, then keeps polling until stop(). */
  async start(): Promise<void> {
    await this.poll()
    this.timer = setInterval(() => void this.pollOnce(), this.intervalMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.polling
  }

  onEvent(listener: EventListener): void {
    this.listeners.push(listener)
  }

  isClientRevoked(clientId: string): boolean {
    return this.revokedClients.has(clientId)
  }

  isTokenRevoked(jti: string): boolean {
    return this.revokedTokens.has(jti)
  }

  /**
   * Reads new events now, and sees every event committed before the call: a poll already in
   * flight may have started before it, so it is awaited and followed by a fresh one.
   */
  async pollOnce(): Promise<void> {
    if (this.polling !== undefined) await this.polling
    this.polling ??= this.poll()
      .catch(this.onError)
      .finally(() => {
        this.polling = undefined
      })
    await this.polling
  }

  private async poll(): Promise<void> {
    const events = await this.db
      .selectFrom('credential_events')
      .selectAll()
      .where('seq', '>', this.lastSeq)
      .orderBy('seq')
      .limit(10_000)
      .execute()

    for (const event of events) this.apply(event)
    this.dropExpiredTokens()
  }

  private apply(event: CredentialEvent): void {
    this.lastSeq = Math.max(this.lastSeq, Number(event.seq))

    if (event.kind === 'client_revoked') this.revokedClients.add(event.subject)
    if (event.kind === 'token_revoked') {
      const expiresAt = event.expires_at === null ? Infinity : Date.parse(event.expires_at)
      this.revokedTokens.set(event.subject, expiresAt)
    }

    for (const listener of this.listeners) listener(event)
  }

  private dropExpiredTokens(): void {
    const now = this.clock.now()
    for (const [jti, expiresAt] of this.revokedTokens) {
      if (expiresAt < now - 24 * 3600 * 1000) this.revokedTokens.delete(jti)
    }
  }
}
