// `npm run bench`: the token endpoint and GET /v1/books of a real Quire server, against a bare
// Fastify server (the ceiling) and node-oidc-provider (the peer), in one run on this machine.
// Every server is a child process on 127.0.0.1; autocannon runs here, one target at a time.
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, URLSearchParams } from 'node:url'
import { promisify } from 'node:util'

import * as prettier from 'prettier'

import { freePort, logTail, startChild, stopAll, waitUntilReady } from './lib/children.js'
import { quireEnv } from './lib/quire-env.js'
import { measureOnce, round, SETTINGS, summarize, warmUp } from './lib/load.js'

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.dirname(BENCH_DIR)
const QUIRE_MAIN = path.join(ROOT, 'dist/src/main.js')
const RESULTS_FILE = path.join(BENCH_DIR, 'results/latest.json')
const BOOK_COUNT = 10
const NOISY_CORES = 0.2
const SCOPE = 'books:read books:write documents:read documents:write analytics:read webhooks:manage'
const FORM = 'application/x-www-form-urlencoded'

/** The order of measurement within a round: each Quire figure next to its reference. */
const ORDER = ['quireToken', 'barePost', 'oidcProviderToken', 'quireBooks', 'bareGet']

/** Each ratio is the request rate of the first target over that of the second. */
const RATIOS = {
  tokenVsBarePost: ['quireToken', 'barePost'],
  tokenVsOidcProvider: ['quireToken', 'oidcProviderToken'],
  booksVsBareGet: ['quireBooks', 'bareGet'],
}

const AIMS = {
  tokenVsBarePost: 0.5,
  tokenVsOidcProvider: 3,
  booksVsBareGet: 0.6,
}

const run = promisify(execFile)
const write = (text = '') => process.stdout.write(`${text}\n`)

async function main() {
  if (!fs.existsSync(QUIRE_MAIN)) throw new Error(`${QUIRE_MAIN} is missing: run npm run build`)
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-bench-'))
  onSignals(workDir)

  try {
    write(
      `quire bench: ${SETTINGS.rounds} rounds of ${SETTINGS.durationSeconds} s per target ` +
        `after ${SETTINGS.warmupSeconds} s of warm-up, ${SETTINGS.connections} connections; ` +
        `node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? 'unknown'})`,
    )
    const loadBefore = os.loadavg()[0]
    const quire = await startQuire(workDir)
    const bare = await startBareFastify(workDir, quire.bodies)
    const oidc = await startOidcProvider(workDir)
    const targets = { ...quire.targets, ...bare.targets, ...oidc.targets }

    const results = await measureAll(targets)
    await stopAll()

    const report = buildReport({ results, quire, oidc, loadBefore })
    printReport(report)
    await writeResults(report)
    write(`\nwritten to ${path.relative(process.cwd(), RESULTS_FILE)}`)
  } finally {
    await stopAll()
    fs.rmSync(workDir, { recursive: true, force: true })
  }
}

/**
 * Every target is warmed up, then measured once per round, the rounds interleaved: other load
 * on the machine then weighs on all targets alike instead of on whichever ran at that moment.
 */
async function measureAll(targets) {
  const entries = ORDER.map((key) => [key, targets[key]])
  for (const [key, target] of entries) {
    write(`warm-up  ${LABELS[key]}`)
    await warmUp(LABELS[key], target.request)
  }

  const runs = Object.fromEntries(entries.map(([key]) => [key, []]))
  for (let round = 1; round <= SETTINGS.rounds; round += 1) {
    for (const [key, target] of entries) {
      const run = await measureOnce(LABELS[key], target.request)
      runs[key].push(run)
      write(
        `round ${round}  ${LABELS[key].padEnd(32)}${fmtRate(run.reqPerSec).padStart(9)} req/s` +
          `  p99 ${run.p99Ms} ms`,
      )
    }
  }

  return Object.fromEntries(
    entries.map(([key, target]) => [key, { ...summarize(runs[key]), ...target.info }]),
  )
}

/** A real `quire serve` on a fresh SQLite data dir, with one credential made by the CLI. */
async function startQuire(workDir) {
  const dataDir = path.join(workDir, 'quire-data')
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const env = quireEnv({ PORT: String(port), QUIRE_DATA_DIR: dataDir })

  const { stdout } = await run(
    process.execPath,
    [QUIRE_MAIN, 'credentials', 'create', '--name', 'bench', '--json'],
    { env },
  )
  const credential = JSON.parse(stdout)
  const basic = basicAuth(credential.client_id, credential.client_secret)

  const profileDir = process.env.BENCH_CPU_PROF
  const server = startChild({
    name: 'quire',
    script: QUIRE_MAIN,
    args: ['serve'],
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
    env,
    logFile: path.join(workDir, 'quire.log'),
  })
  await waitUntilReady(server, `${base}/readyz`)

  const pid = server.child.pid
  const tokenRequest = {
    url: `${base}/oauth/token`,
    method: 'POST',
    headers: { authorization: basic, 'content-type': FORM },
    body: 'grant_type=client_credentials',
    pid,
  }
  const tokenSample = await sample(server, tokenRequest)
  const bearer = `Bearer ${tokenSample.json.access_token}`

  for (let i = 1; i <= BOOK_COUNT; i += 1) {
    await sample(server, {
      url: `${base}/v1/book/add`,
      method: 'POST',
      headers: { authorization: bearer, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `Applicant ${i}`, xid: `loan-${1000 + i}` }),
    })
  }
  const booksRequest = { url: `${base}/v1/books`, headers: { authorization: bearer }, pid }
  const booksSample = await sample(server, booksRequest)

  return {
    targets: {
      quireToken: { request: tokenRequest, info: { responseBytes: tokenSample.bytes } },
      quireBooks: {
        request: booksRequest,
        info: { responseBytes: booksSample.bytes, books: BOOK_COUNT },
      },
    },
    bodies: { token: tokenSample.json, books: booksSample.json },
    logLevel: env.QUIRE_LOG_LEVEL,
  }
}

/** The same Node and Fastify answering Quire's own response bodies with no work behind them. */
async function startBareFastify(workDir, bodies) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const bodiesFile = path.join(workDir, 'bare-bodies.json')
  fs.writeFileSync(bodiesFile, JSON.stringify(bodies))

  const server = startChild({
    name: 'bare fastify',
    script: path.join(BENCH_DIR, 'targets/bare-fastify.js'),
    env: { PORT: String(port), BENCH_BODIES: bodiesFile },
    logFile: path.join(workDir, 'bare-fastify.log'),
  })
  const pid = server.child.pid
  const postRequest = {
    url: `${base}/token`,
    method: 'POST',
    headers: { 'content-type': FORM },
    body: 'grant_type=client_credentials',
    pid,
  }
  const getRequest = { url: `${base}/books`, pid }
  await waitUntilReady(server, getRequest.url)
  const postSample = await sample(server, postRequest)
  const getSample = await sample(server, getRequest)

  return {
    targets: {
      barePost: { request: postRequest, info: { responseBytes: postSample.bytes } },
      bareGet: { request: getRequest, info: { responseBytes: getSample.bytes } },
    },
  }
}

/** node-oidc-provider, client credentials, client_secret_basic, JWT access tokens (ES256). */
async function startOidcProvider(workDir) {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const clientId = `bench-${crypto.randomBytes(8).toString('hex')}`
  const clientSecret = crypto.randomBytes(32).toString('base64url')

  const server = startChild({
    name: 'oidc-provider',
    script: path.join(BENCH_DIR, 'targets/oidc-provider.js'),
    env: {
      PORT: String(port),
      BENCH_CLIENT_ID: clientId,
      BENCH_CLIENT_SECRET: clientSecret,
      BENCH_RESOURCE: 'https://api.quire.bench/',
      BENCH_SCOPE: SCOPE,
      NODE_ENV: 'production',
    },
    logFile: path.join(workDir, 'oidc-provider.log'),
  })
  await waitUntilReady(server, `${base}/.well-known/openid-configuration`)

  // The scope is asked for explicitly so the token carries what Quire's carries: with no scope
  // node-oidc-provider issues a token without any.
  const tokenRequest = {
    url: `${base}/token`,
    method: 'POST',
    headers: { authorization: basicAuth(clientId, clientSecret), 'content-type': FORM },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: SCOPE }).toString(),
    pid: server.child.pid,
  }
  const tokenSample = await sample(server, tokenRequest)

  return {
    targets: {
      oidcProviderToken: { request: tokenRequest, info: { responseBytes: tokenSample.bytes } },
    },
    accessTokenFormat: tokenFormat(tokenSample.json.access_token),
    version: packageVersion('oidc-provider'),
  }
}

/** One request before the load, to check the target answers 200 and to size its body. */
async function sample(server, { url, method = 'GET', headers = {}, body }) {
  const response = await globalThis.fetch(url, { method, headers, body })
  const text = await response.text()
  if (response.status !== 200) {
    throw new Error(
      `${server.name}: ${method} ${url} answered ${response.status}: ${text}\n${logTail(server)}`,
    )
  }
  return { json: JSON.parse(text), bytes: Buffer.byteLength(text) }
}

/** "jwt (ES256, at+jwt)" for a JWS access token, else "opaque". */
function tokenFormat(token) {
  const parts = String(token).split('.')
  if (parts.length !== 3) return 'opaque'
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'))
    return `jwt (${header.alg}, ${header.typ})`
  } catch {
    return 'opaque'
  }
}

/**
 * The server's environment: this shell's, minus anything that would point Quire elsewhere
 * (PostgreSQL, Redis, another public URL), with the limits that must not cap the load raised.
 */
function basicAuth(id, secret) {
  const encode = (value) => encodeURIComponent(value).replace(/%20/g, '+')
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`
}

function packageVersion(name) {
  const file = path.join(ROOT, 'node_modules', name, 'package.json')
  return JSON.parse(fs.readFileSync(file, 'utf8')).version
}

function buildReport({ results, quire, oidc, loadBefore }) {
  const ratio = (a, b, key) => round(results[a][key] / results[b][key], 2)
  const ratios = {}
  const cpuRatios = {}
  for (const [name, [a, b]] of Object.entries(RATIOS)) {
    ratios[name] = ratio(a, b, 'reqPerSec')
    // The same comparison in server CPU per request (b's cost over a's): higher is better.
    cpuRatios[name] =
      results[a].serverCpuUsPerRequest === null ? null : ratio(b, a, 'serverCpuUsPerRequest')
  }

  return {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBefore: round(loadBefore, 2),
    },
    settings: {
      ...SETTINGS,
      host: '127.0.0.1',
      quireLogLevel: quire.logLevel,
      cpuProfile: Boolean(process.env.BENCH_CPU_PROF),
    },
    results,
    oidcProvider: { version: oidc.version, accessTokenFormat: oidc.accessTokenFormat },
    ratios,
    cpuRatios,
    aims: AIMS,
    met: Object.fromEntries(Object.entries(AIMS).map(([k, aim]) => [k, ratios[k] >= aim])),
    noisy: noisy(results),
  }
}

/** The most other load seen in a round, in cores, when it is enough to skew the figures. */
function noisy(results) {
  const other = Object.values(results).map((r) => r.maxOtherCores ?? 0)
  const most = Math.max(...other)
  return most >= NOISY_CORES ? most : null
}

const LABELS = {
  quireToken: 'Quire POST /oauth/token',
  quireBooks: 'Quire GET /v1/books',
  barePost: 'bare Fastify POST (ceiling)',
  bareGet: 'bare Fastify GET (ceiling)',
  oidcProviderToken: 'node-oidc-provider POST /token',
}

const RATIO_LABELS = {
  tokenVsBarePost: 'token endpoint / bare POST',
  tokenVsOidcProvider: 'token endpoint / node-oidc-provider',
  booksVsBareGet: 'GET /v1/books / bare GET',
}

function printReport(report) {
  const widths = [32, 8, 15, 6, 6, 10, 6, 6]
  const row = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')

  write(`\nmedians of ${report.settings.rounds} rounds:`)
  write(row(['target', 'req/s', 'req/s range', 'p99 ms', 'p50 ms', 'cpu µs/req', 'bytes', 'other']))
  for (const key of ORDER) {
    const r = report.results[key]
    write(
      row([
        LABELS[key],
        fmtRate(r.reqPerSec),
        r.reqPerSecRange.map(fmtRate).join('–'),
        String(r.p99Ms),
        String(r.p50Ms),
        r.serverCpuUsPerRequest === null ? '-' : String(r.serverCpuUsPerRequest),
        String(r.responseBytes),
        r.maxOtherCores === null ? '-' : r.maxOtherCores.toFixed(2),
      ]),
    )
  }
  write('"other": the most CPU (cores) anything else on the machine used during one of the rounds')
  if (report.noisy) {
    write(
      `WARNING: other work on the machine used up to ${report.noisy} cores during the rounds; ` +
        'the figures are noisy, rerun on an idle machine',
    )
  }
  write(
    `\nnode-oidc-provider ${report.oidcProvider.version}: ` +
      `${report.oidcProvider.accessTokenFormat} access tokens`,
  )

  write(`\n${'ratio (req/s)'.padEnd(38)}${'value'.padStart(6)}  ${'aim'.padEnd(8)}      by cpu/req`)
  for (const [key, value] of Object.entries(report.ratios)) {
    const verdict = report.met[key] ? 'met    ' : 'NOT met'
    const cpu = report.cpuRatios[key] === null ? '-' : report.cpuRatios[key].toFixed(2)
    write(
      `${RATIO_LABELS[key].padEnd(38)}${value.toFixed(2).padStart(6)}  ≥ ${String(AIMS[key]).padEnd(4)}` +
        ` ${verdict}${cpu.padStart(8)}`,
    )
  }
}

function fmtRate(value) {
  return Math.round(value).toLocaleString('en-US')
}

/** bench/results/latest.json, formatted as `prettier --check` wants it (the file is committed). */
async function writeResults(report) {
  const options = (await prettier.resolveConfig(RESULTS_FILE)) ?? {}
  const text = await prettier.format(JSON.stringify(report), { ...options, filepath: RESULTS_FILE })
  fs.mkdirSync(path.dirname(RESULTS_FILE), { recursive: true })
  fs.writeFileSync(RESULTS_FILE, text)
}

/** Ctrl-C or SIGTERM: stop the servers and the temp dir first, then leave. */
function onSignals(workDir) {
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the servers\n`)
      stopAll()
        .finally(() => fs.rmSync(workDir, { recursive: true, force: true }))
        .finally(() => process.exit(130))
    })
  }
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : error}\n`)
  stopAll().finally(() => process.exit(1))
})
