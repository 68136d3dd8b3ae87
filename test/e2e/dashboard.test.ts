import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'

import {
  describeInChromium,
  launchChromium,
  saveScreenshot,
  type Chromium,
} from './support/chromium.js'
import { FIXTURES } from '../support/multipart.js'
import { DashboardPage } from './support/dashboard-page.js'
import { runNewman } from './support/newman.js'
import { startServer, type QuireServer } from './support/server.js'

const STATEMENT = path.join(FIXTURES, 'bank/aws-credit-card-stmt.pdf')
const W2 = path.join(FIXTURES, 'tax/google-2020-form-w2.pdf')

/** A webhook receiver on this machine that records what it gets. */
interface Receiver {
  url: string
  received: { headers: http.IncomingHttpHeaders; body: string }[]
  close(): Promise<void>
}

async function startReceiver(): Promise<Receiver> {
  const received: Receiver['received'] = []
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') })
      response.writeHead(200).end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/quire-hook`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

const OWNER = { email: 'owner@example.com', password: 'a long owner password', name: 'Olive' }

describeInChromium('the dashboard in Chromium, against quire serve', () => {
  let server: QuireServer
  let browser: Chromium
  let page: Page
  let dash: DashboardPage

  let receiver: Receiver

  beforeAll(async () => {
    receiver = await startReceiver()
    // Webhooks may reach the receiver on 127.0.0.1, and retries come quickly.
    server = await startServer({
      QUIRE_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
      QUIRE_WEBHOOK_POLL_MS: '100',
      QUIRE_WEBHOOK_RETRY_BASE_MS: '200',
    })
    browser = await launchChromium(server.baseUrl)
    page = browser.page
    dash = new DashboardPage(page, server)
  })
  afterEach(async (context) => {
    await saveScreenshot(page, context.task.name)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await receiver?.close()
  })

  const url = (path: string) => dash.url(path)

  it('first-run setup: the printed link creates the owner and the organization', async () => {
    await page.goto(url('/'))
    await page.getByText('No account exists yet').waitFor()

    // The CLI prints another link meanwhile; each works until an account exists.
    const fromCli = await server.cli('setup-link')
    expect(fromCli.code).toBe(0)
    expect(fromCli.stdout).toMatch(/\/dashboard\/setup#token=[\w-]{43}/)

    await page.goto(await dash.setupLink())
    await page.getByLabel('Organization name').fill('Acme Lending')
    await page.getByLabel('Your name').fill(OWNER.name)
    await page.getByLabel('Email').fill(OWNER.email)
    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Create account' }).click()

    await page.getByRole('heading', { name: 'API credentials' }).waitFor()
    expect(page.url()).toBe(url('/credentials'))
    await expect(page.locator('.who').textContent()).resolves.toContain('Acme Lending (owner)')
    const late = await server.cli('setup-link')
    expect(late.code).toBe(1)
    expect(late.stderr).toContain('a dashboard account exists already')
  })

  it('sign in: a wrong password is explained in words, the right one signs in', async () => {
    await page.context().clearCookies()
    await page.goto(url('/'))
    await page.getByLabel('Email').fill(OWNER.email)
    await page.getByLabel('Password').fill('not the password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('alert').textContent()).resolves.toBe(
      'The email or password is incorrect.',
    )

    await page.getByLabel('Password').fill(OWNER.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'API credentials' }).waitFor()
    const cookies = await page.context().cookies()
    expect(cookies.find((c) => c.name === 'quire_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
      path: '/dashboard',
    })
  })

  it('creates a credential, shows its secret once, and Node gets a token and calls /v1/books', async () => {
    await dash.signIn(OWNER)
    const issued = await dash.createCredential('Node app')
    expect(issued.clientId).toMatch(/^qc_/)
    expect(issued.secret.length).toBeGreaterThan(20)

    await page.getByRole('button', { name: 'Copy client_secret' }).click()
    await page.getByText('Copied.').waitFor()
    await expect(page.evaluate('navigator.clipboard.readText()')).resolves.toBe(issued.secret)

    await page.getByRole('button', { name: 'I have stored the secret' }).click()
    await page.reload()
    await page.locator(`tr[data-client-id="${issued.clientId}"]`).waitFor()
    expect(await page.content()).not.toContain(issued.secret)

    const answer = await dash.token(issued.clientId, issued.secret)
    expect(answer.status).toBe(200)
    const { access_token } = (await answer.json()) as { access_token: string }
    const books = await fetch(`${server.baseUrl}/v1/books`, {
      headers: { authorization: `Bearer ${access_token}` },
    })
    expect(books.status).toBe(200)
    expect(await books.json()).toEqual({ status: 200, message: 'OK', response: [] })

    // Last use shows up in the list.
    await page.reload()
    const row = page.locator(`tr[data-client-id="${issued.clientId}"]`)
    await expect(row.textContent()).resolves.not.toContain('never')
  })

  it('Explore with Postman: try it from the browser, download both files, run them with newman', async () => {
    await dash.signIn(OWNER)
    const issued = await dash.createCredential('Postman')
    await page.getByRole('button', { name: 'I have stored the secret' }).click()
    await page.getByRole('navigation').getByRole('link', { name: 'Explore with Postman' }).click()
    await page.getByLabel('Credential').selectOption(issued.clientId)
    await expect(page.getByText(`${server.baseUrl}/oauth/token`).first().isVisible()).resolves.toBe(
      true,
    )

    await page.getByLabel('client_secret').fill(issued.secret)
    await page.getByRole('button', { name: 'Get a token and call GET /v1/books' }).click()
    const raw = page.getByTestId('raw-response')
    await raw.waitFor()
    await expect(raw.textContent()).resolves.toMatch(/^HTTP 200[\s\S]*"status":200/)

    const zip = await dash.download('Download collection and environment (.zip)')
    expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04')
    const collection = JSON.parse((await dash.download('collection')).toString('utf8'))
    const environment = JSON.parse((await dash.download('environment')).toString('utf8'))
    expect(JSON.stringify(collection)).not.toContain(issued.secret)
    expect(JSON.stringify(environment)).not.toContain(issued.secret)

    for (const value of environment.values as { key: string; value: string }[]) {
      if (value.key === 'client_secret') value.value = issued.secret
    }
    const { run } = await runNewman({ collection, environment, reporters: [], delayRequest: 60 })
    expect(run.failures.map((f) => `${f.source?.name ?? '?'}: ${f.error.message}`)).toEqual([])
    expect(run.stats.requests.failed).toBe(0)
  })

  it('rotates a credential (both secrets work) and revokes it after a confirmation', async () => {
    await dash.signIn(OWNER)
    const first = await dash.createCredential('Rotating')
    await page.getByRole('button', { name: 'I have stored the secret' }).click()

    await page.getByRole('button', { name: 'Rotate Rotating' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click()
    await page.getByText('New secret for Rotating').waitFor()
    const second = (await page.getByTestId('client-secret').textContent()) ?? ''
    expect(second).not.toBe(first.secret)
    expect((await dash.token(first.clientId, first.secret)).status).toBe(200)
    expect((await dash.token(first.clientId, second)).status).toBe(200)
    await page.getByRole('button', { name: 'I have stored the secret' }).click()

    await page.getByRole('button', { name: 'Revoke Rotating' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
    expect((await dash.token(first.clientId, second)).status).toBe(200)
    await page.getByRole('button', { name: 'Revoke Rotating' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke for good' }).click()
    const row = page.locator(`tr[data-client-id="${first.clientId}"]`)
    await row.getByText(/^revoked/).waitFor()
    expect((await dash.token(first.clientId, second)).status).toBe(401)
  })

  it('uploads a PDF by drag and drop and watches it reach its final status', async () => {
    await dash.signIn(OWNER)
    await page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
    await page.getByLabel('Book name').fill('Applicant 42')
    await page.getByRole('button', { name: 'Create book' }).click()
    await page.getByRole('heading', { name: 'Applicant 42' }).waitFor()

    await dash.dropFile('.dropzone', STATEMENT, 'statement.pdf')
    await page.locator('.uploads li', { hasText: 'uploaded' }).waitFor()
    const row = page.locator('tr[data-doc="statement.pdf"]')
    // The page polls while the document is processed; the status cell changes by itself.
    await row.locator('.status', { hasText: 'Complete' }).waitFor({ timeout: 60_000 })
    await expect(row.textContent()).resolves.not.toContain('Queued')

    const file = await dash.download('Download statement.pdf')
    expect(file.equals(fs.readFileSync(STATEMENT))).toBe(true)

    await page.getByRole('link', { name: 'statement.pdf', exact: true }).click()
    await page.getByRole('heading', { name: 'statement.pdf' }).waitFor()
    await expect(page.locator('dl').textContent()).resolves.toContain('Complete')
    // The first page's thumbnail, rendered by the server, has loaded.
    const thumbnail = page.getByAltText('Page 1 of statement.pdf')
    await thumbnail.waitFor()
    // Polled from here: the page's CSP forbids the eval waitForFunction would use.
    let width = 0
    for (let i = 0; i < 200 && width === 0; i++) {
      width = await page.evaluate<number>(
        `document.querySelector('img[alt="Page 1 of statement.pdf"]')?.naturalWidth ?? 0`,
      )
      if (width === 0) await page.waitForTimeout(100)
    }
    expect(width).toBe(240)
  })

  it('uploads with a document type and shows it, and an untyped one as not classified', async () => {
    await dash.signIn(OWNER)
    await page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
    await page.getByLabel('Book name').fill('Applicant 43')
    await page.getByRole('button', { name: 'Create book' }).click()
    await page.getByRole('heading', { name: 'Applicant 43' }).waitFor()

    await page.getByLabel('Document type').selectOption({ label: 'W-2' })
    await dash.dropFile('.dropzone', W2, 'w2.pdf')
    await page.locator('.uploads li', { hasText: 'w2.pdf (W-2)' }).getByText('uploaded').waitFor()
    await page.getByLabel('Document type').selectOption({ label: 'Not specified' })
    await dash.dropFile('.dropzone', STATEMENT, 'statement.pdf')
    await page.locator('.uploads li', { hasText: 'statement.pdf' }).getByText('uploaded').waitFor()

    const typed = page.locator('tr[data-doc="w2.pdf"]')
    await typed.locator('.status', { hasText: 'Complete' }).waitFor({ timeout: 60_000 })
    await expect(typed.locator('td').nth(2).textContent()).resolves.toBe('W-2')
    const untyped = page.locator('tr[data-doc="statement.pdf"]')
    await untyped.locator('.status', { hasText: 'Complete' }).waitFor({ timeout: 60_000 })
    await expect(untyped.locator('td').nth(2).textContent()).resolves.toBe('Not classified')

    await page.getByRole('link', { name: 'w2.pdf', exact: true }).click()
    await page.getByRole('heading', { name: 'w2.pdf' }).waitFor()
    await expect(page.locator('dl').textContent()).resolves.toContain('TypeW-2')
  })

  it('pages through more books than one page holds, keeping the search', async () => {
    await dash.signIn(OWNER)
    const issued = await dash.createCredential('Book loader')
    await page.getByRole('button', { name: 'I have stored the secret' }).click()
    const token = (await (await dash.token(issued.clientId, issued.secret)).json()) as {
      access_token: string
    }
    for (let n = 1; n <= 55; n++)
      await addBook(token.access_token, `Paged ${String(n).padStart(2, '0')}`)

    await page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
    const pager = page.getByRole('navigation', { name: 'Pages of books' })
    // Books of the tests before this one come first, the newest.
    await pager.getByText(/^Showing 1–50 of \d+$/).waitFor()
    await page.getByLabel('Search books').fill('paged')
    await pager.getByText('Showing 1–50 of 55').waitFor()
    await page.getByRole('link', { name: 'Paged 55', exact: true }).waitFor()
    await expect(pager.getByRole('button', { name: 'Newer' }).isDisabled()).resolves.toBe(true)

    await pager.getByRole('button', { name: 'Older' }).click()
    await pager.getByText('Showing 51–55 of 55').waitFor()
    await page.getByRole('link', { name: 'Paged 01', exact: true }).waitFor()
    await expect(page.getByRole('link', { name: /^Paged/ }).count()).resolves.toBe(5)
    await expect(pager.getByRole('button', { name: 'Older' }).isDisabled()).resolves.toBe(true)
    await expect(page.getByLabel('Search books').inputValue()).resolves.toBe('paged')

    await pager.getByRole('button', { name: 'Newer' }).click()
    await pager.getByText('Showing 1–50 of 55').waitFor()
    await page.getByRole('link', { name: 'Paged 55', exact: true }).waitFor()
  })

  /** Adds a book through the bearer API, waiting out its rate limit when told to. */
  async function addBook(token: string, name: string): Promise<void> {
    for (;;) {
      const answer = await fetch(`${server.baseUrl}/v1/book/add`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
      })
      if (answer.status !== 429) {
        expect(answer.status).toBe(200)
        return
      }
      await new Promise((resolve) =>
        setTimeout(resolve, 1000 * Number(answer.headers.get('retry-after') ?? 1)),
      )
    }
  }

  it('adds a webhook, sends a test event and sees the delivery, signed after a secret rotation', async () => {
    await dash.signIn(OWNER)
    await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click()
    await page.getByLabel('URL').fill(receiver.url)
    await page.getByLabel('Description (optional)').fill('loan system')
    await page.getByRole('button', { name: 'Add webhook' }).click()
    const card = page.getByRole('region', { name: `Webhook ${receiver.url}` })
    await card.waitFor()

    await card.getByRole('button', { name: 'Rotate secret' }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Make new secret' }).click()
    const secret = (await card.getByTestId('webhook-secret').textContent()) ?? ''
    expect(secret.length).toBeGreaterThan(30)

    await card.getByLabel('Event to test').selectOption('document.verification_succeeded')
    await card.getByRole('button', { name: 'Send a test event' }).click()
    // The open log follows the delivery by itself.
    const row = card.locator('tr.delivery', { hasText: 'HTTP 200' })
    await row.waitFor({ timeout: 20_000 })
    expect(await row.textContent()).toMatch(
      /^document\.verification_succeeded \(test\)[\s\S]*HTTP 200/,
    )

    expect(receiver.received).toHaveLength(1)
    const [delivery] = receiver.received
    expect(JSON.parse(delivery?.body ?? '{}').event_name).toBe('document.verification_succeeded')
    const headers = delivery?.headers ?? {}
    const signed = `${String(headers['webhook-timestamp'])}.${String(headers['webhook-request-id'])}.${delivery?.body}`
    const expected = crypto.createHmac('sha256', secret).update(signed).digest('hex')
    expect(headers['webhook-signature']).toBe(expected)
  })

  it('fits a 390 px wide screen without sideways scrolling of the page', async () => {
    await dash.signIn(OWNER)
    await page.setViewportSize({ width: 390, height: 844 })
    try {
      await page.reload()
      await page.getByRole('heading', { name: 'API credentials' }).waitFor()
      const width = await page.evaluate<number>('document.documentElement.scrollWidth')
      expect(width).toBeLessThanOrEqual(390)
      // Keyboard first: the skip link is the first stop and leads to the content.
      await page.keyboard.press('Tab')
      await expect(page.evaluate('document.activeElement?.textContent')).resolves.toBe(
        'Skip to content',
      )
      await saveScreenshot(page, 'credentials-at-390px')

      // The webhooks form lists every event name, the longest of them one unbroken word.
      await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click()
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor()
      const webhooksWidth = await page.evaluate<number>('document.documentElement.scrollWidth')
      expect(webhooksWidth).toBeLessThanOrEqual(390)
      await saveScreenshot(page, 'webhooks-at-390px')
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  })

  it('loaded nothing from outside the server', () => {
    expect(browser.outsideRequests).toEqual([])
  })
})
