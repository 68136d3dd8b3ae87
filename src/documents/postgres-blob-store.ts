import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

import type { Kysely } from 'kysely'

import type { Database } from '../db/schema.js'
import { BlobNotFound, type BlobStore } from './blob-store.js'

const CHUNK_BYTES = 1024 * 1024

/**
 * Blobs in PostgreSQL, in 1 MiB chunks, so every API process of a deployment reads the same
 * files. A blob and all its chunks are written in one transaction: readers see all or nothing.
 * Reading fetches one chunk at a time, so a large file never sits whole in memory.
 */
export class PostgresBlobStore implements BlobStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly scratchDir: string,
  ) {}

  async put(stagedPath: string): Promise<string> {
    const key = crypto.randomBytes(16).toString('hex')

    await this.db.transaction().execute(async (trx) => {
      let size = 0
      let seq = 0
      for await (const chunk of fs.createReadStream(stagedPath, { highWaterMark: CHUNK_BYTES })) {
        await trx
          .insertInto('blob_chunks')
          .values({ blob_key: key, seq: seq++, data: chunk as Buffer })
          .execute()
        size += (chunk as Buffer).length
      }
      await trx
        .insertInto('blobs')
        .values({ blob_key: key, size, chunks: seq, created_at: new Date().toISOString() })
        .execute()
    })

    await fs.promises.rm(stagedPath, { force: true })
    return key
  }

  async open(key: string): Promise<Readable> {
    const blob = await this.db
      .selectFrom('blobs')
      .select('chunks')
      .where('blob_key', '=', key)
      .executeTakeFirst()
    if (blob === undefined) throw new BlobNotFound()

    const db = this.db
    async function* chunks() {
      for (let seq = 0; seq < blob!.chunks; seq++) {
        const row = await db
          .selectFrom('blob_chunks')
          .select('data')
          .where('blob_key', '=', key)
          .where('seq', '=', seq)
          .executeTakeFirstOrThrow()
        yield row.data
      }
    }
    return Readable.from(chunks())
  }

  /** Copies the blob to a scratch file for the parser child, and removes it afterwards. */
  async withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    await fs.promises.mkdir(this.scratchDir, { recursive: true })
    const file = path.join(this.scratchDir, `${crypto.randomUUID()}.part`)
    try {
      await pipeline(await this.open(key), fs.createWriteStream(file, { flags: 'wx', mode: 0o600 }))
      return await use(file)
    } finally {
      await fs.promises.rm(file, { force: true })
    }
  }

  async remove(key: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('blob_chunks').where('blob_key', '=', key).execute()
      await trx.deleteFrom('blobs').where('blob_key', '=', key).execute()
    })
  }

  async sweep(
    isReferenced: (keys: string[]) => Promise<Set<string>>,
    minAgeMs: number,
  ): Promise<number> {
    const cutoff = new Date(Date.now() - minAgeMs).toISOString()
    const rows = await this.db
      .selectFrom('blobs')
      .select('blob_key')
      .where('created_at', '<', cutoff)
      .execute()
    const keys = rows.map((r) => r.blob_key)
    const kept = keys.length === 0 ? new Set<string>() : await isReferenced(keys)

    const orphans = keys.filter((k) => !kept.has(k))
    for (const key of orphans) await this.remove(key)
    return orphans.length
  }
}
