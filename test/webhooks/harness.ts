import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import pino from 'pino'

import { buildApp } from '../../src/app.js'
import type { Clock } from '../../src/clock.js'
import { loadConfig, type Config } from '../../src/config.js'
import { createServices, type Services } from '../../src/services.js'
import { createSchema, dropSchema, schemaUrl, type DialectName } from '../support/app.js'

/** Settings that let delivery tests run in milliseconds against a receiver on 127.0.0.1. */
export const FAST_DELIVERY: Partial<Config> = {
  orgRateLimitPerSecond: 10_000,
  webhookAllowedHosts: ['127.0.0.1'],
  webhookTimeoutMs: 1000,
  webhookRetryBaseMs: 20,
  webhookPollMs: 20,
}

/** Where a Quire instance keeps its state, so a second instance can take over from a first. */
export interface Place {
  dataDir: string
  schema: string | undefined
}

export async function newPlace(dialect: DialectName): Promise<Place> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-webhooks-'))
  return { dataDir, schema: dialect === 'postgres' ? await createSchema() : undefined }
}

export async function removePlace(place: Place): Promise<void> {
  if (place.schema !== undefined) await dropSchema(place.schema)
  fs.rmSync(place.dataDir, { recursive: true, force: true })
}

export interface Quire {
  app: FastifyInstance
  services: Services
  /** Every log line, from requests and from background work. */
  lines: string[]
  close(): Promise<void>
}

/** A Quire app on `place`, with the real clock unless one is given, logging at debug. */
export async function startQuire(
  place: Place,
  overrides: Partial<Config> = {},
  options: { clock?: Clock; background?: boolean } = {},
): Promise<Quire> {
  const lines: string[] = []
  const stream = { write: (line: string) => void lines.push(line) }
  const config = loadConfig(
    {
      QUIRE_DATA_DIR: place.dataDir,
      QUIRE_PUBLIC_URL: 'http://quire.test',
      QUIRE_LOG_LEVEL: 'debug',
    },
    {
      ...FAST_DELIVERY,
      ...(place.schema !== undefined && { databaseUrl: schemaUrl(place.schema) }),
      ...overrides,
    },
  )
  const services = await createServices(config, {
    log: pino({ level: 'debug' }, stream),
    background: options.background ?? true,
    ...(options.clock !== undefined && { clock: options.clock }),
  })
  const app = await buildApp(services, { logStream: stream })
  await app.ready()

  return {
    app,
    services,
    lines,
    async close() {
      await app.close()
      await services.close()
    },
  }
}

export interface Bearer {
  (
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>
}

/** Requests with one bearer token. */
export function bearer(app: FastifyInstance, token: string): Bearer {
  return (method, url, payload, headers = {}) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(payload !== undefined && { payload: payload as string }),
    })
}

export interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  url: string
}

export interface Receiver {
  url: string
  received: Received[]
  /** Requests received and not yet answered (nor given up by the sender). */
  inFlight: number
  /** The most requests that were ever in flight at once. */
  mostInFlight: number
  close(): Promise<void>
}

/**
 * A webhook receiver on 127.0.0.1 and a free port. `answer` gives the status for the n-th
 * request (from 1), or 'hang' to never answer, or a promise of the status to answer when the
 * test says so.
 */
export async function startReceiver(
  answer: (n: number) => number | 'hang' | Promise<number> = () => 200,
): Promise<Receiver> {
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      receiver.received.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        url: request.url ?? '',
      })
      receiver.inFlight++
      receiver.mostInFlight = Math.max(receiver.mostInFlight, receiver.inFlight)
      response.on('close', () => receiver.inFlight--)
      void Promise.resolve(answer(receiver.received.length)).then((status) => {
        if (status === 'hang') return
        response.writeHead(status, { 'content-type': 'text/plain' })
        response.end(status < 300 ? 'ok' : `receiver says no (${status})`)
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo

  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks`,
    received: [],
    inFlight: 0,
    mostInFlight: 0,
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  return receiver
}

/** Polls `probe` until it returns a value other than undefined, for at most `timeoutMs`. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/** The organization-level webhook body of reference §8.1. */
export function webhookBody(
  url: string,
  eventNames: string[],
  extra: Record<string, unknown> = {},
) {
  return {
    webhook: { url, description: 'Test receiver', is_active: true, ...extra },
    event_names: eventNames,
  }
}
