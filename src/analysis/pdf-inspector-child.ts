import fs from 'node:fs/promises'

import type { Inspection, InspectionRequest } from './inspection.js'
import { serveRequests } from './isolated-worker.js'

/**
 * The child process that parses uploaded PDFs. pdf.js was not written for hostile input, so it
 * runs here, where the parent can kill it on a memory ceiling or a deadline without harm to the
 * API. It answers one request at a time over IPC.
 */

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs')
let pdfjs: Promise<PdfJs> | undefined

async function inspect(request: InspectionRequest): Promise<Inspection> {
  const data = new Uint8Array(await fs.readFile(request.path))
  if (!startsLikePdf(data)) return { ok: false, failure: 'not_pdf' }

  const { getDocument } = await (pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs'))
  const task = getDocument({
    data,
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: true,
  })
  try {
    const doc = await task.promise
    const { info } = (await doc.getMetadata()) as unknown as { info: Record<string, unknown> }
    if (info.EncryptFilterName !== undefined && info.EncryptFilterName !== null)
      return { ok: false, failure: 'encrypted' }
    if (doc.numPages < 1) return { ok: false, failure: 'damaged' }

    const textPages = request.full ? await countTextPages(doc) : undefined
    return { ok: true, pages: doc.numPages, textPages }
  } catch (error) {
    return {
      ok: false,
      failure: (error as { name?: string }).name === 'PasswordException' ? 'encrypted' : 'damaged',
    }
  } finally {
    await task.destroy()
  }
}

async function countTextPages(doc: {
  numPages: number
  getPage(n: number): Promise<{ getTextContent(): Promise<{ items: unknown[] }> }>
}) {
  let count = 0
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent()
    const text = content.items.map((item) => (item as { str?: string }).str ?? '').join('')
    if (text.trim() !== '') count++
  }
  return count
}

/** PDF 1.7 §7.5.2: the header may follow up to 1024 bytes of junk, as readers allow. */
function startsLikePdf(data: Uint8Array): boolean {
  const head = Buffer.from(data.subarray(0, 1024)).toString('latin1')
  return head.includes('%PDF-')
}

serveRequests(inspect, (): Inspection => ({ ok: false, failure: 'damaged' }))
