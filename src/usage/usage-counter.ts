import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database } from '../db/schema.js'

const DAY_MS = 86_400_000

interface Pending {
  clientId: string
  orgId: string
  day: string
  n: number
  /** When the last of these requests came, for the credential's "last used" time. */
  at: number
}

/**
 * Counts bearer API requests per credential per UTC day, and when each credential was last
 * used. Counting is a map increment on the
 * request path; the counts reach the database in one upsert per credential and day every few
 * seconds, so the API does not pay a write per request. A crash loses at most that interval.
 */
export class UsageCounter {
  private pending = new Map<string, Pending>()
  private timer: NodeJS.Timeout | undefined
  private flushing: Promise<void> = Promise.resolve()
  private day = { name: '', start: Infinity }

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly flushMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.flush(), this.flushMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
    await this.flush()
  }

  count(clientId: string, orgId: string): void {
    const now = this.clock.now()
    const day = this.today(now)
    const key = `${clientId} ${day}`
    const entry = this.pending.get(key)
    if (entry !== undefined) {
      entry.n += 1
      entry.at = now
    } else this.pending.set(key, { clientId, orgId, day, n: 1, at: now })
  }

  /**
   * The UTC day, as YYYY-MM-DD. Formatting the date on every request showed in profiles of the
   * bearer API; the string is now made again only when the clock leaves the day it names.
   */
  private today(now: number): string {
    if (now < this.day.start || now >= this.day.start + DAY_MS) {
      const name = isoTime(now).slice(0, 10)
      this.day = { name, start: Date.parse(name) }
    }
    return this.day.name
  }

  /** Writes what was counted so far; runs one at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch(this.onError)
    return this.flushing
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return
    const batch = [...this.pending.values()]
    this.pending = new Map()

    for (const entry of batch) {
      await this.db
        .insertInto('api_usage')
        .values({
          client_id: entry.clientId,
          org_id: entry.orgId,
          day: entry.day,
          requests: entry.n,
        })
        .onConflict((oc) =>
          oc.columns(['client_id', 'day']).doUpdateSet((eb) => ({
            requests: eb('api_usage.requests', '+', eb.ref('excluded.requests')),
          })),
        )
        .execute()
      await this.touch(entry)
    }
  }

  /** Moves the credential's last use forward, never back (another process may be ahead). */
  private async touch(entry: Pending): Promise<void> {
    const at = isoTime(entry.at)
    await this.db
      .updateTable('clients')
      .set({ last_used_at: at })
      .where('client_id', '=', entry.clientId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', at)]))
      .execute()
  }

  /** Each credential's requests on each of the last `days` days, oldest first. */
  async daily(orgId: string, days: number) {
    await this.flush()
    const today = Date.parse(isoTime(this.clock.now()).slice(0, 10))
    const dates = Array.from({ length: days }, (_, i) =>
      isoTime(today - (days - 1 - i) * 86_400_000).slice(0, 10),
    )
    const rows = await this.db
      .selectFrom('api_usage')
      .select(['client_id', 'day', 'requests'])
      .where('org_id', '=', orgId)
      .where('day', '>=', dates[0] as string)
      .execute()
    return { dates, rows }
  }
}
