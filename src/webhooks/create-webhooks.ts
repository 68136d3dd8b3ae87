import type { Kysely } from 'kysely'

import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Database } from '../db/schema.js'
import type { Log } from '../log.js'
import { AccountWebhookService } from './account-webhook-service.js'
import { AddressPolicy } from './address-policy.js'
import { DeliveryQueue } from './delivery-queue.js'
import { DeliveryWorker } from './delivery-worker.js'
import { WebhookEmitter } from './webhook-emitter.js'
import { WebhookRules } from './webhook-rules.js'
import { WebhookSender } from './webhook-sender.js'
import { WebhookService } from './webhook-service.js'
import { deliveryTarget } from './webhook-store.js'
import { LEASE_MARGIN_MS } from './webhook-values.js'

export interface WebhookOptions {
  config: Config
  db: Kysely<Database>
  clock: Clock
  /** Seals webhook secrets; derived from the server key like the signing-key seal. */
  sealKey: Buffer
  log: Log
  onError: (error: unknown) => void
}

/**
 * Wires the webhooks: rules, outbox, sender and worker. The worker is not started here; a
 * serving process starts it, a one-off CLI command does not. Throws TypeError on a malformed
 * QUIRE_WEBHOOK_ALLOWED_HOSTS.
 */
export function createWebhooks(options: WebhookOptions): WebhookService {
  const { config, db, clock, sealKey } = options
  const policy = new AddressPolicy({
    allowPrivate: config.webhookAllowPrivate,
    allowedHosts: config.webhookAllowedHosts,
  })
  const rules = new WebhookRules(policy, config.webhookTimeoutMs)
  const queue = new DeliveryQueue(db, clock, {
    leaseMs: config.webhookTimeoutMs + LEASE_MARGIN_MS,
    maxAttempts: 1 + config.webhookRetries,
    retryBaseMs: config.webhookRetryBaseMs,
  })

  const worker = new DeliveryWorker(
    queue,
    new WebhookSender(policy, clock, config.webhookTimeoutMs),
    (webhookUuid) => deliveryTarget(db, sealKey, webhookUuid),
    {
      concurrency: config.webhookConcurrency,
      perWebhook: config.webhookConcurrencyPerWebhook,
      pollMs: config.webhookPollMs,
    },
    options.log,
    options.onError,
  )

  return new WebhookService({
    db,
    clock,
    rules,
    queue,
    worker,
    sealKey,
    emitter: new WebhookEmitter(db, queue, () => worker.wake()),
    account: new AccountWebhookService(db, clock, rules, queue, worker, sealKey),
  })
}
