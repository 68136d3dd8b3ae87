import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The shared sample documents: QUIRE_FIXTURES_DIR when set, else `shared/fixtures` beside the
 * checkout (where the project keeps them), else the workspace's copy, so a clone anywhere runs.
 */
export const FIXTURES = findFixtures()

function findFixtures(): string {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const candidates = [
    process.env.QUIRE_FIXTURES_DIR,
    path.resolve(root, '../shared/fixtures'),
    '/work/shared/fixtures',
  ]
  const found = candidates.find((dir) => dir !== undefined && fs.existsSync(dir))
  if (found === undefined) throw new Error('sample documents not found: set QUIRE_FIXTURES_DIR')
  return found
}

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name))
}

export interface FilePart {
  field?: string
  filename: string
  content: Buffer
  contentType?: string
}

/** A multipart/form-data body with fields and files in the given order. */
export function multipart(parts: Array<Record<string, string> | FilePart>) {
  const boundary = `----quire${crypto.randomBytes(8).toString('hex')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    if (isFile(part)) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.field ?? 'upload'}"; filename="${part.filename}"\r\n` +
            `Content-Type: ${part.contentType ?? 'application/pdf'}\r\n\r\n`,
        ),
        part.content,
        Buffer.from('\r\n'),
      )
      continue
    }
    for (const [name, value] of Object.entries(part)) {
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
        ),
      )
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  }
}

export function md5(content: Buffer): string {
  return crypto.createHash('md5').update(content).digest('hex')
}

function isFile(part: Record<string, string> | FilePart): part is FilePart {
  return Buffer.isBuffer((part as FilePart).content)
}
