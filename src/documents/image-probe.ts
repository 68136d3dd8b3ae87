import fs from 'node:fs/promises'

import { imageSize } from 'image-size'

import type { ImageType } from './document-values.js'
import { imageType } from './sniff.js'
import type { StagedFile } from './staging.js'

/** What the headers of an uploaded image say, read without decoding a pixel. */
export type ImageProbe =
  { ok: true; type: ImageType; width: number; height: number } | { ok: false; reason?: string }

/** JPEG markers may follow large metadata segments; every real file has its size before this. */
const HEADER_BYTES = 2 * 1024 * 1024
const MAX_TIFF_ENTRIES = 4096
const SIZE_LIBRARY_TYPES: Record<Exclude<ImageType, 'image/tiff'>, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/bmp': 'bmp',
}

/**
 * The type, by magic number, and the dimensions of a staged image. A TIFF must hold exactly one
 * image (reference §5); its directory may sit anywhere in the file, so it is read in place.
 */
export async function probeImage(staged: StagedFile): Promise<ImageProbe> {
  const type = imageType(staged.head)
  if (type === undefined) return { ok: false }

  const size = type === 'image/tiff' ? await tiffSize(staged) : await headerSize(staged, type)
  if (!size.ok) return size
  if (!(size.width > 0 && size.height > 0)) return { ok: false }
  return { ok: true, type, width: size.width, height: size.height }
}

type Size = { ok: true; width: number; height: number } | { ok: false; reason?: string }

async function headerSize(
  staged: StagedFile,
  type: Exclude<ImageType, 'image/tiff'>,
): Promise<Size> {
  const bytes = await readAt(staged.path, 0, Math.min(staged.size, HEADER_BYTES))
  try {
    const found = imageSize(bytes)
    if (found.type !== SIZE_LIBRARY_TYPES[type]) return { ok: false }
    return { ok: true, width: found.width, height: found.height }
  } catch {
    return { ok: false }
  }
}

/** TIFF 6.0 §2: an 8-byte header, then a chain of image file directories (IFDs). */
async function tiffSize(staged: StagedFile): Promise<Size> {
  const header = staged.head.subarray(0, 8)
  if (header.length < 8) return { ok: false }
  const little = header.toString('latin1', 0, 2) === 'II'
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at))
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at))
  if (u16(header, 2) === 43) return { ok: false, reason: 'BigTIFF files are not supported' }

  const ifd = u32(header, 4)
  if (ifd < 8 || ifd + 2 > staged.size) return { ok: false }
  const count = u16(await readAt(staged.path, ifd, 2), 0)
  const length = count * 12 + 4
  if (count === 0 || count > MAX_TIFF_ENTRIES || ifd + 2 + length > staged.size)
    return { ok: false }

  const entries = await readAt(staged.path, ifd + 2, length)
  if (u32(entries, count * 12) !== 0)
    return { ok: false, reason: 'a TIFF file must hold a single image' }

  const tags = new Map<number, number>()
  for (let at = 0; at < count * 12; at += 12) {
    const type = u16(entries, at + 2)
    if (u32(entries, at + 4) !== 1) continue
    if (type === 3) tags.set(u16(entries, at), u16(entries, at + 8))
    if (type === 4) tags.set(u16(entries, at), u32(entries, at + 8))
  }
  return { ok: true, width: tags.get(256) ?? 0, height: tags.get(257) ?? 0 }
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await fs.open(path, 'r')
  try {
    const buffer = Buffer.alloc(length)
    const { bytesRead } = await handle.read(buffer, 0, length, position)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}
