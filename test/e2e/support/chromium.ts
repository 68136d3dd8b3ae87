import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { describe } from 'vitest'

/** Debian's Chromium; a browser is never downloaded (.ci/run installs the package). */
export const CHROMIUM = '/usr/bin/chromium'
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM)

/** A suite of browser tests, skipped (and titled so) on a machine without Chromium. */
export function describeInChromium(title: string, body: () => void): void {
  if (HAVE_CHROMIUM) describe(title, body)
  else describe.skip(`${title} [skipped: ${CHROMIUM} is missing; apt-get install chromium]`, body)
}

/** Where each test's last screenshot goes; test-results/ is ignored by git. */
export const SCREENSHOTS = path.resolve('test-results/dashboard')

export interface Chromium {
  context: BrowserContext
  page: Page
  /** Requests the page tried to send anywhere but the Quire server: there must be none. */
  outsideRequests: string[]
  close(): Promise<void>
}

/**
 * Headless Chromium on a fresh profile, kept off the network beyond the server under test:
 * any request elsewhere is refused and recorded.
 */
export async function launchChromium(serverOrigin: string): Promise<Chromium> {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-chromium-'))
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
    permissions: ['clipboard-read', 'clipboard-write'],
  })

  const outsideRequests: string[] = []
  await context.route('**/*', async (route) => {
    const url = route.request().url()
    if (url.startsWith(`${serverOrigin}/`) || url.startsWith('data:') || url.startsWith('blob:'))
      return route.continue()
    outsideRequests.push(url)
    return route.abort()
  })

  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    outsideRequests,
    async close() {
      await context.close()
      fs.rmSync(userDataDir, { recursive: true, force: true })
    },
  }
}

/** Saves the page as the test left it, named after the test. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true })
  const file = path.join(SCREENSHOTS, `${name.replace(/[^\w-]+/g, '-')}.png`)
  await page.screenshot({ path: file, fullPage: true })
  return file
}
