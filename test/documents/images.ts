import zlib from 'node:zlib'

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

/** A 24-bit bottom-up BMP (BITMAPINFOHEADER) of one colour; `truncate` cuts its pixels short. */
export function bmp(width: number, height: number, color: Rgb, truncate = false): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4
  const header = Buffer.alloc(54)
  header.write('BM', 0, 'latin1')
  header.writeUInt32LE(54 + stride * height, 2)
  header.writeUInt32LE(54, 10)
  header.writeUInt32LE(40, 14)
  header.writeInt32LE(width, 18)
  header.writeInt32LE(height, 22)
  header.writeUInt16LE(1, 26)
  header.writeUInt16LE(24, 28)
  header.writeUInt32LE(stride * height, 34)

  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) pixels.set([color[2], color[1], color[0]], y * stride + x * 3)
  return Buffer.concat([header, truncate ? pixels.subarray(0, 4) : pixels])
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
