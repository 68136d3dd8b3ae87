import fs from 'node:fs'

import autocannon from 'autocannon'

/** Load settings; each can be overridden from the environment for a quicker or longer run. */
export const SETTINGS = Object.freeze({
  connections: readInt('BENCH_CONNECTIONS', 10, 1),
  durationSeconds: readInt('BENCH_DURATION', 5, 1),
  rounds: readInt('BENCH_ROUNDS', 3, 1),
  warmupSeconds: readInt('BENCH_WARMUP', 2, 0),
  pipelining: 1,
})

// Linux reports process CPU time in clock ticks of 1/100 s (USER_HZ) on every common build.
const TICKS_PER_SECOND = 100

/** A short run whose figures are dropped: JIT, caches and connections settle first. */
export async function warmUp(name, request) {
  if (SETTINGS.warmupSeconds === 0) return
  check(name, 'warm-up', await autocannon(options(request, SETTINGS.warmupSeconds)))
}

/**
 * One bounded autocannon run against 127.0.0.1. Any non-2xx answer, socket error or timeout
 * would make the figures meaningless, so it throws instead.
 */
export async function measureOnce(name, request) {
  const cpuBefore = cpuSeconds(request.pid)
  const machineBefore = machineCpuSeconds()
  const selfBefore = process.cpuUsage()
  const result = await autocannon(options(request, SETTINGS.durationSeconds))
  const selfCpu = cpuUsageSeconds(process.cpuUsage(selfBefore))
  const machineCpu = subtract(machineCpuSeconds(), machineBefore)
  const cpuAfter = cpuSeconds(request.pid)
  check(name, 'run', result)

  const requests = result['2xx']
  const serverCpu =
    cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore
  return {
    reqPerSec: requests / result.duration,
    p99Ms: result.latency.p99,
    p50Ms: result.latency.p50,
    requests,
    // Server CPU time per answered request: comparable even when the load generator, not the
    // server, is what saturates, and less sensitive to other load on the machine.
    serverCpuUsPerRequest: serverCpu === undefined ? null : (serverCpu * 1e6) / requests,
    // CPU used meanwhile by anything but the server and this process, in cores: other work on
    // the machine, which makes the figures noisy when it is not near 0.
    otherCores:
      machineCpu === undefined || serverCpu === undefined
        ? null
        : Math.max(0, machineCpu - serverCpu - selfCpu) / result.duration,
  }
}

/** The median of each figure over the rounds, and the spread of the request rate. */
export function summarize(runs) {
  const pick = (key) => runs.map((run) => run[key])
  const cpu = pick('serverCpuUsPerRequest')
  const other = pick('otherCores')
  const rates = pick('reqPerSec')
  return {
    reqPerSec: round(median(rates), 0),
    p99Ms: median(pick('p99Ms')),
    p50Ms: median(pick('p50Ms')),
    serverCpuUsPerRequest: cpu.includes(null) ? null : round(median(cpu), 0),
    reqPerSecRange: [round(Math.min(...rates), 0), round(Math.max(...rates), 0)],
    maxOtherCores: other.includes(null) ? null : round(Math.max(...other), 2),
    requests: pick('requests').reduce((a, b) => a + b, 0),
  }
}

function options({ url, method = 'GET', headers = {}, body }, duration) {
  return {
    url,
    method,
    headers,
    body,
    duration,
    connections: SETTINGS.connections,
    pipelining: SETTINGS.pipelining,
    timeout: 10,
  }
}

function check(name, phase, result) {
  const bad = result.non2xx + result.errors + result.timeouts
  if (bad > 0 || result['2xx'] === 0) {
    throw new Error(
      `${name} (${phase}): ${result['2xx']} 2xx, ${result.non2xx} non-2xx, ` +
        `${result.errors} errors, ${result.timeouts} timeouts; the figures would be meaningless`,
    )
  }
}

/** User plus system CPU seconds of a process so far, from /proc (Linux); else undefined. */
function cpuSeconds(pid) {
  if (pid === undefined) return undefined
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat); else undefined. */
function machineCpuSeconds() {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]
    // cpu user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
    const [user, nice, system, , , irq, softirq, steal] = line
      .trim()
      .split(/ +/)
      .slice(1)
      .map(Number)
    return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND
  } catch {
    return undefined
  }
}

function cpuUsageSeconds({ user, system }) {
  return (user + system) / 1e6
}

function subtract(after, before) {
  return after === undefined || before === undefined ? undefined : after - before
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function readInt(name, fallback, min) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`${name} must be an integer ≥ ${min}`)
  }
  return value
}

export function round(value, digits) {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}
