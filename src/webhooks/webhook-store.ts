import type { Kysely } from 'kysely'

import type { Database } from '../db/schema.js'
import { unseal } from '../oauth/key-sealing.js'
import type { DeliveryTarget } from './delivery-worker.js'

/**
 * Serializes the webhook changes of one organization: a no-op write to its row takes a row
 * lock on PostgreSQL and the write lock on SQLite, so two concurrent creates cannot both see
 * four webhooks and make a sixth.
 */
export async function lockOrganization(trx: Kysely<Database>, orgId: string): Promise<void> {
  await trx
    .updateTable('organizations')
    .set((eb) => ({ name: eb.ref('name') }))
    .where('id', '=', orgId)
    .execute()
}

/** The URL and clear secret a delivery goes to, or undefined once the webhook is gone. */
export async function deliveryTarget(
  db: Kysely<Database>,
  sealKey: Buffer,
  webhookUuid: string,
): Promise<DeliveryTarget | undefined> {
  const webhook = await db
    .selectFrom('webhooks')
    .select(['url', 'secret_sealed'])
    .where('uuid', '=', webhookUuid)
    .executeTakeFirst()
  if (webhook === undefined) return undefined

  const secret = webhook.secret_sealed === null ? null : unseal(sealKey, webhook.secret_sealed)
  return { url: webhook.url, secret }
}
