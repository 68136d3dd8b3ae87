import type { Kysely } from 'kysely'

import type { Database } from '../db/schema.js'
import type { DeliveryQueue } from './delivery-queue.js'
import { LEGACY_ALIASES, type WebhookEventName } from './webhook-events.js'

/**
 * Turns an event into one pending delivery per active webhook of the organization that
 * subscribes to it: org-level ones by name, account-level ones by name or legacy alias (of
 * credentials not revoked). It only writes rows; the worker makes the POSTs.
 */
export class WebhookEmitter {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly queue: DeliveryQueue,
    private readonly wake: () => void,
  ) {}

  async emit(
    orgId: string,
    eventName: WebhookEventName,
    payload: Record<string, unknown>,
    db: Kysely<Database> = this.db,
  ): Promise<void> {
    const targets = await this.subscribers(db, orgId, eventName)
    if (targets.length === 0) return

    // The field is `event_name` (reference §8.3): first, and always the event's own name (a key
    // assigned again keeps its place).
    const body = JSON.stringify(
      Object.assign({ event_name: eventName }, payload, { event_name: eventName }),
    )
    await this.queue.add(
      targets.map((webhookUuid) => ({ webhookUuid, orgId, eventName, payload: body })),
      db,
    )

    // After the caller's transaction has had its chance to commit; the poll catches the rest.
    setImmediate(this.wake)
  }

  private async subscribers(
    db: Kysely<Database>,
    orgId: string,
    eventName: WebhookEventName,
  ): Promise<string[]> {
    const webhooks = await db
      .selectFrom('webhooks')
      .select(['uuid', 'kind', 'event_names'])
      .where('org_id', '=', orgId)
      .where('is_active', '=', 1)
      .where((eb) =>
        eb.or([
          eb('kind', '=', 'org'),
          eb(
            'client_id',
            'in',
            eb.selectFrom('clients').select('client_id').where('revoked_at', 'is', null),
          ),
        ]),
      )
      .orderBy('created_at')
      .execute()

    const alias = LEGACY_ALIASES[eventName]
    return webhooks
      .filter((webhook) => {
        const names = JSON.parse(webhook.event_names) as string[]
        if (names.includes(eventName)) return true
        return webhook.kind === 'account' && alias !== undefined && names.includes(alias)
      })
      .map((webhook) => webhook.uuid)
  }
}
