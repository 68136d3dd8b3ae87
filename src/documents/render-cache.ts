import fs from 'node:fs'
import path from 'node:path'

/** Answers which of the given document uuids belong to documents not removed. */
export type LiveDocuments = (uuids: string[]) => Promise<Set<string>>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SWEEP_BATCH = 500

/**
 * Images made from a document's stored file (page thumbnails), kept on this node's data dir in
 * one folder per document. They show what the document shows, so they go when its file goes:
 * the pipeline removes them in the step that removes the blob, and a sweep removes those of
 * documents removed while this node was down or by another node.
 */
export class RenderCache {
  private timer: NodeJS.Timeout | undefined

  constructor(readonly dir: string) {}

  /** Where one page's render at one width is kept. */
  fileFor(documentUuid: string, page: number, width: number): string {
    return path.join(this.folderOf(documentUuid), `${page}-${width}.png`)
  }

  /** Removes every render of the document, finished or half-written; none is not an error. */
  async remove(documentUuid: string): Promise<void> {
    await fs.promises.rm(this.folderOf(documentUuid), { recursive: true, force: true })
  }

  /**
   * Removes the renders of every document `live` does not name, and anything else in the
   * folder (such as the single files an earlier version kept, rendered again when asked for).
   */
  async sweep(live: LiveDocuments): Promise<number> {
    const entries = await this.entries()
    const strays = entries.filter((entry) => !entry.isDirectory() || !UUID.test(entry.name))
    for (const stray of strays)
      await fs.promises.rm(path.join(this.dir, stray.name), { force: true, recursive: true })

    const uuids = entries.filter((e) => e.isDirectory() && UUID.test(e.name)).map((e) => e.name)
    let removed = 0
    for (let i = 0; i < uuids.length; i += SWEEP_BATCH) {
      const batch = uuids.slice(i, i + SWEEP_BATCH)
      const kept = await live(batch)
      for (const uuid of batch.filter((u) => !kept.has(u))) {
        await this.remove(uuid)
        removed++
      }
    }
    return removed
  }

  /**
   * Sweeps now, then every `everyMs` when given: with several nodes, the one that removes a
   * document cannot reach the renders the others keep.
   */
  async startSweeping(
    live: LiveDocuments,
    everyMs: number | undefined,
    onError: (error: unknown) => void,
  ): Promise<void> {
    await this.sweep(live)
    if (everyMs === undefined) return
    this.timer = setInterval(() => void this.sweep(live).catch(onError), everyMs)
    this.timer.unref()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  private async entries(): Promise<fs.Dirent[]> {
    try {
      return await fs.promises.readdir(this.dir, { withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw error
    }
  }

  private folderOf(documentUuid: string): string {
    if (!UUID.test(documentUuid)) throw new TypeError('malformed document uuid')
    return path.join(this.dir, documentUuid)
  }
}
