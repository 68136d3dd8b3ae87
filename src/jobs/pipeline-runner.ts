import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { BookRow, Database, DocumentRow } from '../db/schema.js'
import type { DocumentEvents } from '../documents/document-events.js'
import {
  GONE_STATUSES,
  REJECTION_REASONS,
  UNFINISHED_STATUSES,
} from '../documents/document-values.js'
import type { BlobStore } from '../documents/blob-store.js'
import type { RenderCache } from '../documents/render-cache.js'

/** One step of document processing; stages run in order and any may reject the document. */
export interface PipelineStage {
  readonly name: string
  /** The content types the stage reads; without it, the stage runs on every document. */
  readonly contentTypes?: readonly string[]
  run(document: DocumentRow): Promise<StageResult>
}

export type StageResult =
  | { ok: true; changes?: { text_pages?: number; page_count?: number; document_class?: string } }
  | { ok: false; rejection: { reason: string; description: string } }

export interface RunnerSettings {
  concurrency: number
  /**
   * How long a claim holds unless renewed; a worker renews it while it works, so only a worker
   * that died loses its documents, when the lease runs out.
   */
  leaseMs: number
  pollMs: number
  /** Runs after which a document that keeps failing its worker is rejected. */
  maxAttempts: number
}

/**
 * Works through unfinished documents. The database is the queue: a QUEUED document, or a
 * PROCESSING one whose lease ran out, is claimed with a conditional update, so several workers
 * (and a restarted one) never process the same document twice at once, and nothing stays
 * PROCESSING forever. Removed documents have their blobs deleted here too.
 */
export class PipelineRunner {
  private running = 0
  private timer: NodeJS.Timeout | undefined
  private stopped = true
  private readonly inFlight = new Set<Promise<void>>()

  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly renders: RenderCache,
    private readonly stages: readonly PipelineStage[],
    private readonly events: DocumentEvents,
    private readonly clock: Clock,
    private readonly settings: RunnerSettings,
    private readonly onError: (error: unknown) => void,
  ) {
    events.onQueued(() => this.wake())
  }

  /** With `ownsAllLeases` (a single-process deployment), leases left by a killed run end now. */
  async start(ownsAllLeases: boolean): Promise<void> {
    if (ownsAllLeases) {
      await this.db
        .updateTable('documents')
        .set({ lease_until: null })
        .where('status', 'in', ['PROCESSING', 'DELETING'])
        .execute()
    }
    this.stopped = false
    this.timer = setInterval(() => this.wake(), this.settings.pollMs)
    this.timer.unref()
    this.wake()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.timer)
    await Promise.all(this.inFlight)
  }

  /** Fills every free worker slot with a claimed document. */
  wake(): void {
    while (!this.stopped && this.running < this.settings.concurrency) {
      this.running++
      const work = this.claimAndRun()
        .catch(this.onError)
        .finally(() => {
          this.running--
          this.inFlight.delete(work)
        })
      this.inFlight.add(work)
    }
  }

  private async claimAndRun(): Promise<void> {
    for (;;) {
      if (this.stopped) return
      const document = await this.claim()
      if (document === undefined) return
      const stopRenewing = this.keepLease(document)
      try {
        if (document.status === 'DELETING') await this.purge(document)
        else await this.process(document)
      } finally {
        stopRenewing()
      }
    }
  }

  private async claim(): Promise<DocumentRow | undefined> {
    const now = isoTime(this.clock.now())
    const candidates = await this.db
      .selectFrom('documents')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb('status', '=', 'QUEUED'),
          eb.and([
            eb('status', 'in', ['PROCESSING', 'DELETING']),
            eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]),
          ]),
        ]),
      )
      .orderBy('pk')
      .limit(5)
      .execute()

    for (const candidate of candidates) {
      const claimed = await this.take(candidate, now)
      if (claimed !== undefined) return claimed
    }
    return undefined
  }

  /** The conditional update is the lock: it succeeds for one worker only. */
  private async take(candidate: DocumentRow, now: string): Promise<DocumentRow | undefined> {
    const status = candidate.status === 'DELETING' ? 'DELETING' : 'PROCESSING'
    const lease = isoTime(this.clock.now() + this.settings.leaseMs)
    let update = this.db
      .updateTable('documents')
      .set({ status, lease_until: lease, attempts: candidate.attempts + 1, updated_at: now })
      .where('pk', '=', candidate.pk)
      .where('status', '=', candidate.status)
      .where('attempts', '=', candidate.attempts)
    update =
      candidate.lease_until === null
        ? update.where('lease_until', 'is', null)
        : update.where('lease_until', '=', candidate.lease_until)

    return update.returningAll().executeTakeFirst()
  }

  /**
   * Renews the claim every third of the lease while the document is worked on, so however long
   * a parse takes (up to the inspector's deadline), no other worker takes the document over.
   * The conditions match only this claim: a cancelled or re-claimed document is left alone.
   */
  private keepLease(document: DocumentRow): () => void {
    const timer = setInterval(() => {
      this.db
        .updateTable('documents')
        .set({ lease_until: isoTime(this.clock.now() + this.settings.leaseMs) })
        .where('pk', '=', document.pk)
        .where('status', '=', document.status)
        .where('attempts', '=', document.attempts)
        .execute()
        .catch(this.onError)
    }, this.settings.leaseMs / 3)
    timer.unref()
    return () => clearInterval(timer)
  }

  private async process(document: DocumentRow): Promise<void> {
    if (document.attempts > this.settings.maxAttempts) {
      await this.finish(document, { ok: false, rejection: REJECTION_REASONS.invalid })
      return
    }

    let changes = {}
    for (const stage of this.stages) {
      if (stage.contentTypes?.includes(document.content_type) === false) continue
      const result = await stage.run(document)
      if (!result.ok) {
        await this.finish(document, result)
        return
      }
      changes = { ...changes, ...result.changes }
    }
    await this.finish(document, { ok: true, changes })
  }

  /**
   * Records the outcome unless the document was cancelled or removed meanwhile, or another
   * worker claimed it after this one's lease ran out (its attempt count moved on).
   */
  private async finish(document: DocumentRow, result: StageResult): Promise<void> {
    const now = isoTime(this.clock.now())
    await this.db.transaction().execute(async (trx) => {
      const values = result.ok
        ? { ...result.changes, status: 'VERIFICATION_COMPLETE' }
        : {
            status: 'REJECTED',
            rejection_reason: result.rejection.reason,
            rejection_reason_description: result.rejection.description,
          }
      const updated = await trx
        .updateTable('documents')
        .set({ ...values, lease_until: null, updated_at: now })
        .where('pk', '=', document.pk)
        .where('status', '=', 'PROCESSING')
        .where('attempts', '=', document.attempts)
        .returningAll()
        .executeTakeFirst()
      if (updated === undefined) return

      const book = await trx
        .selectFrom('books')
        .selectAll()
        .where('pk', '=', updated.book_pk)
        .executeTakeFirstOrThrow()
      if (result.ok && result.changes?.document_class !== undefined)
        await this.events.classified(trx, book, updated)
      if (result.ok) await this.events.verified(trx, book, updated)
      else await this.events.rejected(trx, book, updated)
      await this.settleBook(trx, book)
    })
  }

  /** When the last unfinished document of a book is done, the book is verified. */
  private async settleBook(trx: Kysely<Database>, book: BookRow): Promise<void> {
    const docs = await trx
      .selectFrom('documents')
      .selectAll()
      .where('book_pk', '=', book.pk)
      .where('status', 'not in', GONE_STATUSES)
      .execute()
    if (docs.some((d) => (UNFINISHED_STATUSES as readonly string[]).includes(d.status))) return
    await this.events.bookSettled(trx, book, docs)
  }

  /**
   * A removed document: its blob goes first, with the page renders made from it and the images
   * it was made from, then the row is marked DELETED. Each step may run again after a crash.
   */
  private async purge(document: DocumentRow): Promise<void> {
    await this.renders.remove(document.uuid)
    if (document.blob_key !== null) await this.blobs.remove(document.blob_key)
    if (document.image_group_pk !== null) await this.purgeImages(document.image_group_pk)
    await this.db
      .updateTable('documents')
      .set({
        status: 'DELETED',
        blob_key: null,
        lease_until: null,
        updated_at: isoTime(this.clock.now()),
      })
      .where('pk', '=', document.pk)
      .where('status', '=', 'DELETING')
      .execute()
  }

  private async purgeImages(groupPk: number): Promise<void> {
    const images = await this.db
      .selectFrom('images')
      .select('blob_key')
      .where('image_group_pk', '=', groupPk)
      .execute()
    for (const image of images) await this.blobs.remove(image.blob_key)
    await this.db.deleteFrom('images').where('image_group_pk', '=', groupPk).execute()
  }
}
