import { execFile, spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * The real thing, as an operator runs it: `node dist/src/main.js serve` in a child process on a
 * free port and a fresh data dir, and the CLI against the same data dir. `npm test` builds
 * dist/ first (pretest).
 */

export const MAIN = path.resolve('dist/src/main.js')

const START_TIMEOUT_MS = 20_000
const STOP_TIMEOUT_MS = 10_000
const CLI_TIMEOUT_MS = 30_000
const START_ATTEMPTS = 3

/** Variables from the calling shell that would point the server somewhere else. */
const INHERITED_OVERRIDES = /^(QUIRE_|DATABASE_URL$|REDIS_URL$|PORT$|HOST$)/

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

export interface Credential {
  client_id: string
  client_secret: string
  org_id: string
  scope: string
}

export interface ExitStatus {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface QuireServer {
  readonly baseUrl: string
  readonly port: number
  readonly dataDir: string
  readonly pid: number
  /** Runs `quire ARGS…` against this server's data dir and configuration. */
  cli(...args: string[]): Promise<CliResult>
  /** Runs `quire ARGS… --json`, requires exit code 0 and parses stdout. */
  cliJson<T = unknown>(...args: string[]): Promise<T>
  createCredential(name?: string, ...options: string[]): Promise<Credential>
  /** What the server wrote so far, for failure messages. */
  output(): string
  /**
   * SIGTERM, then waits for the exit; throws unless the server exits with code 0 (graceful
   * shutdown). Removes the data dir either way, unless the caller gave it. Safe to call twice.
   */
  stop(): Promise<ExitStatus>
  /** SIGKILL, as a crash or the OOM killer would, and waits for the exit; keeps the data dir. */
  kill(): Promise<ExitStatus>
}

export interface StartOptions {
  /**
   * Start on this data dir (a restart after a kill) instead of a fresh one; the caller then
   * owns it, and stop() leaves it in place.
   */
  dataDir?: string
}

/** A port nobody listens on right now: bind port 0, read what the kernel chose, close. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.once('error', reject)
    probe.listen({ port: 0, host }, () => {
      const address = probe.address()
      if (address === null || typeof address === 'string') {
        probe.close()
        reject(new Error(`unexpected probe address ${String(address)}`))
        return
      }
      probe.close((error) => (error ? reject(error) : resolve(address.port)))
    })
  })
}

/**
 * Starts `quire serve` with a fresh data dir and the given extra environment, and resolves once
 * GET /healthz answers 200. The port is chosen free just before; should another process take it
 * in between, the start is retried on a new port.
 */
export async function startServer(
  extraEnv: Record<string, string> = {},
  options: StartOptions = {},
): Promise<QuireServer> {
  let lastError: unknown
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    try {
      return await startOnce(extraEnv, options)
    } catch (error) {
      lastError = error
      if (!(error instanceof PortTaken)) throw error
    }
  }
  throw lastError
}

class PortTaken extends Error {}

const running = new Set<ChildProcess>()

// A crashed test must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

async function startOnce(
  extraEnv: Record<string, string>,
  options: StartOptions,
): Promise<QuireServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'quire-e2e-'))
  const port = await freePort()
  const baseUrl = `http://127.0.0.1:${port}`
  const env = serverEnv(dataDir, port, extraEnv)

  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)

  let output = ''
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child)
      resolve({ code, signal })
    })
  })

  const removeDataDir = () => {
    if (options.dataDir === undefined) fs.rmSync(dataDir, { recursive: true, force: true })
  }

  try {
    await waitUntilHealthy(baseUrl, exited, () => output)
  } catch (error) {
    child.kill('SIGKILL')
    await exited
    removeDataDir()
    if (/EADDRINUSE/.test(output)) throw new PortTaken(`port ${port} was taken`)
    throw error
  }

  let stopped: Promise<ExitStatus> | undefined

  const server: QuireServer = {
    baseUrl,
    port,
    dataDir,
    pid: child.pid as number,
    cli: (...args) => runCli(env, args),
    async cliJson<T>(...args: string[]) {
      const result = await runCli(env, [...args, '--json'])
      if (result.code !== 0) {
        throw new Error(`quire ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
      }
      return JSON.parse(result.stdout) as T
    },
    createCredential: (name = 'e2e', ...options) =>
      server.cliJson<Credential>('credentials', 'create', '--name', name, ...options),
    output: () => output,
    stop() {
      stopped ??= stopChild(child, exited, () => output).finally(removeDataDir)
      return stopped
    },
    kill() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
        return exited
      })()
      return stopped
    },
  }
  return server
}

function serverEnv(
  dataDir: string,
  port: number,
  extraEnv: Record<string, string>,
): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !INHERITED_OVERRIDES.test(name)),
  )
  return {
    ...inherited,
    HOST: '127.0.0.1',
    PORT: String(port),
    QUIRE_DATA_DIR: dataDir,
    QUIRE_LOG_LEVEL: 'warn',
    ...extraEnv,
  }
}

async function waitUntilHealthy(
  baseUrl: string,
  exited: Promise<ExitStatus>,
  output: () => string,
): Promise<void> {
  let status: ExitStatus | undefined
  void exited.then((s) => (status = s))
  const deadline = Date.now() + START_TIMEOUT_MS

  while (Date.now() < deadline) {
    if (status !== undefined) {
      throw new Error(
        `quire serve exited (code ${status.code}, signal ${status.signal}) before it was healthy:\n${output()}`,
      )
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.status === 200) return
    } catch {
      // Not listening yet.
    }
    await sleep(50)
  }
  throw new Error(`quire serve was not healthy within ${START_TIMEOUT_MS} ms:\n${output()}`)
}

async function stopChild(
  child: ChildProcess,
  exited: Promise<ExitStatus>,
  output: () => string,
): Promise<ExitStatus> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')

  const timer = new AbortController()
  const timeout = sleep(STOP_TIMEOUT_MS, 'timeout' as const, { signal: timer.signal }).catch(
    () => 'cancelled' as const,
  )
  const result = await Promise.race([exited, timeout])
  timer.abort()
  if (typeof result === 'string') {
    child.kill('SIGKILL')
    await exited
    throw new Error(
      `quire serve did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM:\n${output()}`,
    )
  }
  if (result.code !== 0) {
    throw new Error(
      `quire serve exited with code ${result.code} (signal ${result.signal}) on SIGTERM, not 0:\n${output()}`,
    )
  }
  return result
}

function runCli(env: NodeJS.ProcessEnv, args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { env, timeout: CLI_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1
        resolve({ code, stdout, stderr })
      },
    )
  })
}
