import fs from 'node:fs'
import path from 'node:path'

import SQLite from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'

import type { Config } from '../config.js'
import type { Database } from './schema.js'
import { withStatementCache } from './statement-cache.js'

export type Dialect = 'sqlite' | 'postgres'

export interface Storage {
  readonly db: Kysely<Database>
  readonly dialect: Dialect
  /** Where the SQLite file lives, or a redacted PostgreSQL URL, for start-up messages. */
  readonly location: string
}

/** Opens the system of record: PostgreSQL when a URL is configured, else a SQLite file. */
export function openStorage(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Storage {
  if (config.databaseUrl !== undefined) return openPostgres(config.databaseUrl)
  return openSqlite(config.dataDir)
}

function openSqlite(dataDir: string): Storage {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, 'quire.sqlite')
  const database = new SQLite(file)

  // WAL lets the CLI write while the server reads; the timeout makes writers queue, not fail.
  database.pragma('journal_mode = WAL')
  database.pragma('busy_timeout = 5000')
  database.pragma('foreign_keys = ON')
  database.pragma('synchronous = NORMAL')

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
  })
  return { db, dialect: 'sqlite', location: file }
}

function openPostgres(url: string): Storage {
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return { db, dialect: 'postgres', location: redactUrl(url) }
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return 'postgres://…'
  }
}
