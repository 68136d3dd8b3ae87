import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

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
  reject(error: Error): void
}

/** The child could not be started or reached: the fault is the machine's, not the file's. */
export class WorkerUnavailable extends Error {
  constructor(cause: unknown) {
    super('the isolated worker could not be reached', { cause })
    this.name = 'WorkerUnavailable'
  }
}

const WATCH_MS = 50
const PARENT_CHECK_MS = 250

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
  private active: { pending: Pending<Req, Res>; settle(outcome: Res | Error): void } | undefined
  private nextId = 1
  private closed = false

  constructor(
    private readonly script: URL,
    private readonly limits: IsolationLimits,
    private readonly killed: () => Res,
  ) {}

  /** Rejects with WorkerUnavailable only when the child cannot run at all. */
  run(request: Req, timeoutMs = this.limits.timeoutMs): Promise<Res> {
    if (this.closed) return Promise.resolve(this.killed())
    return new Promise((resolve, reject) => {
      this.queue.push({ request: { ...request, id: this.nextId++ }, timeoutMs, resolve, reject })
      this.runNext()
    })
  }

  /** Requests waiting or running here: a pool gives new work to the least loaded. */
  get load(): number {
    return this.queue.length + (this.active === undefined ? 0 : 1)
  }

  /** The child's process id while one runs (tests watch it). */
  get pid(): number | undefined {
    return this.child?.pid
  }

  close(): void {
    this.closed = true
    this.active?.settle(this.killed())
    if (this.child !== undefined) this.kill(this.child)
    for (const pending of this.queue.splice(0)) pending.resolve(this.killed())
  }

  private runNext(): void {
    if (this.active !== undefined || this.closed) return
    const pending = this.queue.shift()
    if (pending === undefined) return

    const child = this.ensureChild()
    const settle = this.watch(child, pending)
    this.active = { pending, settle }
    child.send(pending.request, (error) => {
      if (error) settle(new WorkerUnavailable(error))
    })
  }

  /**
   * Settles `pending` once: on the child's reply, on the deadline, on the memory ceiling, when
   * the child dies by itself, or when it cannot be reached. Every timer and listener goes with it.
   */
  private watch(child: ChildProcess, pending: Pending<Req, Res>): (outcome: Res | Error) => void {
    let settled = false
    let replied = false
    const settle = (outcome: Res | Error) => {
      if (settled) return
      settled = true
      clearTimeout(deadline)
      clearInterval(memory)
      child.off('message', onReply)
      child.off('exit', onExit)
      child.off('error', onError)
      // Any end but a reply leaves the child mid-parse or broken: the next request gets a new one.
      if (!replied) this.kill(child)

      this.active = undefined
      if (outcome instanceof Error) pending.reject(outcome)
      else pending.resolve(outcome)
      this.runNext()
    }

    const onReply = (reply: Reply<Res>) => {
      if (reply.id !== pending.request.id) return
      replied = true
      settle(reply.result)
    }
    const onExit = () => settle(this.killed())
    const onError = (error: Error) => settle(new WorkerUnavailable(error))
    const deadline = setTimeout(() => settle(this.killed()), pending.timeoutMs)
    const memory = setInterval(() => {
      if (residentBytes(child.pid) > this.limits.memoryBytes) settle(this.killed())
    }, WATCH_MS)

    child.on('message', onReply)
    child.once('exit', onExit)
    child.once('error', onError)
    return settle
  }

  private ensureChild(): ChildProcess {
    if (this.child !== undefined && this.child.exitCode === null && !this.child.killed)
      return this.child

    // No inherited execArgv: a parent started with -e, or a test runner's loader flags, would
    // otherwise run in the child instead of the script.
    const child = fork(compiledScript(this.script), [], {
      execArgv: [],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'json',
    })
    // A child that fails between requests must not take the API down with an unhandled
    // 'error'; the next request starts a new one.
    child.on('error', () => this.forget(child))
    child.on('exit', () => this.forget(child))
    child.unref()
    child.channel?.unref()
    this.child = child
    return child
  }

  private kill(child: ChildProcess): void {
    child.kill('SIGKILL')
    this.forget(child)
  }

  private forget(child: ChildProcess): void {
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
  exitWithParent()
}

/**
 * A parent killed with SIGKILL cannot kill its child, and 'disconnect' is only heard between
 * requests: a hostile file would go on being parsed, unwatched, for as long as it likes. A
 * watchdog thread, which runs while the main thread is busy inside a parser, ends the process
 * as soon as it is handed to another parent.
 */
export function exitWithParent(): void {
  const watchdog = new Worker(
    `const { workerData } = require('node:worker_threads')
     setInterval(() => {
       if (process.ppid !== workerData.parent) process.kill(process.pid, 'SIGKILL')
     }, workerData.everyMs)`,
    { eval: true, workerData: { parent: process.ppid, everyMs: PARENT_CHECK_MS } },
  )
  watchdog.unref()
}

/**
 * The child's resident memory from /proc/PID/status, which states it in kB whatever the page
 * size; elsewhere than Linux the deadline alone applies.
 */
export function residentBytes(pid: number | undefined): number {
  if (pid === undefined) return 0
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
    const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]
    return kb === undefined ? 0 : Number(kb) * 1024
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
