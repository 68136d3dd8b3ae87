import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'

import type { BlobStore } from './blob-store.js'
import { fsyncFile } from './staging.js'

const KEY = /^[0-9a-f]{32}$/
const SWEEP_BATCH = 500

/**
 * Blobs as files under `<data dir>/blobs/ab/abcdef…`. The staged file, already flushed, is
 * renamed into place (atomic on one file system) and the folder flushed, so after a crash a
 * blob is either whole or absent.
 */
export class DiskBlobStore implements BlobStore {
  constructor(private readonly root: string) {}

  async put(stagedPath: string): Promise<string> {
    const key = crypto.randomBytes(16).toString('hex')
    const target = this.pathOf(key)
    await fs.promises.mkdir(path.dirname(target), { recursive: true })

    await fsyncFile(stagedPath)
    await fs.promises.rename(stagedPath, target)
    await fsyncDirectory(path.dirname(target))
    return key
  }

  async open(key: string): Promise<Readable> {
    const handle = await fs.promises.open(this.pathOf(key), 'r')
    return handle.createReadStream()
  }

  withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    return use(this.pathOf(key))
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true })
  }

  async sweep(
    isReferenced: (keys: string[]) => Promise<Set<string>>,
    minAgeMs: number,
  ): Promise<number> {
    const cutoff = Date.now() - minAgeMs
    const keys = this.allKeys().filter((key) => fs.statSync(this.pathOf(key)).mtimeMs < cutoff)
    let removed = 0
    for (let i = 0; i < keys.length; i += SWEEP_BATCH) {
      const batch = keys.slice(i, i + SWEEP_BATCH)
      const kept = await isReferenced(batch)
      for (const key of batch.filter((k) => !kept.has(k))) {
        await this.remove(key)
        removed++
      }
    }
    return removed
  }

  private allKeys(): string[] {
    if (!fs.existsSync(this.root)) return []
    return fs
      .readdirSync(this.root)
      .flatMap((dir) => fs.readdirSync(path.join(this.root, dir)))
      .filter((name) => KEY.test(name))
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new TypeError('malformed blob key')
    return path.join(this.root, key.slice(0, 2), key)
  }
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
