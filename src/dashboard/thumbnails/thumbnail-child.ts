import fs from 'node:fs/promises'

import { createCanvas } from '@napi-rs/canvas'

import { exitWithParent } from '../../analysis/isolated-worker.js'

/**
 * Renders one page of an uploaded PDF to a PNG, in a process of its own: pdf.js was not written
 * for hostile input, so the parent kills this process on a memory ceiling or a deadline.
 * Arguments: the PDF's path, the page number (from 1), the PNG's path, the width in pixels.
 * Exit codes: 0 rendered, 2 no such page, 3 unreadable file.
 */
async function main(): Promise<number> {
  const [pdfPath, pageArg, outPath, widthArg] = process.argv.slice(2)
  const pageNumber = Number(pageArg)
  const width = Number(widthArg)
  if (pdfPath === undefined || outPath === undefined) return 3

  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs')
  const task = getDocument({
    data: new Uint8Array(await fs.readFile(pdfPath)),
    isEvalSupported: false,
    useSystemFonts: false,
    verbosity: 0,
  })
  try {
    const doc = await task.promise
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > doc.numPages) return 2

    const page = await doc.getPage(pageNumber)
    const unscaled = page.getViewport({ scale: 1 })
    const viewport = page.getViewport({ scale: width / unscaled.width })
    const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height))
    const context = canvas.getContext('2d')
    // Scanned pages often have no background of their own.
    context.fillStyle = '#ffffff'
    context.fillRect(0, 0, canvas.width, canvas.height)
    // @napi-rs/canvas stands in for the DOM canvas pdf.js's types name.
    const parameters = { canvas, canvasContext: context, viewport }
    await page.render(parameters as unknown as Parameters<typeof page.render>[0]).promise
    await fs.writeFile(outPath, await canvas.encode('png'))
    return 0
  } catch {
    return 3
  } finally {
    await task.destroy()
  }
}

exitWithParent()
main().then(
  (code) => process.exit(code),
  () => process.exit(3),
)
