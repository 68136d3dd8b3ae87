import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely'

import type { Storage } from './database.js'
import * as initial from './migrations/001-initial.js'
import * as webhooks from './migrations/002-webhooks.js'
import * as documents from './migrations/003-documents.js'
import * as imageGroupsAndData from './migrations/004-image-groups-and-data.js'
import * as accounts from './migrations/005-accounts.js'
import * as booksByOrg from './migrations/006-books-by-org.js'
import * as deliveriesByWebhook from './migrations/007-deliveries-by-webhook.js'
import * as invitationIds from './migrations/008-invitation-ids.js'

/** Migrations in order; each takes the dialect because identity columns differ. */
const MIGRATIONS = {
  '001-initial': initial,
  '002-webhooks': webhooks,
  '003-documents': documents,
  '004-image-groups-and-data': imageGroupsAndData,
  '005-accounts': accounts,
  '006-books-by-org': booksByOrg,
  '007-deliveries-by-webhook': deliveriesByWebhook,
  '008-invitation-ids': invitationIds,
} as const

class StaticMigrations implements MigrationProvider {
  constructor(private readonly storage: Storage) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const dialect = this.storage.dialect
    return Object.fromEntries(
      Object.entries(MIGRATIONS).map(([name, module]) => [
        name,
        { up: (db) => module.up(db, dialect) },
      ]),
    )
  }
}

/** Applies every pending migration; safe to call from several processes at once. */
export async function migrateToLatest(storage: Storage): Promise<string[]> {
  const migrator = new Migrator({
    db: storage.db,
    provider: new StaticMigrations(storage),
    // Without a schema Kysely looks for its bookkeeping tables in every schema, so a database
    // shared by several Quire schemas would confuse it.
    ...(storage.dialect === 'postgres' && { migrationTableSchema: await currentSchema(storage) }),
  })
  const { error, results } = await migrateRetryingSchemaRace(migrator)

  if (error !== undefined) {
    throw new Error('database migration failed', { cause: error })
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
}

const SCHEMA_RACE_ATTEMPTS = 3
/** invalid_schema_name, and undefined_column raised for a table dropped while it was listed. */
const SCHEMA_RACE_CODES = new Set(['3F000', '42703'])

/**
 * Kysely's migrator lists the tables of every schema to find its own, checking each schema's
 * privileges by name: a schema another tenant of the database drops meanwhile fails that query
 * with invalid_schema_name (3F000), although this schema is fine. Listing again succeeds.
 */
async function migrateRetryingSchemaRace(migrator: Migrator) {
  for (let attempt = 1; ; attempt++) {
    const outcome = await migrator.migrateToLatest()
    const code = (outcome.error as { code?: string } | undefined)?.code
    if (!SCHEMA_RACE_CODES.has(code ?? '') || attempt === SCHEMA_RACE_ATTEMPTS) return outcome
  }
}

async function currentSchema(storage: Storage): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
    storage.db,
  )
  const schema = rows[0]?.schema
  if (schema === undefined) throw new Error('PostgreSQL has no current schema: check search_path')
  return schema
}
