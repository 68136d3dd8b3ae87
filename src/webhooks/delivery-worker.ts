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
  pollMs: number
}

export interface Attempted {
  outcome: Outcome
  result: AttemptResult
}

/**
 * Drains the delivery outbox in the background: polls for due deliveries, claims at most
 * `concurrency` at a time and attempts them. Requests only ever record deliveries and wake it,
 * so a slow or dead receiver holds up a worker slot, never an API answer.
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
    const scan = this.queue.claimDue(free).then((claims) => {
      this.backlog = claims.length === free
      for (const claim of claims) this.run(claim)
    })
    this.track(scan.finally(() => this.scanned()))
  }

  /** Makes one attempt now and records it like any other; undefined if it did not happen. */
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
    const work = this.attemptOnce(claim).finally(() => {
      this.running--
      if (this.backlog || this.missedWake) this.wake()
    })
    this.track(work)
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
