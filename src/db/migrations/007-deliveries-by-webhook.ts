import { sql, type Kysely } from 'kysely'

/**
 * The delivery worker shares its slots out per webhook: it steps through the webhooks that have
 * pending deliveries and takes the oldest due ones of each. This index holds only the pending
 * deliveries, by webhook and then by when they are due, so each step is one seek however large
 * one webhook's backlog grows, and finished deliveries, which are kept, never weigh on it.
 * Queries must spell `status = 'pending'` as a literal for either database to use it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('webhook_deliveries_pending')
    .on('webhook_deliveries')
    .columns(['webhook_uuid', 'next_attempt_at'])
    .where(sql.ref('status'), '=', 'pending')
    .execute()
}
