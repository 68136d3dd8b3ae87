import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { getJson } from './support/http.js'
import { runNewman } from './support/newman.js'
import { startServer, type QuireServer } from './support/server.js'

interface Collection {
  item: { name: string }[]
}

interface Environment {
  values: { key: string; value: string; type: string; enabled: boolean }[]
}

describe('the Postman collection, run by newman against quire serve', () => {
  let server: QuireServer | undefined
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('passes every request and every assertion with a credential made by the CLI', async () => {
    const quire = server as QuireServer
    const credential = await quire.createCredential('newman')

    const collection = await getJson<Collection>(`${quire.baseUrl}/postman/collection.json`)
    const environment = await getJson<Environment>(
      `${quire.baseUrl}/postman/environment.json?client_id=${encodeURIComponent(credential.client_id)}`,
    )

    // The files carry the credential's id and leave the secret for the user to paste.
    expect(JSON.stringify(collection)).not.toContain(credential.client_secret)
    const values = new Map(environment.values.map((v) => [v.key, v]))
    expect(values.get('base_url')?.value).toBe(quire.baseUrl)
    expect(values.get('client_id')?.value).toBe(credential.client_id)
    expect(values.get('client_secret')).toMatchObject({ value: '', type: 'secret' })

    const secret = values.get('client_secret')
    if (secret !== undefined) secret.value = credential.client_secret

    // 60 ms apart keeps the run under the default 20 requests a second per organization.
    const summary = await runNewman({ collection, environment, reporters: [], delayRequest: 60 })
    const { run } = summary

    expect(summary.error).toBeUndefined()
    expect(
      run.failures.map((f) => `${f.source?.name ?? '?'} (${f.at ?? '?'}): ${f.error.message}`),
    ).toEqual([])

    for (const execution of run.executions) {
      const name = execution.item.name
      expect(execution.requestError, name).toBeUndefined()
      // A document may finish before the cancel arrives; Ocrolus then answers 406.
      const expected = name === 'Cancel a document' ? [200, 406] : [200]
      expect(expected, name).toContain(execution.response?.code)
      expect(execution.prerequestScript, name).toBeUndefined()
      expect(execution.testScript, name).toBeUndefined()

      const assertions = execution.assertions ?? []
      expect(assertions.length, `${name} runs assertions`).toBeGreaterThan(0)
      for (const assertion of assertions) {
        expect(assertion.skipped, `${name}: ${assertion.assertion} skipped`).toBe(false)
        expect(assertion.error?.message, `${name}: ${assertion.assertion}`).toBeUndefined()
      }
    }

    // newman pushes an item's execution object once per request the item sent; count it once.
    const assertionCount = [...new Set(run.executions)].reduce(
      (n, e) => n + (e.assertions?.length ?? 0),
      0,
    )
    expect(run.stats.assertions).toMatchObject({ total: assertionCount, failed: 0 })
    expect(run.stats.prerequestScripts.failed).toBe(0)
    expect(run.stats.testScripts.failed).toBe(0)

    // Every item ran, once, in order, and sent exactly one request: newman reports requests
    // sent from scripts (pm.sendRequest) as executions of the item too, so an extra token
    // request made by the pre-request script shows up here.
    expect(collection.item.length).toBeGreaterThan(0)
    expect(run.stats.items).toMatchObject({ total: collection.item.length, failed: 0 })
    expect(run.executions.map((e) => e.item.name)).toEqual(collection.item.map((i) => i.name))
    expect(run.executions).toHaveLength(collection.item.length)
    expect(run.stats.requests).toMatchObject({ total: collection.item.length, failed: 0 })
  })

  it('fetches its own token in the pre-request script when a bearer request runs alone', async () => {
    // The README: "The collection's pre-request script does this by itself, which is also how
    // newman runs it." Run one bearer request with no token request before it.
    const quire = server as QuireServer
    const credential = await quire.createCredential('newman alone', '--org', 'newman-alone')
    const collection = await getJson<Collection>(`${quire.baseUrl}/postman/collection.json`)
    const environment = await getJson<Environment>(
      `${quire.baseUrl}/postman/environment.json?client_id=${encodeURIComponent(credential.client_id)}`,
    )
    for (const value of environment.values) {
      if (value.key === 'client_secret') value.value = credential.client_secret
    }
    collection.item = collection.item.filter((i) => i.name === 'List Books')
    expect(collection.item).toHaveLength(1)

    const { run } = await runNewman({ collection, environment, reporters: [] })

    expect(
      run.failures.map((f) => `${f.source?.name ?? '?'} (${f.at ?? '?'}): ${f.error.message}`),
    ).toEqual([])
    const last = run.executions.at(-1)
    expect(last?.item.name).toBe('List Books')
    expect(last?.response?.code).toBe(200)
    expect(JSON.parse(last?.response?.text() ?? 'null')).toEqual({
      status: 200,
      message: 'OK',
      response: [],
    })
  })
})
