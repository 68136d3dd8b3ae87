import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database, WebhookRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import { seal } from '../oauth/key-sealing.js'
import type { DeliveryQueue } from './delivery-queue.js'
import type { Attempted, DeliveryWorker } from './delivery-worker.js'
import { checkLegacyEvents, checkSecret, type WebhookRules } from './webhook-rules.js'
import { invalidInput } from './webhook-url.js'
import { LEGACY_TEST_EVENT, LEGACY_TEST_PAYLOAD } from './webhook-values.js'

/** The account a legacy webhook belongs to: one credential of one organization. */
export interface Account {
  orgId: string
  clientId: string
}

/**
 * The legacy account-level webhook (reference §8.1): one per credential, replaced by each
 * registration, removed by registering an empty event list.
 */
export class AccountWebhookService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly rules: WebhookRules,
    private readonly queue: DeliveryQueue,
    private readonly worker: DeliveryWorker,
    private readonly sealKey: Buffer,
  ) {}

  /** Registers (or replaces) the webhook; answers undefined when the list deregisters it. */
  async register(
    account: Account,
    endpoint: string | undefined,
    events: string[],
  ): Promise<WebhookRow | undefined> {
    const names = checkLegacyEvents(events)
    if (names.length === 0) {
      await this.scope(this.db.deleteFrom('webhooks'), account).execute()
      return undefined
    }
    if (endpoint === undefined) throw invalidInput('"webhook_endpoint" is required')

    const url = await this.rules.destination(endpoint, 'webhook_endpoint')
    const now = isoTime(this.clock.now())
    const changes = { url, event_names: JSON.stringify(names), is_active: 1, modified_at: now }
    // One row per credential (a unique client_id): a second registration replaces the first,
    // keeping its uuid, secret and delivery log.
    await this.db
      .insertInto('webhooks')
      .values({
        ...changes,
        uuid: crypto.randomUUID(),
        org_id: account.orgId,
        kind: 'account',
        client_id: account.clientId,
        description: null,
        secret_sealed: null,
        created_at: now,
      })
      .onConflict((oc) => oc.column('client_id').doUpdateSet(changes))
      .execute()
    return this.find(account)
  }

  find(account: Account): Promise<WebhookRow | undefined> {
    return this.scope(this.db.selectFrom('webhooks').selectAll(), account).executeTakeFirst()
  }

  /**
   * Sends the documented test body now and waits for the answer, within the delivery timeout:
   * this endpoint reports the receiver's status code (reference §8.1), so it cannot queue.
   */
  async test(account: Account): Promise<Attempted | undefined> {
    const webhook = await this.find(account)
    if (webhook === undefined) throw new ApiError(1801, 'no webhook endpoint is registered')

    const claim = await this.queue.addClaimed({
      webhookUuid: webhook.uuid,
      orgId: account.orgId,
      eventName: LEGACY_TEST_EVENT,
      payload: JSON.stringify(LEGACY_TEST_PAYLOAD),
    })
    return this.worker.attempt(claim)
  }

  /** Stores a new signing secret, sealed; answers false when nothing is registered. */
  async rotateSecret(account: Account, secret: string): Promise<boolean> {
    checkSecret(secret)
    const result = await this.scope(
      this.db.updateTable('webhooks').set({
        secret_sealed: seal(this.sealKey, secret),
        modified_at: isoTime(this.clock.now()),
      }),
      account,
    ).executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  private scope<Q extends Scopable<Q>>(query: Q, account: Account): Q {
    return query
      .where('org_id', '=', account.orgId)
      .where('client_id', '=', account.clientId)
      .where('kind', '=', 'account')
  }
}

/** A Kysely query over `webhooks` that takes where clauses and keeps its type. */
interface Scopable<Q> {
  where(column: 'org_id' | 'client_id' | 'kind', op: '=', value: string): Q
}
