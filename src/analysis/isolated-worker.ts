import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface IsolationLimits {
  /** Resident memory the child may use before it is killed. */
  memoryBytes: number
  /** How long one request may take before the child is killed. */
  timeoutMs: number
}

/** A request as it crosses to the child: the caller's fields plus an id to match the reply. */
export type Envelope<Req> = Req & { id: number }

export interface Reply<Res> {
  id: number
  result: Res
}

interface Pending<Req, Res> {
  request: Envelope<Req>
  timeoutMs: number
  resolve(result: Res): void
}

const WATCH_MS = 50
const PAGE_SIZE = 4096

/**
 * Runs requests one at a time in a warm child process, for code that parses hostile files. A
 * child that passes the memory ceiling or the deadline, or dies, is killed and the request
 * answered with `killed()`; the next request gets a fresh child. Neither V8 heap flags nor
 * address-space limits contain a runaway parser, so the ceiling is enforced from outside, on
 * the child's RSS.
 */
export class IsolatedWorker<Req extends object, Res> {
  private child: ChildProcess | undefined
  private readonly queue: Pending<Req, Res>[] = []
  private active: Pending<Req, Res> | undefined
  private nextId = 1
  private closed = false

  constructor(
    private readonly script: URL,
    private readonly limits: IsolationLimits,
    private readonly killed: () => Res,
  ) {}

  run(request: Req, timeoutMs = this.limits.timeoutMs): Promise<Res> {
    if (this.closed) return Promise.resolve(this.killed())
    return new Promise((resolve) => {
      this.queue.push({ request: { ...request, id: this.nextId++ }, timeoutMs, resolve })
      this.runNext()
    })
  }

  close(): void {
    this.closed = true
    this.child?.kill('SIGKILL')
    this.child = undefined
    for (const pending of this.queue.splice(0)) pending.resolve(this.killed())
    this.active?.resolve(this.killed())
  }

  private runNext(): void {
    if (this.active !== undefined || this.closed) return
    const next = this.queue.shift()
    if (next === undefined) return

    this.active = next
    const child = this.ensureChild()
    const stopWatching = this.watch(child, next)
    const onReply = (reply: Reply<Res>) => {
      if (reply.id !== next.request.id) return
      stopWatching()
      child.off('message', onReply)
      this.settle(next, reply.result)
    }
    child.on('message', onReply)
    child.send(next.request)
  }

  private settle(pending: Pending<Req, Res>, result: Res): void {
    if (this.active !== pending) return
    this.active = undefined
    pending.resolve(result)
    this.runNext()
  }

  /** Kills the child on the deadline, on the memory ceiling, or settles if it dies by itself. */
  private watch(child: ChildProcess, pending: Pending<Req, Res>): () => void {
    const fail = () => {
      this.kill(child)
      this.settle(pending, this.killed())
    }
    const deadline = setTimeout(fail, pending.timeoutMs)
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
    // otherwise run in the child instead of the script.
    this.child = fork(compiledScript(this.script), [], {
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

/**
 * The child side: answers each request with `handle`, or with `failed()` when it throws, and
 * exits when the parent goes away.
 */
export function serveRequests<Req, Res>(
  handle: (request: Req) => Promise<Res>,
  failed: () => Res,
): void {
  process.on('message', (message: Envelope<Req>) => {
    handle(message)
      .catch(failed)
      .then((result) => process.send?.({ id: message.id, result } satisfies Reply<Res>))
  })
  process.on('disconnect', () => process.exit(0))
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

/** The compiled script; from the TypeScript sources (tests), its twin under dist/. */
function compiledScript(script: URL): string {
  const file = fileURLToPath(script)
  if (fs.existsSync(file)) return file
  const at = file.lastIndexOf(`${pathSep(file)}src${pathSep(file)}`)
  return at < 0 ? file : `${file.slice(0, at)}${pathSep(file)}dist${file.slice(at)}`
}

function pathSep(file: string): string {
  return file.includes('\\') && !file.includes('/') ? '\\' : '/'
}
