import crypto from 'node:crypto'
import fs from 'node:fs'

/**
 * A valid one-page PDF of about `bytes` bytes: the bulk is one stream of random bytes, so every
 * file is distinct (no duplicate answers) and nothing compresses it on the way. The offsets of
 * the cross-reference table are computed as the objects are written.
 */
export function pdfParts(bytes) {
  const payload = Math.max(0, bytes - 700)
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << >> /Contents 4 0 R >>',
    '<< /Length 0 >>\nstream\n\nendstream',
  ]
  return { objects, payload }
}

/** Writes such a PDF to `file` in 1 MiB pieces; never holds the whole file in memory. */
export async function writePdfFile(file, bytes) {
  const { objects, payload } = pdfParts(bytes)
  const out = fs.createWriteStream(file)
  const offsets = []
  let written = 0
  const put = async (data) => {
    const chunk = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    written += chunk.length
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve))
  }

  await put('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')
  for (const [index, body] of objects.entries()) {
    offsets.push(written)
    await put(`${index + 1} 0 obj\n${body}\nendobj\n`)
  }
  offsets.push(written)
  await put(`5 0 obj\n<< /Length ${payload} >>\nstream\n`)
  for (let left = payload; left > 0; left -= 1 << 20) {
    await put(crypto.randomBytes(Math.min(left, 1 << 20)))
  }
  await put('\nendstream\nendobj\n')
  await put(trailer(offsets, written))

  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())))
  return written
}

/** The same PDF as one buffer, for small files. */
export function pdfBuffer(bytes) {
  const { objects, payload } = pdfParts(bytes)
  const pieces = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')]
  const offsets = []
  let written = pieces[0].length
  const put = (buffer) => {
    pieces.push(buffer)
    written += buffer.length
  }

  for (const [index, body] of objects.entries()) {
    offsets.push(written)
    put(Buffer.from(`${index + 1} 0 obj\n${body}\nendobj\n`, 'latin1'))
  }
  offsets.push(written)
  put(Buffer.from(`5 0 obj\n<< /Length ${payload} >>\nstream\n`, 'latin1'))
  put(crypto.randomBytes(payload))
  put(Buffer.from('\nendstream\nendobj\n', 'latin1'))
  put(Buffer.from(trailer(offsets, written), 'latin1'))
  return Buffer.concat(pieces)
}

/** PDF 1.7 §7.5.4: each entry is exactly 20 bytes, offset padded to 10 digits. */
function trailer(offsets, xrefAt) {
  const entries = offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`)
  return (
    `xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n${entries.join('')}` +
    `trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`
  )
}
