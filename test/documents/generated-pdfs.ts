import zlib from 'node:zlib'

/**
 * PDFs written by hand for tests that need a shape no fixture has: a given number of pages, or
 * streams that inflate to gigabytes. Each is a valid PDF 1.7 file with a correct xref table.
 */

/** Assembles numbered objects (strings or raw bytes) into a PDF with its xref table. */
export function assemblePdf(objects: Array<string | Buffer>): Buffer {
  const pieces: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  let offset = pieces[0]!.length
  const offsets: number[] = []

  objects.forEach((object, i) => {
    const piece = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof object === 'string' ? Buffer.from(object, 'latin1') : object,
      Buffer.from('\nendobj\n', 'latin1'),
    ])
    offsets.push(offset)
    pieces.push(piece)
    offset += piece.length
  })

  const xref =
    `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n` +
    offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('') +
    `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${offset}\n%%EOF\n`
  pieces.push(Buffer.from(xref, 'latin1'))
  return Buffer.concat(pieces)
}

/**
 * `count` pages that all draw one shared line of text (`label` makes files distinct), that line
 * `repeat` times over. Counting the pages is quick; reading every page's text takes pdf.js about
 * a millisecond a page, plus about 1.3 ms per thousand repeats.
 */
export function manyPages(count: number, label = 'Statement line', repeat = 1): Buffer {
  const kids = Array.from({ length: count }, (_, i) => `${i + 5} 0 R`).join(' ')
  const text = `BT /F1 12 Tf 72 720 Td ${`(${label}) Tj `.repeat(repeat)}ET`
  const page =
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] ' +
    '/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>'
  return assemblePdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${kids}] /Count ${count} >>`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    ...Array.from({ length: count }, () => page),
  ])
}

/**
 * A few kilobytes whose one stream inflates to `inflatedBytes` of zeros, deflated twice. In
 * `metadata` the stream is the catalog's XMP metadata, which pdf.js inflates as soon as the
 * document's metadata is read (at upload); in `page` it is the page's content, inflated only
 * when the page is read (in the pipeline).
 */
export function zeroBomb(inflatedBytes: number, where: 'metadata' | 'page'): Buffer {
  const data = zlib.deflateSync(deflatedZeros(inflatedBytes), { level: 9 })
  const stream = Buffer.concat([
    Buffer.from(
      `<< /Length ${data.length} /Filter [/FlateDecode /FlateDecode]` +
        `${where === 'metadata' ? ' /Type /Metadata /Subtype /XML' : ''} >>\nstream\n`,
      'latin1',
    ),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ])
  const catalogExtra = where === 'metadata' ? ' /Metadata 4 0 R' : ''
  const pageExtra = where === 'page' ? ' /Contents 4 0 R' : ''
  return assemblePdf([
    `<< /Type /Catalog /Pages 2 0 R${catalogExtra} >>`,
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]${pageExtra} >>`,
    stream,
  ])
}

const UNIT = 8 * 1024 * 1024

/**
 * A zlib stream of `total` zero bytes (rounded up to 8 MiB), built without deflating them all:
 * one 8 MiB block, sync-flushed so it ends on a byte boundary, is repeated (zeros refer back to
 * zeros), then an empty final block and the Adler-32 of n zeros, which is (n mod 65521) << 16 | 1.
 */
function deflatedZeros(total: number): Buffer {
  const block = zlib.deflateRawSync(Buffer.alloc(UNIT), {
    level: 9,
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
  })
  const count = Math.ceil(total / UNIT)
  const adler = Buffer.alloc(4)
  adler.writeUInt32BE(((((count * UNIT) % 65521) << 16) | 1) >>> 0)
  return Buffer.concat([
    Buffer.from([0x78, 0xda]),
    ...Array.from({ length: count }, () => block),
    Buffer.from([0x03, 0x00]),
    adler,
  ])
}
