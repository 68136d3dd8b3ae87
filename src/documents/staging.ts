import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Transform, Writable, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** A file received and hashed, waiting in the staging folder for inspection and storage. */
export interface StagedFile {
  path: string
  size: number
  md5: string
  sha256: string
  /** The first bytes, for sniffing the type without reading the file again. */
  head: Buffer
}

export class FileTooLarge extends Error {}

const HEAD_BYTES = 4096

/**
 * Uploads stream into `<data dir>/staging` while they are hashed and counted, and are flushed to
 * disk before anything refers to them. A staged file that no request finished is removed by
 * `sweep()` at start-up, so a killed process leaves nothing behind.
 */
export class Staging {
  constructor(readonly dir: string) {}

  /** Removes every staged file; called at start-up, when no upload can be in flight. */
  sweep(): number {
    return clearFolder(this.dir)
  }

  /** Streams `source` to a new staged file; FileTooLarge past `maxBytes`. */
  async receive(source: Readable, maxBytes: number): Promise<StagedFile> {
    const file = this.newPath()
    const digest = new Digest(maxBytes)

    try {
      const out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 })
      await pipeline(source, digest, out)
      await fsyncFile(file)
      return { path: file, ...digest.result() }
    } catch (error) {
      await fs.promises.rm(file, { force: true })
      throw error
    }
  }

  /** Hashes a file written into the staging folder by other means, so it is staged too. */
  async adopt(file: string): Promise<StagedFile> {
    const digest = new Digest(Number.MAX_SAFE_INTEGER)
    await pipeline(
      fs.createReadStream(file),
      digest,
      new Writable({ write: (_c, _e, next) => next() }),
    )
    return { path: file, ...digest.result() }
  }

  /** A fresh path in the staging folder for a file to be written there. */
  newPath(): string {
    fs.mkdirSync(this.dir, { recursive: true })
    return path.join(this.dir, `${crypto.randomUUID()}.part`)
  }

  async discard(staged: Pick<StagedFile, 'path'> | undefined): Promise<void> {
    if (staged !== undefined) await fs.promises.rm(staged.path, { force: true })
  }
}

/** Passes bytes through while hashing and counting them, failing past the size limit. */
class Digest extends Transform {
  private readonly md5 = crypto.createHash('md5')
  private readonly sha256 = crypto.createHash('sha256')
  private readonly headChunks: Buffer[] = []
  private headSize = 0
  private size = 0

  constructor(private readonly maxBytes: number) {
    super()
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (error?: Error | null, data?: Buffer) => void,
  ) {
    this.size += chunk.length
    if (this.size > this.maxBytes) return done(new FileTooLarge('file too large'))

    this.md5.update(chunk)
    this.sha256.update(chunk)
    if (this.headSize < HEAD_BYTES) {
      this.headChunks.push(chunk.subarray(0, HEAD_BYTES - this.headSize))
      this.headSize += Math.min(chunk.length, HEAD_BYTES - this.headSize)
    }
    done(null, chunk)
  }

  result() {
    return {
      size: this.size,
      md5: this.md5.digest('hex'),
      sha256: this.sha256.digest('hex'),
      head: Buffer.concat(this.headChunks),
    }
  }
}

/** Empties a folder of this process's temporary files, creating it if need be. */
export function clearFolder(dir: string): number {
  fs.mkdirSync(dir, { recursive: true })
  const names = fs.readdirSync(dir)
  for (const name of names) fs.rmSync(path.join(dir, name), { recursive: true, force: true })
  return names.length
}

export async function fsyncFile(file: string): Promise<void> {
  const handle = await fs.promises.open(file, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
