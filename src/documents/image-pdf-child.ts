import fs from 'node:fs/promises'

import { decode as decodeBmp } from 'bmp-ts'
import { imageSize } from 'image-size'
import {
  concatTransformationMatrix,
  drawObject,
  PDFDocument,
  popGraphicsState,
  pushGraphicsState,
  type PDFRef,
} from 'pdf-lib'
import UTIF from 'utif2'

import { serveRequests } from '../analysis/isolated-worker.js'
import type { ImageType } from './document-values.js'
import type { ImagePdfRequest, ImagePdfResult } from './image-pdf.js'
import { jpegComplete } from './jpeg-structure.js'

/**
 * The child process that turns the images of a group into one PDF, a page per image. Decoders
 * of BMP, TIFF and PNG run on hostile bytes, so they run here, where the parent can kill them.
 * PDF embeds JPEG as it is (DCTDecode); PNG goes through pdf-lib; BMP and TIFF, which PDF has no
 * filter for, are decoded to pixels and stored deflated.
 */

/** US Letter in points: every page is its image scaled to fit, portrait or landscape. */
const LETTER = { short: 612, long: 792 }

interface Placed {
  ref: PDFRef
  width: number
  height: number
  /** EXIF/TIFF orientation, 1 to 8 (TIFF 6.0 tag 274). */
  orientation: number
}

async function build(request: ImagePdfRequest): Promise<ImagePdfResult> {
  const pdf = await PDFDocument.create()
  pdf.setTitle(request.title)
  pdf.setSubject(request.subject)
  pdf.setProducer('Quire')
  pdf.setCreator('Quire')
  pdf.setCreationDate(new Date(request.createdAt))
  pdf.setModificationDate(new Date(request.createdAt))

  for (const [index, image] of request.images.entries()) {
    try {
      addPage(pdf, await embed(pdf, await fs.readFile(image.path), image.type))
    } catch {
      return { ok: false, failure: 'invalid', index }
    }
  }

  await fs.writeFile(request.output, await pdf.save(), { flag: 'wx', mode: 0o600 })
  return { ok: true, pages: request.images.length }
}

async function embed(pdf: PDFDocument, data: Buffer, type: ImageType): Promise<Placed> {
  if (type === 'image/jpeg') {
    if (!jpegComplete(data)) throw new Error('JPEG data is cut short')
    const image = await pdf.embedJpg(data)
    const orientation = imageSize(data).orientation ?? 1
    return { ref: image.ref, width: image.width, height: image.height, orientation }
  }
  if (type === 'image/png') {
    const image = await pdf.embedPng(data)
    return { ref: image.ref, width: image.width, height: image.height, orientation: 1 }
  }
  if (type === 'image/bmp') {
    const bmp = decodeBmp(data, { toRGBA: true })
    // BMP's fourth byte is unused padding in most files, so it is never read as transparency.
    const ref = embedPixels(pdf, bmp.data, bmp.width, bmp.height, false)
    return { ref, width: bmp.width, height: bmp.height, orientation: 1 }
  }
  return embedTiff(pdf, data)
}

function embedTiff(pdf: PDFDocument, data: Buffer): Placed {
  const ifds = UTIF.decode(data)
  const ifd = ifds[0]
  if (ifds.length !== 1 || ifd === undefined) throw new Error('not a single-image TIFF')
  UTIF.decodeImage(data, ifd)

  const rgba = UTIF.toRGBA8(ifd)
  const ref = embedPixels(pdf, rgba, ifd.width, ifd.height, hasAlpha(ifd))
  const orientation = Number((ifd.t274 as number[] | undefined)?.[0] ?? 1)
  return { ref, width: ifd.width, height: ifd.height, orientation }
}

/** TIFF 6.0 tag 338 (ExtraSamples) names an alpha channel with 1 or 2. */
function hasAlpha(ifd: UTIF.IFD): boolean {
  const extra = ifd.t338 as number[] | undefined
  return extra !== undefined && (extra[0] === 1 || extra[0] === 2)
}

/**
 * RGBA pixels as a deflated image XObject, over white where transparent; gray when every pixel
 * is gray, which scanned pages mostly are, at a third of the size.
 */
function embedPixels(
  pdf: PDFDocument,
  rgba: Uint8Array,
  width: number,
  height: number,
  alpha: boolean,
): PDFRef {
  const pixels = width * height
  if (rgba.length < pixels * 4) throw new Error('short pixel data')

  const rgb = new Uint8Array(pixels * 3)
  let gray = true
  for (let i = 0; i < pixels; i++) {
    const a = alpha ? (rgba[i * 4 + 3] as number) : 255
    for (let c = 0; c < 3; c++) {
      const value = rgba[i * 4 + c] as number
      rgb[i * 3 + c] = a === 255 ? value : Math.round((value * a + 255 * (255 - a)) / 255)
    }
    gray &&= rgb[i * 3] === rgb[i * 3 + 1] && rgb[i * 3] === rgb[i * 3 + 2]
  }

  const samples = gray ? rgb.filter((_, i) => i % 3 === 0) : rgb
  const stream = pdf.context.flateStream(samples, {
    Type: 'XObject',
    Subtype: 'Image',
    Width: width,
    Height: height,
    ColorSpace: gray ? 'DeviceGray' : 'DeviceRGB',
    BitsPerComponent: 8,
  })
  return pdf.context.register(stream)
}

function addPage(pdf: PDFDocument, placed: Placed): void {
  const turned = placed.orientation >= 5 && placed.orientation <= 8
  const [w, h] = turned ? [placed.height, placed.width] : [placed.width, placed.height]
  const [boxW, boxH] = h >= w ? [LETTER.short, LETTER.long] : [LETTER.long, LETTER.short]
  const scale = Math.min(boxW / w, boxH / h)
  const [pageW, pageH] = [w * scale, h * scale]

  const page = pdf.addPage([pageW, pageH])
  const name = page.node.newXObject('Image', placed.ref)
  page.pushOperators(
    pushGraphicsState(),
    concatTransformationMatrix(...orientationMatrix(placed.orientation, pageW, pageH)),
    drawObject(name),
    popGraphicsState(),
  )
}

/**
 * The matrix that maps an image's unit square onto a W×H page so it shows upright: TIFF 6.0
 * tag 274 (EXIF Orientation) says where the stored first row and column belong.
 */
function orientationMatrix(
  orientation: number,
  W: number,
  H: number,
): [number, number, number, number, number, number] {
  switch (orientation) {
    case 2:
      return [-W, 0, 0, H, W, 0]
    case 3:
      return [-W, 0, 0, -H, W, H]
    case 4:
      return [W, 0, 0, -H, 0, H]
    case 5:
      return [0, -H, -W, 0, W, H]
    case 6:
      return [0, -H, W, 0, 0, H]
    case 7:
      return [0, H, W, 0, 0, 0]
    case 8:
      return [0, H, -W, 0, W, 0]
    default:
      return [W, 0, 0, H, 0, 0]
  }
}

serveRequests(build, (): ImagePdfResult => ({ ok: false, failure: 'invalid' }))
