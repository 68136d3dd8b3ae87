import { logEvents, type Log } from '../log.js'
import type { AttemptResult, Claim, DeliveryQueue, Outcome } from './delivery-queue.js'
import type { WebhookSender } from './webhook-sender.js'

/** Where a delivery goes: read when it is attempted, so a changed URL or secret applies. */
export interface DeliveryTarget {
  url: string
  secret: string | null
}

export interface WorkerSettings {
  /** POSTs in flight at once in this process. */
  concurrency: number
  /** Of those, how many may go to one webhook, so one slow receiver cannot take every slot. */
  perWebhook: number
  pollMs: number
}

export interface Attempted {
  outcome: Outcome
  result: AttemptResult
}

/**
 * Drains the delivery outbox in the background: polls for due deliveries, claims at most
 * `concurrency` at a time, and no more than `perWebhook` of them for one webhook, and attempts
 * them. Requests only ever record deliveries and wake it, so a slow or dead receiver holds up
 * its own share of the worker slots, never an API answer nor other webhooks' deliveries.
 */
export class DeliveryWorker {
  private running = 0
  private scanning = false
  /** Set when a wake could not scan (no free slot, or a scan under way): the next chance does. */
  private missedWake = false
  private backlog = false
  private stopped = true
  private timer: NodeJS.Timeout | undefined
  private shutdown = new AbortController()
  private readonly inFlight = new Set<Promise<void>>()
  /** Claims being attempted, per webhook; test sends through `attempt()` are not counted. */
  private readonly heldByWebhook = new Map<string, number>()

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly sender: WebhookSender,
    private readonly targetOf: (webhookUuid: string) => Promise<DeliveryTarget | undefined>,
    private readonly settings: WorkerSettings,
    private readonly log: Log,
    private readonly onError: (error: unknown) => void,
  ) {}

  /**
   * Starts polling; deliveries left pending by an earlier process are picked up now. With
   * `ownsAllClaims` (a single-process deployment), claims of a killed run end now too.
   */
  async start(ownsAllClaims = false): Promise<void> {
    if (ownsAllClaims) await this.queue.releaseUnrecordedClaims()
    this.stopped = false
    this.shutdown = new AbortController()
    this.timer = setInterval(() => this.wake(), this.settings.pollMs)
    this.timer.unref()
    this.wake()
  }

  /** Stops polling and cuts POSTs in flight short; their claims are given back unspent. */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    this.shutdown.abort()
    while (this.inFlight.size > 0) await Promise.all(this.inFlight)
  }

  /** Fills free slots with due deliveries; cheap to call often. */
  wake(): void {
    const free = this.settings.concurrency - this.running
    if (this.stopped) return
    if (this.scanning || free <= 0) {
      this.missedWake = true
      return
    }

    this.scanning = true
    this.missedWake = false
    const holdings = { inFlight: this.heldByWebhook, perWebhook: this.settings.perWebhook }
    const scan = this.queue.claimDue(free, holdings).then(({ claims, more }) => {
      this.backlog = more
      for (const claim of claims) this.run(claim)
    })
    this.track(scan.finally(() => this.scanned()))
  }

  /**
   * Makes one attempt now and records it like any other; undefined if it did not happen. It
   * takes no worker slot and no share of its webhook's: the caller waits for its answer.
   */
  async attempt(claim: Claim): Promise<Attempted | undefined> {
    const work = this.attemptOnce(claim)
    // The caller hears of a failure itself; tracking only lets stop() wait for the attempt.
    this.track(work.catch(() => undefined))
    return work
  }

  private scanned(): void {
    this.scanning = false
    if (this.missedWake) this.wake()
  }

  private run(claim: Claim): void {
    this.running++
    this.hold(claim.webhookUuid, 1)
    const work = this.attemptOnce(claim).finally(() => {
      this.running--
      this.hold(claim.webhookUuid, -1)
      if (this.backlog || this.missedWake) this.wake()
    })
    this.track(work)
  }

  private hold(webhookUuid: string, change: 1 | -1): void {
    const held = (this.heldByWebhook.get(webhookUuid) ?? 0) + change
    if (held === 0) this.heldByWebhook.delete(webhookUuid)
    else this.heldByWebhook.set(webhookUuid, held)
  }

  private async attemptOnce(claim: Claim): Promise<Attempted | undefined> {
    const target = await this.targetOf(claim.webhookUuid)
    // A deleted webhook took its deliveries with it.
    if (target === undefined) return undefined

    const signal = this.shutdown.signal
    const result = signal.aborted
      ? undefined
      : await this.sender.send({ ...target, body: claim.payload, requestId: claim.uuid }, signal)
    if (result === undefined || signal.aborted) {
      await this.queue.release(claim)
      return undefined
    }

    const outcome = await this.queue.finish(claim, result)
    logEvents.webhookAttempted(this.log, {
      delivery_uuid: claim.uuid,
      webhook_uuid: claim.webhookUuid,
      event_name: claim.eventName,
      attempt: claim.attempt,
      outcome,
      http_status: result.httpStatus,
      error: result.error,
      duration_ms: Math.round(result.durationMs),
    })
    return { outcome, result }
  }

  private track(work: Promise<unknown>): void {
    const settled = work.then(() => undefined, this.onError)
    this.inFlight.add(settled)
    void settled.finally(() => this.inFlight.delete(settled))
  }
}
