import { sql, type Expression, type Kysely } from 'kysely'

import type { Database } from '../db/schema.js'

/**
 * `status = 'pending'` written into the SQL rather than bound: only then can SQLite and
 * PostgreSQL use the index that holds pending deliveries alone (migration 007).
 */
export const PENDING = sql.lit('pending' as const)

/**
 * The webhooks with a delivery due at `now`, at most `limit`, the one whose oldest due delivery
 * has waited longest first.
 *
 * One webhook may have a backlog of any size, so this never reads deliveries one by one: it
 * steps from one webhook with pending deliveries to the next, each step one seek in the index
 * of pending deliveries, and reads each one's earliest `next_attempt_at` with one more. The
 * cost grows with the webhooks that have pending deliveries, not with the deliveries. Neither
 * SQLite nor PostgreSQL skips through an index this way by itself, hence the recursive query.
 */
export async function dueWebhooks(
  db: Kysely<Database>,
  now: string,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .withRecursive('pending(webhook_uuid)', (cte) =>
      cte.selectNoFrom(nextPendingWebhook(db).as('webhook_uuid')).unionAll(
        cte
          .selectFrom('pending')
          .select((eb) => nextPendingWebhook(db, eb.ref('pending.webhook_uuid')).as('webhook_uuid'))
          .where('pending.webhook_uuid', 'is not', null),
      ),
    )
    .with('oldest', (cte) =>
      cte
        .selectFrom('pending')
        .select((eb) => [
          'pending.webhook_uuid',
          earliestPending(db, eb.ref('pending.webhook_uuid')).as('due'),
        ])
        .where('pending.webhook_uuid', 'is not', null),
    )
    .selectFrom('oldest')
    .select('webhook_uuid')
    .where('due', '<=', now)
    .orderBy('due')
    .limit(limit)
    .execute()

  return rows.map((row) => row.webhook_uuid as string)
}

/** The first webhook, after `after` if given, that has a pending delivery. */
function nextPendingWebhook(db: Kysely<Database>, after?: Expression<string | null>) {
  return db
    .selectFrom('webhook_deliveries')
    .select('webhook_uuid')
    .where('status', '=', PENDING)
    .$if(after !== undefined, (q) => q.where('webhook_uuid', '>', after as Expression<string>))
    .orderBy('webhook_uuid')
    .limit(1)
}

/** When the webhook's earliest pending delivery is due, or its earliest claim runs out. */
function earliestPending(db: Kysely<Database>, webhookUuid: Expression<string | null>) {
  return db
    .selectFrom('webhook_deliveries')
    .select('next_attempt_at')
    .where('status', '=', PENDING)
    .where('webhook_uuid', '=', webhookUuid as Expression<string>)
    .orderBy('next_attempt_at')
    .limit(1)
}
