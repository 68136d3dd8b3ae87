import fs from 'node:fs'
import { createRequire } from 'node:module'

import type { Page } from 'playwright-core'

const require = createRequire(import.meta.url)
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

/** One failed accessibility rule, with where it failed. */
export interface Violation {
  rule: string
  impact: string | null
  targets: string[]
}

/**
 * Runs axe-core's WCAG 2.x A and AA rules on the page as it is now, and returns what fails.
 * The source is evaluated over the DevTools protocol, so the page's CSP does not stop it.
 */
export async function accessibilityViolations(page: Page): Promise<Violation[]> {
  const already = await page.evaluate<boolean>('typeof window.axe === "object"')
  if (!already) await page.evaluate(AXE_SOURCE)

  return page.evaluate<Violation[]>(`(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? null,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }))
  })()`)
}
