// `npm run bench:upload`: what uploading costs a real Quire server, next to writing the same
// bytes straight to the same disk, in one run. Also the server's peak memory during a 200 MB
// upload. The server is a child process on 127.0.0.1; the uploads are sent from here.
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pipeline } from 'node:stream/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import { performance } from 'node:perf_hooks'
import { Blob } from 'node:buffer'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import * as prettier from 'prettier'

import { freePort, logTail, startChild, stopAll, waitUntilReady } from './lib/children.js'
import { pdfBuffer, writePdfFile } from './lib/pdf-file.js'
import { quireEnv } from './lib/quire-env.js'

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.dirname(BENCH_DIR)
const QUIRE_MAIN = path.join(ROOT, 'dist/src/main.js')
const RESULTS_FILE = path.join(BENCH_DIR, 'results/upload-latest.json')
const MB = 1000 * 1000

const SETTINGS = {
  largeBytes: Number(process.env.BENCH_LARGE_MB || 50) * MB,
  largeCount: Number(process.env.BENCH_LARGE_COUNT || 3),
  smallBytes: 100 * 1000,
  smallSeconds: Number(process.env.BENCH_SMALL_SECONDS || 4),
  smallRounds: Number(process.env.BENCH_ROUNDS || 3),
  connections: Number(process.env.BENCH_CONNECTIONS || 8),
  // Just under the default 200 MB upload limit, which counts the file alone.
  memoryBytes: 199 * MB,
  memorySampleMs: 10,
}
const MEMORY_AIM_MB = 100

const run = promisify(execFile)
const write = (text = '') => process.stdout.write(`${text}\n`)

async function main() {
  if (!fs.existsSync(QUIRE_MAIN)) throw new Error(`${QUIRE_MAIN} is missing: run npm run build`)
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-upload-'))
  onSignals(workDir)

  try {
    write(
      `quire upload bench: ${SETTINGS.largeCount} × ${SETTINGS.largeBytes / MB} MB, ` +
        `${SETTINGS.smallRounds} rounds of ${SETTINGS.smallSeconds} s of 100 kB files over ` +
        `${SETTINGS.connections} connections, one ${SETTINGS.memoryBytes / MB} MB upload; ` +
        `node ${process.version}, ${os.cpus().length} cpus`,
    )
    const quire = await startQuire(workDir)
    const diskDir = path.join(quire.dataDir, 'bench-disk')
    fs.mkdirSync(diskDir, { recursive: true })

    const large = await measureLarge(quire, workDir, diskDir)
    const small = await measureSmall(quire, diskDir)
    const memory = await measureMemory(quire, workDir)
    await stopAll()

    const report = buildReport({ large, small, memory })
    printReport(report)
    await writeResults(report)
    write(`\nwritten to ${path.relative(process.cwd(), RESULTS_FILE)}`)
  } finally {
    await stopAll()
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

/** A real `quire serve` on a fresh SQLite data dir, a credential made by the CLI, one book. */
async function startQuire(workDir) {
  const dataDir = path.join(workDir, 'quire-data')
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = quireEnv({
    PORT: String(port),
    QUIRE_DATA_DIR: dataDir,
    QUIRE_MAX_DOCUMENTS_PER_BOOK: '1000000',
    QUIRE_MAX_PAGES_PER_BOOK: '10000000',
  })

  const { stdout } = await run(
    process.execPath,
    [QUIRE_MAIN, 'credentials', 'create', '--name', 'bench', '--json'],
    { env },
  )
  const { client_id, client_secret } = JSON.parse(stdout)

  const server = startChild({
    name: 'quire',
    script: QUIRE_MAIN,
    args: ['serve'],
    env,
    logFile: path.join(workDir, 'quire.log'),
  })
  await waitUntilReady(server, `${base}/readyz`)

  const basic = Buffer.from(`${client_id}:${client_secret}`).toString('base64')
  const token = await call(server, `${base}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  const bearer = `Bearer ${token.access_token}`
  const book = await call(server, `${base}/v1/book/add`, {
    method: 'POST',
    headers: { authorization: bearer, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Upload bench' }),
  })
  return { server, base, bearer, dataDir, bookUuid: book.response.uuid }
}

/** 50 MB PDFs, one at a time: each sent to Quire and, in turn, written to disk directly. */
async function measureLarge(quire, workDir, diskDir) {
  const files = []
  for (let i = 0; i < SETTINGS.largeCount; i += 1) {
    const file = path.join(workDir, `large-${i}.pdf`)
    await writePdfFile(file, SETTINGS.largeBytes)
    files.push(file)
  }

  const upload = { bytes: 0, ms: 0 }
  const disk = { bytes: 0, ms: 0 }
  for (const file of files) {
    const size = fs.statSync(file).size
    disk.ms += await timed(() => copyDurably(file, diskDir))
    disk.bytes += size
    upload.ms += await timed(() => uploadFile(quire, file, path.basename(file)))
    upload.bytes += size
    write(`large    ${path.basename(file)}  done`)
    await settle(quire)
  }
  return { upload: mbPerSecond(upload), disk: mbPerSecond(disk) }
}

/** 100 kB PDFs over several connections for a fixed time, each file distinct. */
async function measureSmall(quire, diskDir) {
  const template = pdfBuffer(SETTINGS.smallBytes)
  const rounds = { upload: [], disk: [] }

  for (let round = 1; round <= SETTINGS.smallRounds; round += 1) {
    const disk = await forSeconds(SETTINGS.smallSeconds, () =>
      writeDurably(distinct(template), diskDir),
    )
    const upload = await forSeconds(SETTINGS.smallSeconds, () =>
      uploadBuffer(quire, distinct(template)),
    )
    rounds.disk.push(disk)
    rounds.upload.push(upload)
    write(`round ${round}  100 kB uploads ${upload} /s, disk writes ${disk} /s`)
    await settle(quire)
  }
  return { upload: median(rounds.upload), disk: median(rounds.disk), rounds }
}

/** Resident memory of the server while it receives one 199 MB upload, against idle. */
async function measureMemory(quire, workDir) {
  const file = path.join(workDir, 'memory.pdf')
  await writePdfFile(file, SETTINGS.memoryBytes)
  await settle(quire)

  const pid = quire.server.child.pid
  const idleSamples = []
  for (let i = 0; i < 50; i += 1) {
    idleSamples.push(rssBytes(pid))
    await sleep(SETTINGS.memorySampleMs)
  }
  const idle = median(idleSamples)

  let peak = idle
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, rssBytes(pid))
      await sleep(SETTINGS.memorySampleMs)
    }
  })()
  const ms = await timed(() => uploadFile(quire, file, 'memory.pdf'))
  sampling = false
  await sampler

  write(`memory   ${SETTINGS.memoryBytes / MB} MB upload in ${Math.round(ms)} ms`)
  return {
    idleMb: round(idle / MB, 1),
    peakMb: round(peak / MB, 1),
    aboveIdleMb: round((peak - idle) / MB, 1),
  }
}

async function uploadFile(quire, file, name) {
  const form = new globalThis.FormData()
  form.set('book_uuid', quire.bookUuid)
  form.set('upload', await fs.openAsBlob(file, { type: 'application/pdf' }), name)
  await expectStored(quire, form)
}

async function uploadBuffer(quire, buffer) {
  const form = new globalThis.FormData()
  form.set('book_uuid', quire.bookUuid)
  form.set('upload', new Blob([buffer], { type: 'application/pdf' }), 'statement.pdf')
  await expectStored(quire, form)
}

/** Any answer but a stored document fails the run: figures of errors would be meaningless. */
async function expectStored(quire, form) {
  const body = await call(quire.server, `${quire.base}/v1/book/upload`, {
    method: 'POST',
    headers: { authorization: quire.bearer },
    body: form,
  })
  if (body.response?.uploaded_docs?.length !== 1) {
    throw new Error(`upload not stored: ${JSON.stringify(body).slice(0, 300)}`)
  }
}

/** The baseline: the same bytes to a temp file in the data dir, flushed, renamed, dir flushed. */
async function copyDurably(file, dir) {
  const target = path.join(dir, crypto.randomUUID())
  await pipeline(fs.createReadStream(file), fs.createWriteStream(`${target}.part`))
  await commit(target, dir)
}

async function writeDurably(buffer, dir) {
  const target = path.join(dir, crypto.randomUUID())
  await fs.promises.writeFile(`${target}.part`, buffer)
  await commit(target, dir)
}

async function commit(target, dir) {
  const handle = await fs.promises.open(`${target}.part`, 'r')
  await handle.sync()
  await handle.close()
  await fs.promises.rename(`${target}.part`, target)
  const folder = await fs.promises.open(dir, 'r')
  await folder.sync()
  await folder.close()
}

/** A copy of the template with 16 random bytes inside its stream, so no two are duplicates. */
function distinct(template) {
  const copy = Buffer.from(template)
  crypto.randomFillSync(copy, template.length - 400, 16)
  return copy
}

/** Runs `task` on every connection until time is up; completed tasks per second. */
async function forSeconds(seconds, task) {
  const deadline = performance.now() + seconds * 1000
  let done = 0
  const lane = async () => {
    while (performance.now() < deadline) {
      await task()
      done += 1
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: SETTINGS.connections }, lane))
  return Math.round(done / ((performance.now() - started) / 1000))
}

/** Waits until the pipeline has inspected every upload, so it does not weigh on what follows. */
async function settle(quire) {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const status = await call(
      quire.server,
      `${quire.base}/v1/book/status?book_uuid=${quire.bookUuid}`,
      { headers: { authorization: quire.bearer } },
    )
    const busy = status.response.docs.some((d) => ['QUEUED', 'PROCESSING'].includes(d.status))
    if (!busy) return
    await sleep(250)
  }
  throw new Error('the pipeline did not settle within 120 s')
}

async function call(server, url, init = {}) {
  const response = await globalThis.fetch(url, init)
  const text = await response.text()
  if (response.status !== 200) {
    throw new Error(
      `${init.method ?? 'GET'} ${url} answered ${response.status}: ${text}\n${logTail(server)}`,
    )
  }
  return JSON.parse(text)
}

function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0)
  return kb * 1024
}

async function timed(task) {
  const started = performance.now()
  await task()
  return performance.now() - started
}

function mbPerSecond({ bytes, ms }) {
  return round(bytes / MB / (ms / 1000), 1)
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

function round(value, digits = 0) {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

function buildReport({ large, small, memory }) {
  return {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
    },
    settings: SETTINGS,
    large: { ...large, ratio: round(large.upload / large.disk, 2) },
    small: { ...small, ratio: round(small.upload / small.disk, 2) },
    memory: { ...memory, aimMb: MEMORY_AIM_MB, met: memory.aboveIdleMb < MEMORY_AIM_MB },
  }
}

function printReport(report) {
  const { large, small, memory } = report
  write('')
  write('| measure                          | Quire upload | disk write | ratio |')
  write('| -------------------------------- | -----------: | ---------: | ----: |')
  write(
    `| ${`${SETTINGS.largeBytes / MB} MB PDF, MB/s`.padEnd(32)} | ${String(large.upload).padStart(12)} |` +
      ` ${String(large.disk).padStart(10)} | ${String(large.ratio).padStart(5)} |`,
  )
  write(
    `| ${'100 kB PDFs, files/s'.padEnd(32)} | ${String(small.upload).padStart(12)} |` +
      ` ${String(small.disk).padStart(10)} | ${String(small.ratio).padStart(5)} |`,
  )
  write('')
  write(
    `server memory during a ${SETTINGS.memoryBytes / MB} MB upload: idle ${memory.idleMb} MB, ` +
      `peak ${memory.peakMb} MB, ${memory.aboveIdleMb} MB above idle ` +
      `(aim < ${MEMORY_AIM_MB}: ${memory.met ? 'met' : 'NOT met'})`,
  )
}

async function writeResults(report) {
  const text = await prettier.format(JSON.stringify(report), {
    parser: 'json',
    ...(await prettier.resolveConfig(RESULTS_FILE)),
  })
  fs.writeFileSync(RESULTS_FILE, text)
}

function onSignals(workDir) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, async () => {
      await stopAll()
      fs.rmSync(workDir, { recursive: true, force: true })
      process.exit(130)
    })
  }
}

await main()
