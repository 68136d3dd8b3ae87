import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { createServices, type Services } from '../../src/services.js'
import { createSchema, dropSchema, PG_URL, schemaUrl } from '../support/app.js'
import { createCredential, getToken } from '../support/oauth.js'

interface Node {
  app: FastifyInstance
  services: Services
  dataDir: string
}

const suite = PG_URL === undefined ? describe.skip : describe
const label = PG_URL === undefined ? ' skipped: QUIRE_TEST_DATABASE_URL is not set' : ''

suite(`two nodes on one PostgreSQL${label}`, () => {
  let schema: string
  const nodes: Node[] = []

  beforeAll(async () => {
    schema = await createSchema()
    for (let i = 0; i < 2; i++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-node-'))
      const config = loadConfig(
        {
          QUIRE_DATA_DIR: dataDir,
          QUIRE_PUBLIC_URL: 'http://quire.test',
          QUIRE_SECRET_KEY: 'k'.repeat(40),
        },
        { databaseUrl: schemaUrl(schema), revocationPollMs: 50 },
      )
      // The nodes start one after the other, as a rolling deploy would.
      const services = await createServices(config, { log: pino({ level: 'silent' }) })
      const app = await buildApp(services, { logger: false })
      nodes.push({ app, services, dataDir })
    }
  })
  afterAll(async () => {
    for (const node of nodes) {
      await node.app.close()
      await node.services.close()
      fs.rmSync(node.dataDir, { recursive: true, force: true })
    }
    await dropSchema(schema)
  })

  const books = (node: Node, token: string) =>
    node.app.inject({ url: '/v1/books', headers: { authorization: `Bearer ${token}` } })

  it('shares one signing key, so a token from one node works on the other', async () => {
    const [a, b] = nodes as [Node, Node]
    expect(a.services.signingKeys.signingKey().kid).toBe(b.services.signingKeys.signingKey().kid)

    const cred = await createCredential(a.services)
    const token = await getToken(b.app, cred)
    expect((await books(a, token)).statusCode).toBe(200)
  })

  it('carries a revocation made on one node to the other within a second', async () => {
    const [a, b] = nodes as [Node, Node]
    const cred = await createCredential(a.services)
    const token = await getToken(a.app, cred)
    expect((await books(b, token)).statusCode).toBe(200)

    await a.services.credentials.revoke(cred.clientId)
    const start = Date.now()
    let status = 200
    while (status === 200 && Date.now() - start < 1000) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      status = (await books(b, token)).statusCode
    }
    expect(status).toBe(401)
  })
})
