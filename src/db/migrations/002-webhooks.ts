import type { Kysely } from 'kysely'

import type { Dialect } from '../database.js'

/** Webhook subscriptions, their deliveries (the outbox the worker drains) and each attempt. */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('webhooks')
    .addColumn('uuid', 'text', (c) => c.primaryKey())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // Account-level (legacy) webhooks belong to one credential, and there is one per credential.
    .addColumn('client_id', 'text', (c) =>
      c.unique().references('clients.client_id').onDelete('cascade'),
    )
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('is_active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('secret_sealed', 'text')
    .addColumn('event_names', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhooks_org_kind')
    .on('webhooks')
    .columns(['org_id', 'kind'])
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('uuid', 'text', (c) => c.primaryKey())
    .addColumn('webhook_uuid', 'text', (c) =>
      c.notNull().references('webhooks.uuid').onDelete('cascade'),
    )
    .addColumn('org_id', 'text', (c) => c.notNull())
    .addColumn('event_name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_webhook')
    .on('webhook_deliveries')
    .columns(['webhook_uuid', 'created_at'])
    .execute()

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('delivery_uuid', 'text', (c) =>
      c.notNull().references('webhook_deliveries.uuid').onDelete('cascade'),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('response_snippet', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_uuid', 'attempt'])
    .execute()
}
