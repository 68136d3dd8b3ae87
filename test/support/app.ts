import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import pino from 'pino'
import { describe } from 'vitest'

import { buildApp } from '../../src/app.js'
import type { Clock } from '../../src/clock.js'
import { loadConfig, type Config } from '../../src/config.js'
import { createServices, type Services } from '../../src/services.js'

export type DialectName = 'sqlite' | 'postgres'

export const PG_URL = process.env.QUIRE_TEST_DATABASE_URL
export const REDIS_URL = process.env.QUIRE_TEST_REDIS_URL

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(public ms = Date.parse('2026-06-01T12:00:00.000Z')) {}
  now(): number {
    return this.ms
  }
  advance(seconds: number): void {
    this.ms += seconds * 1000
  }
}

export interface TestApp {
  app: FastifyInstance
  services: Services
  clock: TestClock
  config: Config
  dataDir: string
  schema: string | undefined
  /** With `keepStorage`, the data dir and schema stay for a later app (a restart). */
  close(options?: { keepStorage?: boolean }): Promise<void>
}

/**
 * Runs a suite once per storage dialect: always SQLite, and PostgreSQL when
 * QUIRE_TEST_DATABASE_URL is set (otherwise the PostgreSQL suite is reported as skipped).
 */
export function describeEachDialect(name: string, suite: (dialect: DialectName) => void): void {
  describe(`${name} [sqlite]`, () => suite('sqlite'))
  if (PG_URL !== undefined) describe(`${name} [postgres]`, () => suite('postgres'))
  else
    describe.skip(`${name} [postgres] skipped: QUIRE_TEST_DATABASE_URL is not set`, () =>
      suite('postgres'))
}

/** A fresh app on a fresh data dir, and on PostgreSQL a fresh schema, per call. */
export async function createTestApp(
  dialect: DialectName = 'sqlite',
  overrides: Partial<Config> = {},
  env: Record<string, string> = {},
  logStream?: { write(line: string): void },
  restartOf?: TestApp,
): Promise<TestApp> {
  const dataDir = restartOf?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'quire-test-'))
  const schema =
    restartOf !== undefined
      ? restartOf.schema
      : dialect === 'postgres'
        ? await createSchema()
        : undefined
  const clock = new TestClock()

  const config = loadConfig(
    { QUIRE_DATA_DIR: dataDir, QUIRE_PUBLIC_URL: 'http://quire.test', ...env },
    { ...(schema !== undefined && { databaseUrl: schemaUrl(schema) }), ...overrides },
  )
  const services = await createServices(config, {
    clock,
    log: pino({ level: 'silent' }),
    background: true,
  })
  const app = await buildApp(services, logStream ? { logStream } : { logger: false })
  await app.ready()

  return {
    app,
    services,
    clock,
    config,
    dataDir,
    schema,
    async close(options = {}) {
      await app.close()
      await services.close()
      if (options.keepStorage === true) return
      if (schema !== undefined) await dropSchema(schema)
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export function schemaUrl(schema: string): string {
  const url = new URL(PG_URL as string)
  url.searchParams.set('options', `-c search_path=${schema}`)
  return url.toString()
}

export async function createSchema(): Promise<string> {
  const schema = `quire_test_${crypto.randomBytes(6).toString('hex')}`
  await withPg((client) => client.query(`create schema ${schema}`))
  return schema
}

export async function dropSchema(schema: string): Promise<void> {
  await withPg((client) => client.query(`drop schema ${schema} cascade`))
}

async function withPg<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL })
  await client.connect()
  try {
    return await run(client)
  } finally {
    await client.end()
  }
}
