import path from 'node:path'

import type { Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'

import {
  describeInChromium,
  launchChromium,
  saveScreenshot,
  type Chromium,
} from './support/chromium.js'
import { accessibilityViolations, type Violation } from './support/axe.js'
import { DashboardPage } from './support/dashboard-page.js'
import { startServer, type QuireServer } from './support/server.js'
import { FIXTURES } from '../support/multipart.js'

const OWNER = { email: 'owner@example.com', password: 'a long owner password', name: 'Olive' }
const MEMBER = { email: 'mia@example.com', password: 'a long member password', name: 'Mia' }
const PHONE = { width: 390, height: 844 }
const STATEMENT = path.join(FIXTURES, 'bank/aws-credit-card-stmt.pdf')

describeInChromium(
  'dashboard usability in Chromium: titles, focus, small screens, ended sessions',
  () => {
    let server: QuireServer
    let browser: Chromium
    let page: Page
    let dash: DashboardPage

    beforeAll(async () => {
      server = await startServer()
      browser = await launchChromium(server.baseUrl)
      page = browser.page
      dash = new DashboardPage(page, server)
      await dash.setUp(OWNER)
    })
    afterEach(async (context) => {
      await saveScreenshot(page, context.task.name)
      await page.setViewportSize({ width: 1280, height: 900 })
    })
    afterAll(async () => {
      await browser?.close()
      await server?.stop()
    })

    /** Whatever has focus, described by its tag, class and heading text. */
    const focused = () =>
      page.evaluate<string>(`(() => {
      const el = document.activeElement
      return el ? el.tagName + '.' + el.className + ': ' + (el.querySelector('h2')?.textContent ?? el.textContent) : ''
    })()`)

    it('a used setup link says so and offers sign-in instead of its form', async () => {
      await page.context().clearCookies()
      await page.goto(await dash.setupLink())

      await page.getByText('This Quire is set up already').waitFor()
      expect(await page.getByRole('button', { name: 'Create account' }).count()).toBe(0)
      expect(page.url()).toBe(dash.url('/setup'))
      await page.getByRole('link', { name: 'Sign in' }).click()
      await dash.fillSignIn(OWNER)
      await page.getByRole('heading', { name: 'API credentials' }).waitFor()
    })

    it('names every page in the title bar', async () => {
      await dash.signIn(OWNER)
      expect(await page.title()).toBe('API credentials · Quire')

      const titles: string[] = []
      for (const link of ['Books', 'Webhooks', 'Usage', 'Members', 'Explore with Postman']) {
        await page.getByRole('navigation').getByRole('link', { name: link }).click()
        await page.getByRole('heading', { level: 1 }).waitFor()
        titles.push(await page.title())
      }
      expect(titles).toEqual([
        'Books · Quire',
        'Webhooks · Quire',
        'Usage · Quire',
        'Members · Quire',
        'Explore with Postman · Quire',
      ])

      await page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
      await page.getByLabel('Book name').fill('Applicant 7')
      await page.getByRole('button', { name: 'Create book' }).click()
      await page.getByRole('heading', { name: 'Applicant 7' }).waitFor()
      expect(await page.title()).toBe('Applicant 7 · Quire')
    })

    it('at 390 px, a new secret takes focus and is on screen', async () => {
      await dash.signIn(OWNER)
      await page.setViewportSize(PHONE)

      await dash.createCredential('Phone app')

      expect(await focused()).toBe('SECTION.card secret: Credential created: Phone app')
      const box = await page.getByTestId('client-secret').boundingBox()
      expect(box).not.toBeNull()
      const scroll = await page.evaluate<number>('window.scrollY')
      expect(box!.y).toBeGreaterThanOrEqual(0)
      expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height)
      expect(scroll).toBeGreaterThan(0)

      await page.getByRole('button', { name: 'I have stored the secret' }).click()
      expect(await focused()).toBe('H2.: Your credentials')
    })

    it('retires an old secret only after a confirmation', async () => {
      await dash.signIn(OWNER)
      const first = await dash.createCredential('Retiring')
      await page.getByRole('button', { name: 'I have stored the secret' }).click()
      await page.getByRole('button', { name: 'Rotate Retiring' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click()
      const second = (await page.getByTestId('client-secret').textContent()) ?? ''
      await page.getByRole('button', { name: 'I have stored the secret' }).click()

      await page.getByRole('button', { name: 'Retire old secret of Retiring' }).click()
      const dialog = page.getByRole('dialog', { name: 'Retire the old secret of Retiring?' })
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      expect((await dash.token(first.clientId, first.secret)).status).toBe(200)

      await page.getByRole('button', { name: 'Retire old secret of Retiring' }).click()
      await dialog.getByRole('button', { name: 'Retire old secret' }).click()
      const row = page.locator(`tr[data-client-id="${first.clientId}"]`)
      await row.getByRole('button', { name: 'Retire old secret of Retiring' }).waitFor({
        state: 'detached',
      })
      expect((await dash.token(first.clientId, first.secret)).status).toBe(401)
      expect((await dash.token(first.clientId, second)).status).toBe(200)
    })

    it('lines up the action buttons with the rest of their row', async () => {
      await dash.signIn(OWNER)
      await page.locator('tr[data-client-id]').first().waitFor()

      // Every cell of a row has the same top and bottom, so the row's borders are one line.
      const misaligned = await page.evaluate<string[]>(`(() => {
      const off = []
      for (const row of document.querySelectorAll('tbody tr')) {
        const first = row.cells[0].getBoundingClientRect()
        for (const cell of row.cells) {
          const box = cell.getBoundingClientRect()
          if (Math.abs(box.top - first.top) > 0.5 || Math.abs(box.bottom - first.bottom) > 0.5)
            off.push(row.dataset.clientId + ' cell ' + cell.cellIndex)
        }
      }
      return off
    })()`)
      expect(misaligned).toEqual([])
    })

    it('names the form’s field, not the API’s, when a webhook is refused', async () => {
      await dash.signIn(OWNER)
      await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click()
      await page.getByLabel('URL').fill('http://10.1.2.3/hook')
      await page.getByRole('button', { name: 'Add webhook' }).click()

      const alert = page.getByRole('alert')
      await alert.waitFor()
      expect(await alert.textContent()).toBe(
        '"URL" leads to a private or reserved address (10.1.2.3).',
      )
    })

    it('at 390 px, the usage chart labels today and keeps its text readable', async () => {
      await dash.signIn(OWNER)
      await page.setViewportSize(PHONE)
      await page.getByRole('navigation').getByRole('link', { name: 'Usage' }).click()
      await page.getByRole('heading', { name: 'Usage' }).waitFor()

      const labels = await page.evaluate<{ text: string; height: number }[]>(`(() =>
      [...document.querySelectorAll('svg.chart text')].map((t) => ({
        text: t.textContent,
        height: t.getBoundingClientRect().height,
      }))
    )()`)
      const today = new Date().toISOString().slice(5, 10)
      expect(labels.at(-1)?.text).toBe(today)
      expect(Math.min(...labels.map((l) => l.height))).toBeGreaterThanOrEqual(10)
      expect(
        await page.evaluate<number>('document.documentElement.scrollWidth'),
      ).toBeLessThanOrEqual(PHONE.width)
    })

    it('changes a member’s role only after a confirmation, never on a keystroke', async () => {
      await dash.signIn(OWNER)
      await dash.addMember(MEMBER, 'read_only')
      const row = page.locator('tr', { hasText: MEMBER.email })
      expect(await row.getByRole('combobox').count()).toBe(0)

      await row.getByRole('button', { name: `Change role of ${MEMBER.name}` }).click()
      const dialog = page.getByRole('dialog', { name: `Change the role of ${MEMBER.name}` })
      await dialog.getByLabel('New role').focus()
      await page.keyboard.press('ArrowDown')
      await dialog.getByLabel('New role').selectOption('owner')
      await dialog.getByText('An owner can add and remove members').waitFor()
      await dialog.getByRole('button', { name: 'Cancel' }).click()
      expect(await dash.roleOf(MEMBER.email)).toBe('read_only')

      await row.getByRole('button', { name: `Change role of ${MEMBER.name}` }).click()
      await dialog.getByLabel('New role').selectOption('member')
      await dialog.getByRole('button', { name: 'Change role' }).click()
      await row.getByText('member', { exact: true }).waitFor()
      expect(await dash.roleOf(MEMBER.email)).toBe('member')
    })

    it('shows a changed role on the member’s next move, without a reload', async () => {
      const other = await launchChromium(server.baseUrl)
      try {
        const theirs = new DashboardPage(other.page, server)
        await theirs.signIn(MEMBER)
        await other.page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click()
        await other.page.getByRole('heading', { name: 'Add a webhook' }).waitFor()

        await dash.signIn(OWNER)
        await dash.changeRole(MEMBER.email, 'read_only')
        await other.page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
        await other.page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click()

        await other.page.locator('.who', { hasText: '(read-only)' }).waitFor()
        expect(await other.page.getByRole('heading', { name: 'Add a webhook' }).count()).toBe(0)
      } finally {
        await other.close()
      }
    })

    it('warns that a second rotation ends the oldest secret', async () => {
      await dash.signIn(OWNER)
      await dash.createCredential('Twice')
      await page.getByRole('button', { name: 'I have stored the secret' }).click()
      await page.getByRole('button', { name: 'Rotate Twice' }).click()
      const dialog = page.getByRole('dialog', { name: 'Rotate the secret of Twice?' })
      expect(await dialog.textContent()).toContain('The current secret keeps working')
      await dialog.getByRole('button', { name: 'Rotate' }).click()
      await page.getByRole('button', { name: 'I have stored the secret' }).click()

      await page.getByRole('button', { name: 'Rotate Twice' }).click()

      expect(await dialog.textContent()).toContain('ends the older of the two at once')
      await dialog.getByRole('button', { name: 'Cancel' }).click()
    })

    it('moves focus into the page after signing in, and to the list after a revocation', async () => {
      await page.context().clearCookies()
      await page.goto(dash.url('/'))
      await dash.fillSignIn(OWNER)
      await page.getByRole('heading', { name: 'API credentials' }).waitFor()
      expect(await page.evaluate('document.activeElement?.id')).toBe('main')

      await dash.createCredential('Short-lived')
      await page.getByRole('button', { name: 'I have stored the secret' }).click()
      await page.getByRole('button', { name: 'Revoke Short-lived' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke for good' }).click()
      await page.getByRole('status').getByText('Short-lived is revoked.').waitFor()
      expect(await focused()).toBe('H2.: Your credentials')
    })

    it('answers an unknown dashboard address with a page that says so', async () => {
      await dash.signIn(OWNER)
      for (const path of ['/nope', '/credentials/extra', '/books/x/documents/y/z']) {
        await page.goto(dash.url(path))
        await page.getByRole('heading', { name: 'Page not found' }).waitFor()
        expect(await page.title()).toBe('Page not found · Quire')
      }
    })

    it('offers to sign out for an invitation link opened while signed in', async () => {
      await dash.signIn(OWNER)
      const link = await dash.invite('newcomer@example.com')

      await page.goto(link)
      await page.getByRole('heading', { name: 'You opened an invitation link' }).waitFor()
      await page.getByRole('button', { name: 'Sign out and accept the invitation' }).click()

      await page.getByRole('heading', { name: 'Join your organization on Quire' }).waitFor()
      await page.getByLabel('Your name').waitFor()
    })

    it('reads an invitation link pasted into a tab already at the invitation page', async () => {
      await dash.signIn(OWNER)
      const link = await dash.invite('pasted@example.com')
      await page.context().clearCookies()
      await page.goto(dash.url('/invite'))
      await page.getByText('This page needs the invitation link').waitFor()

      await page.goto(link)

      await page.getByLabel('Your name').waitFor()
      expect(await page.getByText('This page needs the invitation link').count()).toBe(0)
    })

    it('withdraws a pending invitation after a confirmation, and its link stops working', async () => {
      await dash.signIn(OWNER)
      const link = await dash.invite('withdrawn@example.com')
      const withdraw = page.getByRole('button', {
        name: 'Withdraw the invitation of withdrawn@example.com',
      })

      await withdraw.click()
      await page.getByRole('dialog').getByRole('button', { name: 'Withdraw' }).click()
      await withdraw.waitFor({ state: 'detached' })

      await page.context().clearCookies()
      await page.goto(link)
      await page.getByLabel('Your name').fill('Wendy')
      await page.getByLabel('Password').fill('a long enough password')
      await page.getByRole('button', { name: 'Create my account' }).click()
      await page
        .getByRole('alert')
        .getByText('This invitation is not valid or has expired')
        .waitFor()
    })

    it('goes on working in a tab whose CSRF token changed with a sign-in in another tab', async () => {
      await dash.signIn(OWNER)
      await page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
      await page.getByLabel('Book name').waitFor()

      const other = await browser.context.newPage()
      const otherDash = new DashboardPage(other, server)
      await other.goto(dash.url('/credentials'))
      await other.getByRole('button', { name: 'Sign out' }).click()
      await otherDash.fillSignIn(OWNER)
      await other.getByRole('heading', { name: 'API credentials' }).waitFor()
      await other.close()

      await page.getByLabel('Book name').fill('After re-sign-in')
      await page.getByRole('button', { name: 'Create book' }).click()
      await page.getByRole('heading', { name: 'After re-sign-in' }).waitFor()
    })

    it('passes axe-core’s WCAG A and AA checks on every page, wide and narrow', async () => {
      await dash.signIn(OWNER)
      await page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
      await page.getByLabel('Book name').fill('Axe')
      await page.getByRole('button', { name: 'Create book' }).click()
      await page.getByRole('heading', { name: 'Axe' }).waitFor()
      await dash.dropFile('.dropzone', STATEMENT, 'statement.pdf')
      await page.locator('tr[data-doc="statement.pdf"] .status', { hasText: 'Complete' }).waitFor({
        timeout: 60_000,
      })
      const book = page.url().slice(dash.url('').length)
      const doc = await page
        .getByRole('link', { name: 'statement.pdf', exact: true })
        .getAttribute('href')

      const pages = ['/credentials', '/postman', '/books', book, doc!.slice('/dashboard'.length)]
      pages.push('/webhooks', '/usage', '/members', '/account')
      const found: Record<string, Violation[]> = {}
      for (const viewport of [{ width: 1280, height: 900 }, PHONE]) {
        await page.setViewportSize(viewport)
        for (const path of pages) {
          await page.goto(dash.url(path))
          await page.getByRole('heading', { level: 1 }).waitFor()
          await page.getByText('Loading…').waitFor({ state: 'detached' })
          const violations = await accessibilityViolations(page)
          if (violations.length > 0) found[`${path} at ${viewport.width}px`] = violations
        }
      }
      await page.context().clearCookies()
      await page.goto(dash.url('/'))
      await page.getByRole('button', { name: 'Sign in' }).waitFor()
      const signIn = await accessibilityViolations(page)
      if (signIn.length > 0) found['sign-in'] = signIn

      expect(found).toEqual({})
    }, 120_000)

    it('turns a page whose session ended elsewhere into sign-in, then returns to it', async () => {
      await dash.signIn(OWNER)
      await page.getByRole('navigation').getByRole('link', { name: 'Webhooks' }).click()
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor()

      // Another tab signs out: the session of both ends.
      const other = await browser.context.newPage()
      await other.goto(dash.url('/credentials'))
      await other.getByRole('button', { name: 'Sign out' }).click()
      await other.getByRole('button', { name: 'Sign in' }).waitFor()
      await other.close()

      await page.getByRole('navigation').getByRole('link', { name: 'Books' }).click()
      await page.getByText('Your session has ended. Sign in again').waitFor()
      expect(page.url()).toBe(dash.url('/books'))
      await dash.fillSignIn(OWNER)
      await page.getByRole('heading', { name: 'Books', level: 1 }).waitFor()
      expect(await page.getByText('Your session has ended').count()).toBe(0)
    })
  },
)
