import { fork } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { residentBytes } from '../../analysis/isolated-worker.js'
import type { RenderCache } from '../../documents/render-cache.js'

export interface RenderLimits {
  memoryBytes: number
  timeoutMs: number
}

export type RenderOutcome = 'rendered' | 'no_such_page' | 'failed'

const WATCH_MS = 50

/**
 * Renders page thumbnails in a child process per page, one at a time, killed past a memory
 * ceiling or a deadline (DESIGN.md, hostile documents). Thumbnails are kept in the render
 * cache, so each page is rendered once per node.
 */
export class ThumbnailRenderer {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly cache: RenderCache,
    private readonly limits: RenderLimits,
  ) {}

  /** The cached PNG's path, rendering it first from `pdf()` (a local file) when missing. */
  async thumbnail(
    documentUuid: string,
    page: number,
    width: number,
    pdf: () => Promise<{ path: string; done(): Promise<void> }>,
  ): Promise<{ outcome: RenderOutcome; file?: string }> {
    const file = this.cache.fileFor(documentUuid, page, width)
    if (fs.existsSync(file)) return { outcome: 'rendered', file }

    const run = this.queue.then(async () => {
      if (fs.existsSync(file)) return 'rendered' as const
      const source = await pdf()
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true })
        return await this.render(source.path, page, file, width)
      } finally {
        await source.done()
      }
    })
    this.queue = run.catch(() => undefined)
    const outcome = await run
    return outcome === 'rendered' ? { outcome, file } : { outcome }
  }

  private render(
    pdfPath: string,
    page: number,
    out: string,
    width: number,
  ): Promise<RenderOutcome> {
    const partial = `${out}.${process.pid}.part`
    const child = fork(childScript(), [pdfPath, String(page), partial, String(width)], {
      execArgv: [],
      stdio: 'ignore',
    })

    return new Promise((resolve) => {
      let finished = false
      const finish = (outcome: RenderOutcome) => {
        if (finished) return
        finished = true
        clearTimeout(deadline)
        clearInterval(memory)
        child.kill('SIGKILL')
        resolve(outcome === 'rendered' ? moveInPlace(partial, out) : discard(partial, outcome))
      }
      const deadline = setTimeout(() => finish('failed'), this.limits.timeoutMs)
      const memory = setInterval(() => {
        if (residentBytes(child.pid) > this.limits.memoryBytes) finish('failed')
      }, WATCH_MS)
      // A child that cannot start must not take the server down with an unhandled 'error'.
      child.once('error', () => finish('failed'))
      child.once('exit', (code) => {
        finish(code === 0 ? 'rendered' : code === 2 ? 'no_such_page' : 'failed')
      })
    })
  }
}

/**
 * The finished render takes its place; when the document's renders were removed meanwhile (it
 * is being deleted), its folder is gone and so is the render.
 */
function moveInPlace(partial: string, out: string): RenderOutcome {
  try {
    fs.renameSync(partial, out)
    return 'rendered'
  } catch {
    return discard(partial, 'failed')
  }
}

function discard(partial: string, outcome: RenderOutcome): RenderOutcome {
  fs.rmSync(partial, { force: true })
  return outcome
}

/** The compiled child next to this module; from the TypeScript sources (tests), the built one. */
function childScript(): string {
  const sibling = fileURLToPath(new URL('./thumbnail-child.js', import.meta.url))
  if (fs.existsSync(sibling)) return sibling
  return sibling.replace(/([/\\])src([/\\]dashboard[/\\])/, '$1dist$1src$2')
}
