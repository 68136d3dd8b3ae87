import type { Readable } from 'node:stream'

/**
 * Where stored files live. A blob is written whole before its key is returned, so a reader
 * never sees half a file; keys are made by the store, never from a file or field name. Every
 * implementation passes the same contract test (test/documents/blob-store-contract.test.ts).
 */
export interface BlobStore {
  /** Moves a staged file into the store, consuming it; answers the new blob's key. */
  put(stagedPath: string): Promise<string>
  /** The blob's bytes as a stream, read a piece at a time; BlobNotFound for an unknown key. */
  open(key: string): Promise<Readable>
  /**
   * Runs `use` with a local path holding the blob, for the parser child to read; BlobNotFound
   * for an unknown key, before `use` runs.
   */
  withLocalFile<T>(key: string, use: (path: string) => Promise<T>): Promise<T>
  /** Deletes the blob; deleting one that is already gone is not an error. */
  remove(key: string): Promise<void>
  /**
   * Removes blobs older than `minAgeMs` that no document refers to: left by a process killed
   * between storing a blob and recording it. The age keeps uploads in flight elsewhere safe.
   */
  sweep(isReferenced: (keys: string[]) => Promise<Set<string>>, minAgeMs: number): Promise<number>
}

/** A key no blob answers to: a stored row and the store disagree, which is a server fault. */
export class BlobNotFound extends Error {
  constructor() {
    super('blob not found')
    this.name = 'BlobNotFound'
  }
}
