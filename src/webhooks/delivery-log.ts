import type { Kysely } from 'kysely'

import type {
  Database,
  WebhookAttemptRow,
  WebhookDeliveryRow,
  WebhookDeliveryStatus,
} from '../db/schema.js'

export interface DeliveryQuery {
  status?: WebhookDeliveryStatus
  limit: number
  offset: number
}

export interface DeliveryPage {
  deliveries: { delivery: WebhookDeliveryRow; attempts: WebhookAttemptRow[] }[]
  total: number
}

/** The deliveries of one webhook, newest first, each with its attempts in order. */
export async function readDeliveries(
  db: Kysely<Database>,
  orgId: string,
  webhookUuid: string,
  query: DeliveryQuery,
): Promise<DeliveryPage> {
  let base = db
    .selectFrom('webhook_deliveries')
    .where('org_id', '=', orgId)
    .where('webhook_uuid', '=', webhookUuid)
  if (query.status !== undefined) base = base.where('status', '=', query.status)

  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('uuid')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow(),
  ])

  const attempts = await attemptsOf(
    db,
    rows.map((r) => r.uuid),
  )
  return {
    deliveries: rows.map((delivery) => ({
      delivery,
      attempts: attempts.filter((a) => a.delivery_uuid === delivery.uuid),
    })),
    total: Number(count.total),
  }
}

async function attemptsOf(db: Kysely<Database>, uuids: string[]): Promise<WebhookAttemptRow[]> {
  if (uuids.length === 0) return []
  return db
    .selectFrom('webhook_attempts')
    .selectAll()
    .where('delivery_uuid', 'in', uuids)
    .orderBy('attempt')
    .execute()
}
