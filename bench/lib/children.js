import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'

const EXIT_WITH_PARENT = fileURLToPath(new URL('../targets/exit-with-parent.js', import.meta.url))
const STOP_GRACE_MS = 5000

/** Every server this run started; `stopAll` and the exit hook end whatever is left. */
const running = new Set()

/** A free TCP port on 127.0.0.1 (released at once; the child binds it a moment later). */
export async function freePort() {
  const server = net.createServer()
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts `node [nodeArgs] script [args]` with its output in `logFile`. The child gets an IPC
 * channel and a preload that stops it when the channel closes, so it never outlives this run,
 * even when the run is killed with SIGKILL.
 */
export function startChild({ name, script, args = [], nodeArgs = [], env = {}, logFile }) {
  const log = fs.openSync(logFile, 'a')
  const child = spawn(
    process.execPath,
    ['--import', EXIT_WITH_PARENT, ...nodeArgs, script, ...args],
    { env: { ...process.env, ...env }, stdio: ['ignore', log, log, 'ipc'] },
  )
  fs.closeSync(log)

  const handle = {
    name,
    child,
    logFile,
    exited: new Promise((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    ),
  }
  running.add(handle)
  handle.exited.then(() => running.delete(handle))
  child.unref()
  child.channel?.unref()
  return handle
}

/** Resolves once `url` answers with `status`; rejects when the child dies or time runs out. */
export async function waitUntilReady(handle, url, { status = 200, timeoutMs = 20_000 } = {}) {
  let died = false
  handle.exited.then(() => (died = true))
  const deadline = Date.now() + timeoutMs

  while (Date.now() < deadline) {
    if (died) throw new Error(`${handle.name} exited during start-up\n${logTail(handle)}`)
    try {
      const response = await globalThis.fetch(url, { signal: globalThis.AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.status === status) return
    } catch {
      // not listening yet
    }
    await sleep(100)
  }
  throw new Error(`${handle.name} not ready at ${url} after ${timeoutMs} ms\n${logTail(handle)}`)
}

/** SIGTERM, then SIGKILL if the child has not exited within the grace period. */
export async function stopChild(handle) {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return
  handle.child.kill('SIGTERM')
  const stopped = await Promise.race([handle.exited, sleep(STOP_GRACE_MS, 'timeout')])
  if (stopped === 'timeout') {
    handle.child.kill('SIGKILL')
    await handle.exited
  }
}

export async function stopAll() {
  await Promise.all([...running].map(stopChild))
}

/** Last log lines of a child, for error messages. */
export function logTail(handle, lines = 20) {
  try {
    const text = fs.readFileSync(handle.logFile, 'utf8').trimEnd().split('\n')
    return `--- last lines of ${path.basename(handle.logFile)} ---\n${text.slice(-lines).join('\n')}`
  } catch {
    return ''
  }
}

// The last resort: whatever is still running when this process exits gets SIGKILL.
process.on('exit', () => {
  for (const handle of running) handle.child.kill('SIGKILL')
})
