import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database, WebhookDeliveryRow } from '../db/schema.js'
import { dueWebhooks, PENDING } from './due-webhooks.js'

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

/** What this process holds already, so that a scan leaves no webhook more than its share. */
export interface Holdings {
  /** Claims in flight in this process, per webhook. */
  inFlight: ReadonlyMap<string, number>
  /** Claims one webhook may have in flight in this process. */
  perWebhook: number
}

/** What one scan claimed; `more` when it left due deliveries behind for want of room. */
export interface Scan {
  claims: Claim[]
  more: boolean
}

/** How many rows one scan reads beyond what it wants, for claims lost to other workers. */
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

  /**
   * Claims up to `limit` due deliveries: the webhook whose oldest due delivery has waited longest
   * first, and each webhook's oldest first. A webhook already holding `perWebhook` claims in this
   * process is passed over, so one with a slow receiver and a large backlog holds back only its
   * own deliveries while the free slots go to other webhooks'.
   */
  async claimDue(limit: number, holdings: Holdings): Promise<Scan> {
    const now = isoTime(this.clock.now())
    const wanted = limit + countFull(holdings) + SCAN_EXTRA
    const webhooks = await dueWebhooks(this.db, now, wanted)

    const scan: Scan = { claims: [], more: webhooks.length === wanted }
    for (const webhookUuid of webhooks) {
      if (scan.claims.length >= limit) return { ...scan, more: true }

      const room = Math.min(roomOf(holdings, webhookUuid), limit - scan.claims.length)
      if (room <= 0) {
        scan.more = true
        continue
      }
      const taken = await this.claimOldest(webhookUuid, now, room)
      scan.claims.push(...taken.claims)
      scan.more ||= taken.more
    }
    return scan
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

  /** Claims up to `room` of one webhook's due deliveries, oldest first. */
  private async claimOldest(webhookUuid: string, now: string, room: number): Promise<Scan> {
    const asked = room + SCAN_EXTRA
    const due = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('status', '=', PENDING)
      .where('webhook_uuid', '=', webhookUuid)
      .where('next_attempt_at', '<=', now)
      .orderBy('next_attempt_at')
      .limit(asked)
      .execute()

    const claims: Claim[] = []
    let tried = 0
    for (const row of due) {
      if (claims.length >= room) break
      tried++
      const claim = await this.claim(row)
      if (claim !== undefined) claims.push(claim)
    }
    // Rows left untried, or a full read that other workers took, may mean more are due.
    return { claims, more: tried < due.length || due.length === asked }
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

function roomOf(holdings: Holdings, webhookUuid: string): number {
  return holdings.perWebhook - (holdings.inFlight.get(webhookUuid) ?? 0)
}

/** Webhooks with no room left; they may be among the due ones a scan reads, and are skipped. */
function countFull(holdings: Holdings): number {
  return [...holdings.inFlight.values()].filter((n) => n >= holdings.perWebhook).length
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
