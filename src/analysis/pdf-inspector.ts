import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

import type { Inspection, InspectionReply, InspectionRequest } from './inspection.js'

export interface InspectorLimits {
  /** Resident memory the child may use before it is killed. */
  memoryBytes: number
  /** How long one inspection may take before the child is killed. */
  timeoutMs: number
}

interface Pending {
  request: InspectionRequest
  resolve(result: Inspection): void
}

const WATCH_MS = 50
const PAGE_SIZE = 4096

/**
 * Runs every parse of an uploaded PDF in one warm child process, one file at a time. A child
 * that passes the memory ceiling or the deadline is killed and the file reported as too costly;
 * the next file gets a fresh child. Neither V8 heap flags nor address-space limits contain
 * pdf.js on hostile input, so the ceiling is enforced from outside, on the child's RSS.
 */
export class PdfInspector {
  private child: ChildProcess | undefined
  private readonly queue: Pending[] = []
  private active: Pending | undefined
  private nextId = 1
  private closed = false

  constructor(private readonly limits: InspectorLimits) {}

  inspect(path: string, full = false): Promise<Inspection> {
    if (this.closed) return Promise.resolve({ ok: false, failure: 'too_costly' })
    return new Promise((resolve) => {
      this.queue.push({ request: { id: this.nextId++, path, full }, resolve })
      this.runNext()
    })
  }

  close(): void {
    this.closed = true
    this.child?.kill('SIGKILL')
    this.child = undefined
    for (const pending of this.queue.splice(0))
      pending.resolve({ ok: false, failure: 'too_costly' })
    this.active?.resolve({ ok: false, failure: 'too_costly' })
  }

  private runNext(): void {
    if (this.active !== undefined || this.closed) return
    const next = this.queue.shift()
    if (next === undefined) return

    this.active = next
    const child = this.ensureChild()
    const stopWatching = this.watch(child, next)
    const onReply = (reply: InspectionReply) => {
      if (reply.id !== next.request.id) return
      this.finish(child, onReply, stopWatching, reply.result)
    }
    child.on('message', onReply)
    child.send(next.request)
  }

  private finish(
    child: ChildProcess,
    onReply: (reply: InspectionReply) => void,
    stop: () => void,
    result: Inspection,
  ): void {
    stop()
    child.off('message', onReply)
    const done = this.active
    this.active = undefined
    done?.resolve(result)
    this.runNext()
  }

  /** Kills the child on the deadline, on the memory ceiling, or resolves if it dies by itself. */
  private watch(child: ChildProcess, pending: Pending): () => void {
    const fail = () => {
      this.kill(child)
      if (this.active === pending) {
        this.active = undefined
        pending.resolve({ ok: false, failure: 'too_costly' })
        this.runNext()
      }
    }
    const deadline = setTimeout(fail, this.limits.timeoutMs)
    const memory = setInterval(() => {
      if (residentBytes(child.pid) > this.limits.memoryBytes) fail()
    }, WATCH_MS)
    child.once('exit', fail)

    return () => {
      clearTimeout(deadline)
      clearInterval(memory)
      child.off('exit', fail)
    }
  }

  private ensureChild(): ChildProcess {
    if (this.child !== undefined && this.child.exitCode === null && !this.child.killed)
      return this.child

    // No inherited execArgv: a parent started with -e, or a test runner's loader flags, would
    // otherwise run in the child instead of the inspector.
    this.child = fork(childScript(), [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    })
    this.child.unref()
    this.child.channel?.unref()
    return this.child
  }

  private kill(child: ChildProcess): void {
    child.kill('SIGKILL')
    if (this.child === child) this.child = undefined
  }
}

/** Linux reports RSS in pages in /proc/PID/statm; elsewhere the deadline alone applies. */
function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    const fields = fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')
    return Number(fields[1]) * PAGE_SIZE
  } catch {
    return 0
  }
}

/** The compiled child next to this module; from the TypeScript sources (tests), the built one. */
function childScript(): string {
  const sibling = fileURLToPath(new URL('./pdf-inspector-child.js', import.meta.url))
  if (fs.existsSync(sibling)) return sibling
  return sibling.replace(/([/\\])src([/\\]analysis[/\\])/, '$1dist$1src$2')
}
