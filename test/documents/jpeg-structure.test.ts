import { describe, expect, it } from 'vitest'

import { jpegComplete } from '../../src/documents/jpeg-structure.js'
import { fixture } from '../support/multipart.js'

const BASELINE = fixture('bank/aws-bank-statement.jpg')

/** A marker segment: 0xFF, its code, a length that counts itself, then the payload. */
function segment(code: number, payload: number[]): Buffer {
  const length = payload.length + 2
  return Buffer.from([0xff, code, length >> 8, length & 0xff, ...payload])
}

/**
 * The shape of a progressive JPEG (T.81 Annex G): two scans, with a table segment between them
 * and restart markers and stuffed 0xFF bytes inside the entropy-coded data.
 */
function progressive(): Buffer {
  return Buffer.concat([
    Buffer.from('ffd8', 'hex'),
    segment(0xdb, Array(65).fill(1)),
    segment(0xc2, [8, 0, 16, 0, 16, 1, 1, 0x11, 0]),
    segment(0xc4, [0, ...Array(16).fill(0)]),
    segment(0xda, [1, 1, 0, 0, 0, 0]),
    Buffer.from('12ff0034ffd056', 'hex'),
    segment(0xc4, [0x10, ...Array(16).fill(0)]),
    segment(0xda, [1, 1, 0, 1, 63, 0]),
    Buffer.from('78ff009a', 'hex'),
    Buffer.from('ffd9', 'hex'),
  ])
}

describe('jpegComplete', () => {
  it('accepts whole files, baseline and progressive, and bytes after the end marker', () => {
    expect(jpegComplete(BASELINE)).toBe(true)
    expect(jpegComplete(progressive())).toBe(true)
    expect(jpegComplete(Buffer.concat([BASELINE, Buffer.from('trailing camera data')]))).toBe(true)
  })

  it('refuses a file cut short anywhere: in a segment, in scan data, before its end marker', () => {
    for (const cut of [3, 100, Math.floor(BASELINE.length / 2), BASELINE.length - 2])
      expect(jpegComplete(BASELINE.subarray(0, cut)), `cut at ${cut}`).toBe(false)
    const steps = progressive()
    for (let cut = 2; cut < steps.length; cut++)
      expect(jpegComplete(steps.subarray(0, cut)), `cut at ${cut}`).toBe(false)
  })

  it('refuses what only starts like a JPEG', () => {
    expect(jpegComplete(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toBe(false)
    expect(jpegComplete(Buffer.from([0xff, 0xd8, 0x00, 0x00, 0xff, 0xd9]))).toBe(false)
    const cutSegment = Buffer.concat([Buffer.from('ffd8', 'hex'), segment(0xe0, [1, 2, 3])])
    expect(jpegComplete(cutSegment.subarray(0, 7))).toBe(false)
    // A segment length shorter than its own two bytes.
    expect(jpegComplete(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01, 0xff, 0xd9]))).toBe(false)
  })
})
