/**
 * Whether a JPEG file is whole: its marker segments chain from SOI to an EOI (ITU-T T.81
 * §B.1.1.2, §B.2). PDF embeds JPEG data as it is, never decoding it, so a file cut short in
 * transit would otherwise become a page that no reader can draw.
 */
export function jpegComplete(data: Uint8Array): boolean {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== MARKER.SOI) return false

  let at = 2
  let scanned = false
  while (at < data.length) {
    const marker = markerAt(data, at)
    if (marker === undefined) return false
    at = marker.next

    if (marker.code === MARKER.EOI) return scanned
    if (STANDALONE.has(marker.code)) continue

    // Every other marker opens a segment whose two-byte length counts itself (§B.1.1.4).
    if (at + 2 > data.length) return false
    const length = (data[at]! << 8) | data[at + 1]!
    if (length < 2 || at + length > data.length) return false
    at += length

    if (marker.code === MARKER.SOS) {
      scanned = true
      at = afterEntropyData(data, at)
    }
  }
  return false
}

const MARKER = { SOI: 0xd8, EOI: 0xd9, SOS: 0xda }

/** Markers without a length: TEM, RST0 to RST7 (§B.1.1.3). */
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7])

/** The marker at `at`: 0xFF, any 0xFF fill bytes (§B.1.1.2), then its code. */
function markerAt(data: Uint8Array, at: number): { code: number; next: number } | undefined {
  if (data[at] !== 0xff) return undefined
  let i = at + 1
  while (i < data.length && data[i] === 0xff) i++
  if (i >= data.length || data[i] === 0x00) return undefined
  return { code: data[i]!, next: i + 1 }
}

/**
 * Where the entropy-coded data after a scan header ends: at the first marker that is neither
 * a stuffed 0xFF00 nor a restart marker (§B.1.1.5), or at the end of the file.
 */
function afterEntropyData(data: Uint8Array, from: number): number {
  let i = data.indexOf(0xff, from)
  while (i !== -1 && i + 1 < data.length) {
    const next = data[i + 1]!
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i
    i = data.indexOf(0xff, i + (next === 0xff ? 1 : 2))
  }
  return data.length
}
