import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { PdfInspector } from '../../src/analysis/pdf-inspector.js'
import { isInspector, waitUntilGone } from '../e2e/support/processes.js'
import { FIXTURES } from '../support/multipart.js'
import { manyPages, zeroBomb } from './generated-pdfs.js'

const GIB = 1024 ** 3
const MIB = 1024 ** 2
const STATEMENT = path.join(FIXTURES, 'bank/aws-credit-card-stmt.pdf')

/**
 * The inspector child on hostile files. Each limit is tested with the other set out of reach,
 * so only the one under test can stop the parse: were it not enforced, the test would run into
 * its vitest timeout and fail.
 */
describe('PDF inspector limits', () => {
  let dir: string
  let inspector: PdfInspector | undefined

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quire-inspector-'))
  })
  afterEach(() => inspector?.close())
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  function write(name: string, bytes: Buffer): string {
    const file = path.join(dir, name)
    fs.writeFileSync(file, bytes)
    return file
  }

  it('generates bombs that really inflate to what they claim', () => {
    const bomb = zeroBomb(64 * MIB, 'page')
    const start = bomb.indexOf('stream\n') + 'stream\n'.length
    const data = bomb.subarray(start, bomb.indexOf('\nendstream'))

    const inflated = zlib.inflateSync(zlib.inflateSync(data))

    expect(bomb.length).toBeLessThan(4096)
    expect(inflated.length).toBe(64 * MIB)
    expect(inflated.every((byte) => byte === 0)).toBe(true)
  })

  it('kills the child at the memory ceiling on a stream that inflates to 4 GiB, then carries on', async () => {
    inspector = new PdfInspector({ memoryBytes: 160 * MIB, timeoutMs: 600_000 })
    const bomb = write('metadata-bomb.pdf', zeroBomb(4 * GIB, 'metadata'))

    expect(await inspector.inspect(bomb)).toEqual({ ok: false, failure: 'too_costly' })

    expect(await inspector.inspect(STATEMENT, true)).toEqual({ ok: true, pages: 1, textPages: 1 })
  }, 60_000)

  it('kills the child at the ceiling on a page whose content inflates to 4 GiB', async () => {
    inspector = new PdfInspector({ memoryBytes: 160 * MIB, timeoutMs: 600_000 })
    const bomb = write('page-bomb.pdf', zeroBomb(4 * GIB, 'page'))

    // Counting pages leaves the content alone; reading the text inflates it.
    expect(await inspector.inspect(bomb)).toEqual({ ok: true, pages: 1, textPages: undefined })
    expect(await inspector.inspect(bomb, true)).toEqual({ ok: false, failure: 'too_costly' })
  }, 60_000)

  it('kills the child at the deadline on 20,000 pages of text, then carries on', async () => {
    inspector = new PdfInspector({ memoryBytes: 4096 * MIB, timeoutMs: 3000 })
    const pages = write('pages.pdf', manyPages(20_000))

    expect(await inspector.inspect(pages)).toMatchObject({ ok: true, pages: 20_000 })
    const child = inspector.pid as number
    expect(await inspector.inspect(pages, true)).toEqual({ ok: false, failure: 'too_costly' })
    await waitUntilGone(child)

    expect(await inspector.inspect(STATEMENT, true)).toEqual({ ok: true, pages: 1, textPages: 1 })
  }, 60_000)

  it('with two children, parses other files while one child is stuck on a long file', async () => {
    inspector = new PdfInspector({ memoryBytes: 4096 * MIB, timeoutMs: 600_000 }, 2)
    // About 35 s of reading; the statement takes a fraction of a second.
    const long = write('stuck.pdf', manyPages(8000, 'stuck', 2000))
    let longDone = false
    const stuck = inspector.inspect(long, true).finally(() => (longDone = true))

    const quick = await inspector.inspect(STATEMENT, true)
    const again = await inspector.inspect(STATEMENT, true)

    expect([quick, again]).toEqual([
      { ok: true, pages: 1, textPages: 1 },
      { ok: true, pages: 1, textPages: 1 },
    ])
    expect(longDone).toBe(false)
    inspector.close()
    expect(await stuck).toEqual({ ok: false, failure: 'too_costly' })
  }, 60_000)

  it('leaves no timer running after it killed a child', async () => {
    inspector = new PdfInspector({ memoryBytes: 160 * MIB, timeoutMs: 600_000 })
    const bomb = write('timers-bomb.pdf', zeroBomb(4 * GIB, 'metadata'))
    await inspector.inspect(STATEMENT)
    const before = timers()

    await inspector.inspect(bomb)
    await inspector.inspect(STATEMENT)

    expect(timers()).toBe(before)
  }, 60_000)

  it('ends its child when the parent is killed with SIGKILL in the middle of a parse', async () => {
    const pages = write('orphan-pages.pdf', manyPages(20_000))
    const inspectorModule = path.resolve('dist/src/analysis/pdf-inspector.js')
    // A parent that starts a long parse and reports its child; the test then kills it.
    const script = `
      import { PdfInspector } from ${JSON.stringify(inspectorModule)}
      const inspector = new PdfInspector({ memoryBytes: 4096 * 1024 * 1024, timeoutMs: 600000 })
      await inspector.inspect(${JSON.stringify(pages)})
      void inspector.inspect(${JSON.stringify(pages)}, true)
      console.log(inspector.pid)
      setInterval(() => {}, 1000)
    `
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const child = Number(await firstLine(parent.stdout))
    expect(isInspector(child)).toBe(true)

    parent.kill('SIGKILL')

    await waitUntilGone(child)
  }, 60_000)
})

function timers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    stream.setEncoding('utf8')
    stream.on('data', (chunk: string) => {
      text += chunk
      if (text.includes('\n')) resolve(text.split('\n')[0] as string)
    })
    stream.on('end', () => reject(new Error(`no line before the end: ${text}`)))
  })
}
