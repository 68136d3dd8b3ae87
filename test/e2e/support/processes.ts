import fs from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/** Looks at processes through /proc (Linux), for tests about what a killed process leaves. */

/** The process is a PDF inspector child, and not an unrelated one that reused its id. */
export function isInspector(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('pdf-inspector-child')
  } catch {
    return false
  }
}

/** The inspector children a process has started. */
export function inspectorsOf(pid: number): number[] {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    return children
      .split(' ')
      .filter((id) => id.trim() !== '')
      .map(Number)
      .filter(isInspector)
  } catch {
    return []
  }
}

/** Waits, with no bound of its own, until the process has exited; the test's timeout bounds it. */
export async function waitUntilGone(pid: number): Promise<void> {
  while (isInspector(pid) && !isZombie(pid)) await sleep(50)
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return true
  }
}
