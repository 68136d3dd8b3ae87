import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'

import { BlobNotFound, type BlobStore } from './blob-store.js'
import { fsyncFile } from './staging.js'

const KEY = /^[0-9a-f]{32}$/
const TEMP = /^[0-9a-f]{32}\.part$/
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
    try {
      await fs.promises.rename(stagedPath, target)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
      await copyIntoPlace(stagedPath, target)
    }
    await fsyncDirectory(path.dirname(target))
    return key
  }

  async open(key: string): Promise<Readable> {
    const handle = await fs.promises.open(this.pathOf(key), 'r').catch(notFound)
    return handle.createReadStream()
  }

  async withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T> {
    const file = this.pathOf(key)
    await fs.promises.access(file, fs.constants.R_OK).catch(notFound)
    return use(file)
  }

  async remove(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true })
  }

  /** Also removes the temporary files of copies a killed process left half-written. */
  async sweep(
    isReferenced: (keys: string[]) => Promise<Set<string>>,
    minAgeMs: number,
  ): Promise<number> {
    const cutoff = Date.now() - minAgeMs
    const old = this.allFiles().filter((file) => (modifiedAt(file) ?? Infinity) < cutoff)
    for (const temp of old.filter((file) => TEMP.test(path.basename(file))))
      await fs.promises.rm(temp, { force: true })

    const keys = old.map((file) => path.basename(file)).filter((name) => KEY.test(name))
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

  private allFiles(): string[] {
    if (!fs.existsSync(this.root)) return []
    return fs
      .readdirSync(this.root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((dir) =>
        fs
          .readdirSync(path.join(this.root, dir.name))
          .map((name) => path.join(this.root, dir.name, name)),
      )
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new TypeError('malformed blob key')
    return path.join(this.root, key.slice(0, 2), key)
  }
}

/**
 * Staging on another file system cannot be renamed into place: the bytes are copied to a
 * temporary file beside the target, flushed, and that is renamed, so the blob still appears
 * whole or not at all.
 */
async function copyIntoPlace(stagedPath: string, target: string): Promise<void> {
  const temp = `${target}.part`
  try {
    await fs.promises.copyFile(stagedPath, temp)
    await fsyncFile(temp)
    await fs.promises.rename(temp, target)
  } catch (error) {
    await fs.promises.rm(temp, { force: true })
    throw error
  }
  await fs.promises.rm(stagedPath, { force: true })
}

async function fsyncDirectory(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** A file another worker removed meanwhile has no age, and is left alone. */
function modifiedAt(file: string): number | undefined {
  try {
    return fs.statSync(file).mtimeMs
  } catch {
    return undefined
  }
}

function notFound(error: NodeJS.ErrnoException): never {
  if (error.code === 'ENOENT') throw new BlobNotFound()
  throw error
}
