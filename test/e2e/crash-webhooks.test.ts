import http from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, beforeEach, expect, it } from 'vitest'

import { describeEachDialect } from '../support/app.js'
import { Api } from './support/api.js'
import { Deployment, eventually } from './support/deployment.js'
import type { QuireServer } from './support/server.js'

/**
 * Webhook deliveries live in the database: a `quire serve` killed with SIGKILL while one waits
 * for its retry and another is being sent leaves both pending, and the next process on the
 * same database delivers both. With SQLite the restarted process knows the dead one's claims
 * are nobody's and sends at once; on PostgreSQL, where another process may hold them, it waits
 * for the claim's lease (timeout + 30 s).
 */

const ENV = {
  QUIRE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  QUIRE_WEBHOOK_RETRY_BASE_MS: '2000',
  QUIRE_WEBHOOK_POLL_MS: '100',
}

/**
 * The POST timeout, and so the lease on a delivery being sent. With SQLite it is longer than
 * the test may run: only the restart's release of the dead process's claims lets it pass.
 */
const TIMEOUT_MS = { sqlite: '120000', postgres: '5000' }

/** A receiver on 127.0.0.1 that answers each delivery as the test says, by delivery id. */
class Receiver {
  readonly received: string[] = []
  answer: (deliveryId: string) => number | 'hang' = () => 200
  private readonly server = http.createServer((request, response) => {
    const id = String(request.headers['webhook-request-id'])
    request.resume()
    request.on('end', () => {
      this.received.push(id)
      const status = this.answer(id)
      if (status !== 'hang') response.writeHead(status).end()
    })
  })

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`
  }

  close(): Promise<void> {
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}

interface DeliveryRow {
  uuid: string
  status: string
  attempts: number
}

describeEachDialect('webhook deliveries across a crash', (dialect) => {
  let deployment: Deployment
  let receiver: Receiver
  let server: QuireServer | undefined

  beforeEach(async () => {
    deployment = await Deployment.create(dialect)
    receiver = new Receiver()
  })
  afterEach(async () => {
    await server?.kill()
    await receiver.close()
    await deployment.remove()
  })

  const deliveries = () =>
    deployment.query<DeliveryRow>('select uuid, status, attempts from webhook_deliveries')
  const attemptsOf = async (uuid: string) =>
    (
      await deployment.query<{ delivery_uuid: string }>(
        'select delivery_uuid from webhook_attempts',
      )
    ).filter((row) => row.delivery_uuid === uuid).length

  it('delivers after a restart both a delivery awaiting its retry and one cut off mid-send', async () => {
    const url = await receiver.listen()
    const env = { ...ENV, QUIRE_WEBHOOK_TIMEOUT_MS: TIMEOUT_MS[dialect] }
    server = await deployment.start(env)
    const credential = await server.createCredential('hooks')
    let api = await Api.as(server, credential)
    const created = await api.call('POST', '/v1/account/settings/webhook', {
      webhook: { url, description: 'crash receiver', is_active: true },
      event_names: ['book.verified'],
    })
    const hook = (created.body as { response: { uuid: string } }).response.uuid
    // With a secret, each POST names its delivery in Webhook-Request-Id.
    const secret = await api.call('POST', `/v1/account/settings/webhook/${hook}/rotate-secret`, {
      secret_key: 'crash-receiver-secret-0123',
    })
    expect(secret.status).toBe(200)
    const queue = async () => {
      const sent = await api.call('POST', `/v1/account/settings/webhook/${hook}/test`, {
        event_uuid: 'book.verified',
      })
      expect(sent.status).toBe(200)
      return sent.headers.get('x-webhook-delivery-id') as string
    }

    // The first delivery fails and waits for its retry; the second's receiver never answers.
    // (Its POST may arrive before the test hears the first one's id: the order tells them apart.)
    const seen: string[] = []
    receiver.answer = (id) => {
      if (!seen.includes(id)) seen.push(id)
      return seen.indexOf(id) === 0 ? 500 : 'hang'
    }
    const retrying = await queue()
    await eventually(async () => ((await attemptsOf(retrying)) > 0 ? true : undefined))
    const inFlight = await queue()
    await eventually(async () => (receiver.received.includes(inFlight) ? true : undefined))

    await server.kill()

    const atKill = await deliveries()
    expect(atKill.map((d) => d.status)).toEqual(['pending', 'pending'])
    expect(await attemptsOf(inFlight)).toBe(0)

    receiver.answer = () => 200
    server = await deployment.start(env)
    api = await Api.as(server, credential)
    const settled = await eventually(async () => {
      const rows = await deliveries()
      return rows.every((d) => d.status !== 'pending') ? rows : undefined
    })

    expect(settled.map((d) => [d.uuid, d.status]).sort()).toEqual(
      [
        [retrying, 'succeeded'],
        [inFlight, 'succeeded'],
      ].sort(),
    )
    expect(receiver.received.filter((id) => id === inFlight)).toHaveLength(2)
    const log = await api.call('GET', `/v1/account/settings/webhook/${hook}/deliveries`)
    expect(log.status).toBe(200)
  }, 120_000)
})
