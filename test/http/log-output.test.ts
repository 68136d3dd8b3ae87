import { execFile } from 'node:child_process'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'

import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const LOG_MODULE = pathToFileURL(path.resolve('dist/src/log.js')).href

/** Runs `body` in a fresh Node process with `log` (createLogger('info')) in scope. */
async function inChild(body: string) {
  const script = `import { createLogger } from '${LOG_MODULE}'\nconst log = createLogger('info')\n${body}`
  try {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script])
    return {
      code: 0,
      lines: stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
    }
  } catch (error) {
    const failed = error as { code: number; stdout: string }
    return {
      code: failed.code,
      lines: failed.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).msg),
    }
  }
}

describe('log output', () => {
  it('writes every line of a turn, in order, at the end of the turn', async () => {
    const result = await inChild(`
      for (let i = 1; i <= 500; i++) log.info('line ' + i)
      setImmediate(() => log.info('next turn'))
    `)
    expect(result.code).toBe(0)
    expect(result.lines).toEqual([
      ...Array.from({ length: 500 }, (_, i) => `line ${i + 1}`),
      'next turn',
    ])
  })

  it('still writes the waiting lines when the process exits or dies of an exception', async () => {
    const exited = await inChild(`log.info('before exit'); process.exit(3)`)
    expect(exited).toEqual({ code: 3, lines: ['before exit'] })

    const crashed = await inChild(`log.info('before the crash'); throw new Error('boom')`)
    expect(crashed).toEqual({ code: 1, lines: ['before the crash'] })
  })
})
