import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import SQLite from 'better-sqlite3'
import pg from 'pg'

import { createSchema, dropSchema, schemaUrl, type DialectName } from '../../support/app.js'
import { startServer, type QuireServer } from './server.js'

/**
 * One installation of Quire as an operator has it: a data dir, and on PostgreSQL a schema of
 * its own, outliving the `quire serve` processes started on it, so a test can kill one and
 * start the next on the same state. Its database can be read beneath the API, also while no
 * server runs.
 */
export class Deployment {
  private constructor(
    readonly dialect: DialectName,
    readonly dataDir: string,
    private readonly schema: string | undefined,
  ) {}

  static async create(dialect: DialectName): Promise<Deployment> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-crash-'))
    const schema = dialect === 'postgres' ? await createSchema() : undefined
    return new Deployment(dialect, dataDir, schema)
  }

  /** `quire serve` on this deployment, with `env` on top of the storage settings. */
  start(env: Record<string, string> = {}): Promise<QuireServer> {
    const storage: Record<string, string> =
      this.schema === undefined ? {} : { DATABASE_URL: schemaUrl(this.schema) }
    return startServer({ ...storage, ...env }, { dataDir: this.dataDir })
  }

  /** Rows of a plain SELECT, from the SQLite file or the schema, whether a server runs or not. */
  async query<T = Record<string, unknown>>(text: string): Promise<T[]> {
    if (this.schema === undefined) {
      const db = new SQLite(path.join(this.dataDir, 'quire.sqlite'), { readonly: true })
      try {
        return db.prepare(text).all() as T[]
      } finally {
        db.close()
      }
    }
    const client = new pg.Client({ connectionString: schemaUrl(this.schema) })
    await client.connect()
    try {
      return (await client.query(text)).rows as T[]
    } finally {
      await client.end()
    }
  }

  /** Files anywhere under a folder of the data dir (staging, scratch, blobs). */
  files(folder: string): string[] {
    const dir = path.join(this.dataDir, folder)
    if (!fs.existsSync(dir)) return []
    return fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name))
  }

  /** Stored blobs, wherever this deployment keeps them. */
  async blobCount(): Promise<number> {
    if (this.schema === undefined) return this.files('blobs').length
    const [row] = await this.query<{ n: string }>('select count(*) as n from blobs')
    return Number(row?.n)
  }

  async remove(): Promise<void> {
    if (this.schema !== undefined) await dropSchema(this.schema)
    fs.rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** Polls `probe` until it answers something; the test's own timeout bounds the wait. */
export async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    await sleep(100)
  }
}
