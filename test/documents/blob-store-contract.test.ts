import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'

import { afterEach, beforeEach, expect, it, vi } from 'vitest'

import { openStorage, type Storage } from '../../src/db/database.js'
import { migrateToLatest } from '../../src/db/migrate.js'
import { BlobNotFound, type BlobStore } from '../../src/documents/blob-store.js'
import { DiskBlobStore } from '../../src/documents/disk-blob-store.js'
import { PostgresBlobStore } from '../../src/documents/postgres-blob-store.js'
import {
  createSchema,
  describeEachDialect,
  dropSchema,
  schemaUrl,
  type DialectName,
} from '../support/app.js'

/**
 * One contract for every BlobStore: the disk store that SQLite deployments use, and the chunked
 * PostgreSQL store used when DATABASE_URL is set. The PostgreSQL store keeps 1 MiB chunks, so the
 * sizes below sit on and around chunk boundaries.
 */

const MIB = 1024 * 1024

interface Subject {
  store: BlobStore
  dir: string
  storage: Storage | undefined
  close(): Promise<void>
}

async function subjectFor(dialect: DialectName): Promise<Subject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-blobs-'))
  if (dialect === 'sqlite') {
    return {
      store: new DiskBlobStore(path.join(dir, 'blobs')),
      dir,
      storage: undefined,
      close: async () => fs.rmSync(dir, { recursive: true, force: true }),
    }
  }

  const schema = await createSchema()
  const storage = openStorage({ databaseUrl: schemaUrl(schema), dataDir: dir })
  await migrateToLatest(storage)
  return {
    store: new PostgresBlobStore(storage.db, path.join(dir, 'scratch')),
    dir,
    storage,
    async close() {
      await storage.db.destroy()
      await dropSchema(schema)
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function readAll(stream: Readable): Promise<{ bytes: Buffer; pieces: number[] }> {
  const pieces: Buffer[] = []
  for await (const piece of stream) pieces.push(piece as Buffer)
  return { bytes: Buffer.concat(pieces), pieces: pieces.map((p) => p.length) }
}

describeEachDialect('blob store contract', (dialect) => {
  let subject: Subject
  let staged = 0

  beforeEach(async () => {
    subject = await subjectFor(dialect)
  })
  afterEach(async () => {
    vi.restoreAllMocks()
    await subject.close()
  })

  function stage(bytes: Buffer): string {
    const dir = path.join(subject.dir, 'staging')
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, `staged-${staged++}.part`)
    fs.writeFileSync(file, bytes)
    return file
  }

  async function get(key: string): Promise<Buffer> {
    return (await readAll(await subject.store.open(key))).bytes
  }

  it.each([
    ['an empty blob', 0],
    ['a one-byte blob', 1],
    ['a chunk less one byte', MIB - 1],
    ['exactly one chunk', MIB],
    ['one chunk and one byte', MIB + 1],
    ['several chunks', 3 * MIB + 12_345],
  ])('stores and returns %s byte for byte, consuming the staged file', async (_, size) => {
    const bytes = crypto.randomBytes(size)
    const file = stage(bytes)

    const key = await subject.store.put(file)

    expect(key).toMatch(/^[0-9a-f]{32}$/)
    expect(fs.existsSync(file)).toBe(false)
    const back = await get(key)
    expect(back.length).toBe(size)
    expect(back.equals(bytes)).toBe(true)
  })

  it('streams a large blob a piece at a time, never whole', async () => {
    const bytes = crypto.randomBytes(5 * MIB + 7)
    const key = await subject.store.put(stage(bytes))

    const { bytes: back, pieces } = await readAll(await subject.store.open(key))

    expect(back.equals(bytes)).toBe(true)
    expect(pieces.length).toBeGreaterThan(1)
    expect(Math.max(...pieces)).toBeLessThanOrEqual(MIB)
  })

  it('lends a local file holding the blob, and keeps no copy of it afterwards', async () => {
    const bytes = crypto.randomBytes(2 * MIB + 1)
    const key = await subject.store.put(stage(bytes))

    let seen = ''
    const result = await subject.store.withLocalFile(key, async (file) => {
      seen = file
      expect(fs.readFileSync(file).equals(bytes)).toBe(true)
      return 'done'
    })

    expect(result).toBe('done')
    if (dialect === 'postgres') expect(fs.existsSync(seen)).toBe(false)
    expect((await get(key)).equals(bytes)).toBe(true)
  })

  it('answers BlobNotFound for a key it never gave out, and removing one is no error', async () => {
    const unknown = crypto.randomBytes(16).toString('hex')
    const use = vi.fn(async () => 'used')

    await expect(subject.store.open(unknown)).rejects.toBeInstanceOf(BlobNotFound)
    await expect(subject.store.withLocalFile(unknown, use)).rejects.toBeInstanceOf(BlobNotFound)
    expect(use).not.toHaveBeenCalled()
    await expect(subject.store.remove(unknown)).resolves.toBeUndefined()
  })

  it('deletes a blob, and deleting it twice is no error', async () => {
    const keep = await subject.store.put(stage(Buffer.from('keep me')))
    const key = await subject.store.put(stage(crypto.randomBytes(MIB + 5)))

    await subject.store.remove(key)
    await subject.store.remove(key)

    await expect(subject.store.open(key)).rejects.toBeInstanceOf(BlobNotFound)
    expect((await get(keep)).toString()).toBe('keep me')
  })

  it('keeps concurrent writers of different blobs apart', async () => {
    const contents = Array.from({ length: 8 }, (_, i) => crypto.randomBytes(i * 300_000 + 1))
    const files = contents.map((bytes) => stage(bytes))

    const keys = await Promise.all(files.map((file) => subject.store.put(file)))

    expect(new Set(keys).size).toBe(keys.length)
    for (const [i, key] of keys.entries()) expect((await get(key)).equals(contents[i]!)).toBe(true)
  })

  it('leaves nothing behind when a put fails', async () => {
    const missing = path.join(subject.dir, 'staging', 'never-written.part')

    await expect(subject.store.put(missing)).rejects.toThrow()

    expect(await storedKeys()).toEqual([])
  })

  it('sweeps old unreferenced blobs only', async () => {
    const referenced = await subject.store.put(stage(Buffer.from('a document has me')))
    const orphan = await subject.store.put(stage(Buffer.from('nobody has me')))

    const young = await subject.store.sweep(async () => new Set(), 60 * 60 * 1000)
    expect(young).toBe(0)
    expect((await get(orphan)).toString()).toBe('nobody has me')

    await new Promise((resolve) => setTimeout(resolve, 5))
    const removed = await subject.store.sweep(async (keys) => {
      expect(keys.sort()).toEqual([referenced, orphan].sort())
      return new Set([referenced])
    }, 1)
    expect(removed).toBe(1)
    await expect(subject.store.open(orphan)).rejects.toBeInstanceOf(BlobNotFound)
    expect((await get(referenced)).toString()).toBe('a document has me')
  })

  /** What the store holds, read beneath the interface. */
  async function storedKeys(): Promise<string[]> {
    if (subject.storage !== undefined) {
      const blobs = await subject.storage.db.selectFrom('blobs').select('blob_key').execute()
      const chunks = await subject.storage.db.selectFrom('blob_chunks').select('blob_key').execute()
      return [...blobs, ...chunks].map((r) => r.blob_key)
    }
    const root = path.join(subject.dir, 'blobs')
    if (!fs.existsSync(root)) return []
    return fs.readdirSync(root).flatMap((shard) => fs.readdirSync(path.join(root, shard)))
  }

  if (dialect === 'postgres') {
    it('writes a blob and its chunks in one transaction: a read error midway stores none', async () => {
      vi.spyOn(fs, 'createReadStream').mockImplementation(() => {
        async function* failing() {
          yield crypto.randomBytes(MIB)
          yield crypto.randomBytes(MIB)
          throw new Error('disk read failed')
        }
        return Readable.from(failing()) as unknown as fs.ReadStream
      })

      await expect(subject.store.put(stage(Buffer.from('x')))).rejects.toThrow('disk read failed')

      expect(await storedKeys()).toEqual([])
    })
  }

  if (dialect === 'sqlite') {
    it('flushes the staged file, renames it into place, then flushes the folder', async () => {
      const events = await recordFileSystem()
      const file = stage(crypto.randomBytes(70_000))

      const key = await subject.store.put(file)

      const target = path.join(subject.dir, 'blobs', key.slice(0, 2), key)
      expect(events).toEqual([
        `sync ${file}`,
        `rename ${file} -> ${target}`,
        `sync ${path.dirname(target)}`,
      ])
    })

    it('copies across file systems through a flushed temporary file, then renames it', async () => {
      const realRename = fs.promises.rename
      const events = await recordFileSystem()
      vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
        events.push(`rename ${String(from)} -> ${String(to)}`)
        if (String(from).includes(`${path.sep}staging${path.sep}`))
          throw Object.assign(new Error('cross-device link'), { code: 'EXDEV' })
        return realRename(from, to)
      })
      const bytes = crypto.randomBytes(200_000)
      const file = stage(bytes)

      const key = await subject.store.put(file)

      const target = path.join(subject.dir, 'blobs', key.slice(0, 2), key)
      expect(events).toEqual([
        `sync ${file}`,
        `rename ${file} -> ${target}`,
        `sync ${target}.part`,
        `rename ${target}.part -> ${target}`,
        `sync ${path.dirname(target)}`,
      ])
      expect(fs.existsSync(file)).toBe(false)
      expect(fs.readdirSync(path.dirname(target))).toEqual([key])
      expect((await get(key)).equals(bytes)).toBe(true)
    })

    it('sweeps the temporary file of a copy a killed process left', async () => {
      const key = await subject.store.put(stage(Buffer.from('whole')))
      const shard = path.join(subject.dir, 'blobs', key.slice(0, 2))
      const temp = path.join(shard, `${crypto.randomBytes(16).toString('hex')}.part`)
      fs.writeFileSync(temp, 'half a fi')
      await new Promise((resolve) => setTimeout(resolve, 5))

      await subject.store.sweep(async (keys) => new Set(keys), 1)

      expect(fs.readdirSync(shard)).toEqual([key])
    })
  }
})

/**
 * Records fsync and rename calls on the disk store's way: which file each flushed handle was
 * opened on, and each rename.
 */
async function recordFileSystem(): Promise<string[]> {
  const events: string[] = []
  const opened = new WeakMap<object, string>()
  const realOpen = fs.promises.open
  const realRename = fs.promises.rename
  const proto = await fileHandlePrototype()
  const realSync = proto.sync

  vi.spyOn(fs.promises, 'open').mockImplementation(async (file, ...rest) => {
    const handle = await realOpen(file, ...rest)
    opened.set(handle, String(file))
    return handle
  })
  vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
    events.push(`rename ${String(from)} -> ${String(to)}`)
    return realRename(from, to)
  })
  vi.spyOn(proto, 'sync').mockImplementation(async function (this: fs.promises.FileHandle) {
    events.push(`sync ${opened.get(this) ?? '?'}`)
    return realSync.call(this)
  })
  return events
}

/** FileHandle is not exported; its prototype is reached through one handle. */
async function fileHandlePrototype(): Promise<fs.promises.FileHandle> {
  const handle = await fs.promises.open(os.tmpdir(), 'r')
  const proto = Object.getPrototypeOf(handle) as fs.promises.FileHandle
  await handle.close()
  return proto
}
