import SQLite from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { withStatementCache } from '../../src/db/statement-cache.js'

describe('SQLite statement cache', () => {
  let database: SQLite.Database
  beforeEach(() => {
    database = new SQLite(':memory:')
    database.exec('create table t (n integer); insert into t values (1), (2), (3)')
  })
  afterEach(() => database.close())

  it('prepares each SQL text once and answers with current rows', () => {
    const cached = withStatementCache(database)
    const first = cached.prepare('select n from t where n >= ?')
    expect(cached.prepare('select n from t where n >= ?')).toBe(first)

    database.exec('insert into t values (4)')
    expect(first.all([3])).toEqual([{ n: 3 }, { n: 4 }])
  })

  it('gives a fresh statement while the cached one is still being iterated', () => {
    const cached = withStatementCache(database)
    const sql = 'select n from t order by n'
    const iterating = cached.prepare(sql).iterate([])
    expect(iterating.next().value).toEqual({ n: 1 })

    const again = cached.prepare(sql)
    expect(again.all([])).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }])
    expect([...iterating]).toEqual([{ n: 2 }, { n: 3 }])
  })

  it('keeps working after the schema changed under a cached statement', () => {
    const cached = withStatementCache(database)
    expect(cached.prepare('select * from t where n = ?').all([1])).toEqual([{ n: 1 }])

    database.exec("alter table t add column label text default 'x'")
    expect(cached.prepare('select * from t where n = ?').all([1])).toEqual([{ n: 1, label: 'x' }])
  })
})
