import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database, WebhookDeliveryRow } from '../db/schema.js'

export interface NewDelivery {
  webhookUuid: string
  orgId: string
  eventName: string
  /** The JSON body, exactly as it will be sent and signed. */
  payload: string
}

/** A delivery this process holds until `lease`, for attempt number `attempt`. */
export interface Claim {
  uuid: string
  webhookUuid: string
  eventName: string
  payload: string
  attempt: number
  lease: string
}

/** What one attempt did; `httpStatus` is null when no answer came. */
export interface AttemptResult {
  ok: boolean
  httpStatus: number | null
  error: string | null
  snippet: string | null
  durationMs: number
  attemptedAt: number
}

export type Outcome = 'succeeded' | 'retrying' | 'failed'

export interface QueueSettings {
  leaseMs: number
  /** The first attempt plus the retries. */
  maxAttempts: number
  retryBaseMs: number
}

/** How many due rows one scan reads beyond what it wants, for claims lost to other workers. */
const SCAN_EXTRA = 8

/**
 * The delivery outbox in the database. A due delivery is claimed by moving its
 * `next_attempt_at` to a lease, on the condition that it still holds the value just read:
 * of several processes on one database, exactly one wins each attempt. A process that dies
 * mid-attempt loses its claim when the lease runs out, and the delivery is due again.
 */
export class DeliveryQueue {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly settings: QueueSettings,
  ) {}

  /** Records deliveries due now, inside the caller's transaction when `db` is one. */
  async add(deliveries: NewDelivery[], db: Kysely<Database> = this.db): Promise<string[]> {
    if (deliveries.length === 0) return []

    const now = isoTime(this.clock.now())
    const rows = deliveries.map((d) => newRow(d, now, now, 0))
    await db.insertInto('webhook_deliveries').values(rows).execute()
    return rows.map((r) => r.uuid)
  }

  /** Records a delivery already claimed by the caller, for an attempt made right away. */
  async addClaimed(delivery: NewDelivery): Promise<Claim> {
    const now = this.clock.now()
    const lease = isoTime(now + this.settings.leaseMs)
    const row = newRow(delivery, isoTime(now), lease, 1)
    await this.db.insertInto('webhook_deliveries').values(row).execute()
    return toClaim(row, 1, lease)
  }

  /** Claims up to `limit` due deliveries, oldest due first. */
  async claimDue(limit: number): Promise<Claim[]> {
    const due = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', isoTime(this.clock.now()))
      .orderBy('next_attempt_at')
      .limit(limit + SCAN_EXTRA)
      .execute()

    const claims: Claim[] = []
    for (const row of due) {
      if (claims.length >= limit) break
      const claim = await this.claim(row)
      if (claim !== undefined) claims.push(claim)
    }
    return claims
  }

  /** Records the attempt, then closes the delivery or schedules its retry. */
  async finish(claim: Claim, result: AttemptResult): Promise<Outcome> {
    const outcome: Outcome = result.ok
      ? 'succeeded'
      : claim.attempt >= this.settings.maxAttempts
        ? 'failed'
        : 'retrying'

    await this.db.transaction().execute(async (trx) => {
      // The webhook may have been deleted meanwhile, taking its deliveries with it.
      const exists = await trx
        .selectFrom('webhook_deliveries')
        .select('uuid')
        .where('uuid', '=', claim.uuid)
        .executeTakeFirst()
      if (exists === undefined) return

      await trx.insertInto('webhook_attempts').values(attemptRow(claim, result)).execute()
      await trx
        .updateTable('webhook_deliveries')
        .set(this.nextState(claim, outcome))
        .where('uuid', '=', claim.uuid)
        .where('attempts', '=', claim.attempt)
        .where('next_attempt_at', '=', claim.lease)
        .execute()
    })
    return outcome
  }

  /** Gives a claim back unused (at shutdown): the delivery is due again, its attempt unspent. */
  async release(claim: Claim): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: isoTime(this.clock.now()), attempts: claim.attempt - 1 })
      .where('uuid', '=', claim.uuid)
      .where('attempts', '=', claim.attempt)
      .where('next_attempt_at', '=', claim.lease)
      .execute()
  }

  /**
   * Makes due now every claim whose attempt was never recorded: with a single serving process
   * (SQLite), at start-up these can only be the claims of a process that was killed, and they
   * need not wait for their lease. The attempt stays counted, as it may have reached the
   * receiver; on the last one that means one attempt more than configured, rather than none.
   */
  async releaseUnrecordedClaims(): Promise<number> {
    const now = isoTime(this.clock.now())
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now, updated_at: now })
      .where('status', '=', 'pending')
      .where('attempts', '>', 0)
      .where('next_attempt_at', '>', now)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('webhook_attempts')
              .select('attempt')
              .whereRef('webhook_attempts.delivery_uuid', '=', 'webhook_deliveries.uuid')
              .whereRef('webhook_attempts.attempt', '=', 'webhook_deliveries.attempts'),
          ),
        ),
      )
      .executeTakeFirst()
    return Number(result.numUpdatedRows)
  }

  private async claim(row: WebhookDeliveryRow): Promise<Claim | undefined> {
    const now = this.clock.now()
    const attempt = row.attempts + 1
    const lease = isoTime(now + this.settings.leaseMs)

    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: lease, attempts: attempt, updated_at: isoTime(now) })
      .where('uuid', '=', row.uuid)
      .where('status', '=', 'pending')
      .where('attempts', '=', row.attempts)
      .where('next_attempt_at', '=', row.next_attempt_at as string)
      .executeTakeFirst()
    if (Number(result.numUpdatedRows) !== 1) return undefined
    return toClaim(row, attempt, lease)
  }

  private nextState(claim: Claim, outcome: Outcome) {
    const now = this.clock.now()
    if (outcome !== 'retrying')
      return { status: outcome, next_attempt_at: null, updated_at: isoTime(now) }

    // Exponential backoff: base, 2·base, 4·base… after the first, second, third failure.
    const delay = this.settings.retryBaseMs * 2 ** (claim.attempt - 1)
    return { next_attempt_at: isoTime(now + delay), updated_at: isoTime(now) }
  }
}

function newRow(delivery: NewDelivery, now: string, nextAttemptAt: string, attempts: number) {
  return {
    uuid: crypto.randomUUID(),
    webhook_uuid: delivery.webhookUuid,
    org_id: delivery.orgId,
    event_name: delivery.eventName,
    payload: delivery.payload,
    status: 'pending' as const,
    attempts,
    next_attempt_at: nextAttemptAt,
    created_at: now,
    updated_at: now,
  }
}

function toClaim(row: WebhookDeliveryRow, attempt: number, lease: string): Claim {
  return {
    uuid: row.uuid,
    webhookUuid: row.webhook_uuid,
    eventName: row.event_name,
    payload: row.payload,
    attempt,
    lease,
  }
}

function attemptRow(claim: Claim, result: AttemptResult) {
  return {
    delivery_uuid: claim.uuid,
    attempt: claim.attempt,
    attempted_at: isoTime(result.attemptedAt),
    request_id: claim.uuid,
    http_status: result.httpStatus,
    error: result.error,
    response_snippet: result.snippet,
    duration_ms: Math.round(result.durationMs),
  }
}
