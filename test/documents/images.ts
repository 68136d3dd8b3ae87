import zlib from 'node:zlib'

import { bmpBytes } from '../../src/http/sample-files.js'

/** Tiny valid images written byte by byte, so tests know exactly what they upload. */

export type Rgb = [number, number, number]

/** A PNG (RGB, 8 bits) of `width`×`height` pixels of one colour. */
export function png(width: number, height: number, color: Rgb): Buffer {
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array(width).fill(color).flat())])
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(Array(height).fill(row)))),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(zlib.crc32(body))
  return Buffer.concat([length, body, crc])
}

/** A 24-bit BMP of one colour; `truncate` cuts its pixels short after a sound header. */
export function bmp(width: number, height: number, color: Rgb, truncate = false): Buffer {
  const file = bmpBytes(width, height, () => color)
  return truncate ? file.subarray(0, 58) : file
}

/**
 * An uncompressed little-endian TIFF of 8-bit gray pages, each `width`×`height` of one level.
 * The directories follow the pixel data, as many writers place them, so a reader must seek.
 */
export function tiff(width: number, height: number, levels: number[]): Buffer {
  const size = width * height
  const dataStart = 8
  const ifdStart = dataStart + size * levels.length
  const ifdSize = 2 + 9 * 12 + 4

  const out = Buffer.alloc(ifdStart + ifdSize * levels.length)
  out.write('II', 0, 'latin1')
  out.writeUInt16LE(42, 2)
  out.writeUInt32LE(ifdStart, 4)

  levels.forEach((level, page) => {
    out.fill(level, dataStart + page * size, dataStart + (page + 1) * size)
    const at = ifdStart + page * ifdSize
    const tags: Array<[number, number, number]> = [
      [256, 3, width],
      [257, 3, height],
      [258, 3, 8],
      [259, 3, 1],
      [262, 3, 1],
      [273, 4, dataStart + page * size],
      [277, 3, 1],
      [278, 3, height],
      [279, 4, size],
    ]
    out.writeUInt16LE(tags.length, at)
    tags.forEach(([tag, type, value], i) => {
      const entry = at + 2 + i * 12
      out.writeUInt16LE(tag, entry)
      out.writeUInt16LE(type, entry + 2)
      out.writeUInt32LE(1, entry + 4)
      if (type === 3) out.writeUInt16LE(value, entry + 8)
      else out.writeUInt32LE(value, entry + 8)
    })
    const next = page + 1 < levels.length ? ifdStart + (page + 1) * ifdSize : 0
    out.writeUInt32LE(next, at + 2 + tags.length * 12)
  })
  return out
}
