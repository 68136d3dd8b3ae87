import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database, WebhookRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import { seal } from '../oauth/key-sealing.js'
import type { AccountWebhookService } from './account-webhook-service.js'
import { readDeliveries, type DeliveryPage, type DeliveryQuery } from './delivery-log.js'
import type { DeliveryQueue } from './delivery-queue.js'
import type { DeliveryWorker } from './delivery-worker.js'
import { samplePayload } from './sample-payloads.js'
import type { WebhookEmitter } from './webhook-emitter.js'
import { findEvent, findEventByUuid, type WebhookEventName } from './webhook-events.js'
import {
  checkDescription,
  checkEventNames,
  checkSecret,
  type WebhookRules,
} from './webhook-rules.js'
import { lockOrganization } from './webhook-store.js'
import { MAX_ORG_WEBHOOKS } from './webhook-values.js'
import { invalidInput } from './webhook-url.js'
import { eventNamesOf } from './webhook-view.js'

export interface WebhookInput {
  url?: string
  description?: string | null
  isActive?: boolean
  eventNames?: string[]
}

export interface WebhookParts {
  db: Kysely<Database>
  clock: Clock
  rules: WebhookRules
  queue: DeliveryQueue
  worker: DeliveryWorker
  emitter: WebhookEmitter
  account: AccountWebhookService
  sealKey: Buffer
}

/**
 * Org-level webhooks (reference §8.1), at most five per organization, and the emitter other
 * services call. Every read and write is scoped by `orgId`: another tenant's webhook is
 * "not found", the same as one that never existed.
 */
export class WebhookService {
  readonly account: AccountWebhookService
  readonly worker: DeliveryWorker
  private readonly db: Kysely<Database>

  constructor(private readonly parts: WebhookParts) {
    this.db = parts.db
    this.account = parts.account
    this.worker = parts.worker
  }

  /**
   * Records one pending delivery per active webhook of `orgId` subscribed to `eventName`,
   * inside the caller's transaction when `db` is one. Never makes a request itself, and an
   * organization without webhooks is no error.
   * @example await services.webhooks.emit(book.org_id, 'book.verified', payload, trx)
   */
  emit(
    orgId: string,
    eventName: WebhookEventName,
    payload: Record<string, unknown>,
    db?: Kysely<Database>,
  ): Promise<void> {
    return this.parts.emitter.emit(orgId, eventName, payload, db)
  }

  async create(orgId: string, input: WebhookInput): Promise<WebhookRow> {
    const url = await this.parts.rules.destination(input.url ?? '', 'webhook.url')
    const now = isoTime(this.parts.clock.now())
    const row: WebhookRow = {
      uuid: crypto.randomUUID(),
      org_id: orgId,
      kind: 'org',
      client_id: null,
      url,
      description: checkDescription(input.description),
      is_active: input.isActive === false ? 0 : 1,
      secret_sealed: null,
      event_names: JSON.stringify(checkEventNames(input.eventNames ?? [])),
      created_at: now,
      modified_at: now,
    }

    await this.db.transaction().execute(async (trx) => {
      const others = await this.othersLocked(trx, orgId, row.uuid)
      if (others.length >= MAX_ORG_WEBHOOKS) {
        throw new ApiError(1802, `an organization has at most ${MAX_ORG_WEBHOOKS} webhooks`)
      }
      assertUrlFree(others, url)
      await trx.insertInto('webhooks').values(row).execute()
    })
    return row
  }

  list(orgId: string): Promise<WebhookRow[]> {
    return this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('kind', '=', 'org')
      .orderBy('created_at')
      .orderBy('uuid')
      .execute()
  }

  async get(orgId: string, uuid: string): Promise<WebhookRow> {
    const webhook = await this.find(orgId, uuid)
    if (webhook === undefined) throw new ApiError(1801)
    return webhook
  }

  /** Changes what is given; `eventNames` replaces every subscription (reference §8.1). */
  async update(orgId: string, uuid: string, input: WebhookInput): Promise<WebhookRow> {
    const current = await this.get(orgId, uuid)
    const url =
      input.url === undefined
        ? undefined
        : await this.parts.rules.destination(input.url, 'webhook.url')
    const values = {
      ...(url !== undefined && { url }),
      ...(input.description !== undefined && { description: checkDescription(input.description) }),
      ...(input.isActive !== undefined && { is_active: input.isActive ? 1 : 0 }),
      ...(input.eventNames !== undefined && {
        event_names: JSON.stringify(checkEventNames(input.eventNames)),
      }),
    }
    if (Object.keys(values).length === 0) return current

    await this.db.transaction().execute(async (trx) => {
      if (url !== undefined) assertUrlFree(await this.othersLocked(trx, orgId, uuid), url)
      await trx
        .updateTable('webhooks')
        .set({ ...values, modified_at: isoTime(this.parts.clock.now()) })
        .where('uuid', '=', uuid)
        .where('org_id', '=', orgId)
        .execute()
    })
    return this.get(orgId, uuid)
  }

  /** Deletes the webhook with its delivery log; pending deliveries are dropped with it. */
  async remove(orgId: string, uuid: string): Promise<void> {
    const webhook = await this.get(orgId, uuid)
    await this.db
      .deleteFrom('webhooks')
      .where('uuid', '=', webhook.uuid)
      .where('org_id', '=', orgId)
      .execute()
  }

  /** Stores a new signing secret, sealed; answers false when there is no such webhook. */
  async rotateSecret(orgId: string, uuid: string, secret: string): Promise<boolean> {
    checkSecret(secret)
    const result = await this.db
      .updateTable('webhooks')
      .set({
        secret_sealed: seal(this.parts.sealKey, secret),
        modified_at: isoTime(this.parts.clock.now()),
      })
      .where('uuid', '=', uuid)
      .where('org_id', '=', orgId)
      .where('kind', '=', 'org')
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  /**
   * Queues a sample payload of one subscribed event (by its uuid, or its name) and wakes the
   * worker; the answer does not wait for the receiver. Recorded like any delivery.
   */
  async test(orgId: string, uuid: string, eventRef: string) {
    const webhook = await this.get(orgId, uuid)
    const event = findEventByUuid(eventRef) ?? findEvent(eventRef)
    if (event === undefined) throw invalidInput('"event_uuid" names no event')
    if (!eventNamesOf(webhook).includes(event.name))
      throw invalidInput('"event_uuid" names an event this webhook does not subscribe to')

    const payload = samplePayload(event)
    const [deliveryUuid] = await this.parts.queue.add([
      { webhookUuid: uuid, orgId, eventName: event.name, payload: JSON.stringify(payload) },
    ])
    this.worker.wake()
    return { payload, deliveryUuid: deliveryUuid as string }
  }

  /** The delivery log of any webhook of the organization, org-level or account-level. */
  async deliveries(orgId: string, uuid: string, query: DeliveryQuery): Promise<DeliveryPage> {
    const webhook = await this.db
      .selectFrom('webhooks')
      .select('uuid')
      .where('uuid', '=', uuid)
      .where('org_id', '=', orgId)
      .executeTakeFirst()
    if (webhook === undefined) throw new ApiError(1801)
    return readDeliveries(this.db, orgId, uuid, query)
  }

  private find(orgId: string, uuid: string): Promise<WebhookRow | undefined> {
    return this.db
      .selectFrom('webhooks')
      .selectAll()
      .where('uuid', '=', uuid)
      .where('org_id', '=', orgId)
      .where('kind', '=', 'org')
      .executeTakeFirst()
  }

  /** The organization's other org-level webhooks, read under its lock (see lockOrganization). */
  private async othersLocked(trx: Kysely<Database>, orgId: string, uuid: string) {
    await lockOrganization(trx, orgId)
    return trx
      .selectFrom('webhooks')
      .select(['uuid', 'url'])
      .where('org_id', '=', orgId)
      .where('kind', '=', 'org')
      .where('uuid', '!=', uuid)
      .execute()
  }
}

function assertUrlFree(others: { url: string }[], url: string): void {
  if (others.some((other) => other.url === url))
    throw invalidInput('"webhook.url" is already the URL of another webhook')
}
