import type { Database as SqliteDatabase, Statement } from 'better-sqlite3'
import type { SqliteDatabase as KyselySqliteDatabase } from 'kysely'
import { LRUCache } from 'lru-cache'

/** Distinct SQL texts kept prepared; `in (…)` lists of every length make the set open-ended. */
const MAX_STATEMENTS = 500

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running the
 * small indexed queries the API makes. This keeps prepared statements by SQL text. SQLite
 * re-prepares a statement by itself when the schema changes under it.
 */
export function withStatementCache(database: SqliteDatabase): KyselySqliteDatabase {
  const statements = new LRUCache<string, Statement>({ max: MAX_STATEMENTS })

  return {
    close: () => database.close(),
    prepare(sql: string) {
      const cached = statements.get(sql)
      // A statement still being iterated (a streamed query) cannot run a second time meanwhile.
      if (cached !== undefined && !cached.busy) return cached

      const statement = database.prepare(sql)
      if (cached === undefined) statements.set(sql, statement)
      return statement
    },
  }
}
