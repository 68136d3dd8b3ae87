import type { ImageType } from './document-values.js'

/** PDF 1.7 §7.5.2: readers accept the header within the first 1024 bytes. */
export function looksLikePdf(head: Buffer): boolean {
  return head.subarray(0, 1024).includes('%PDF-')
}

/** The image type from its magic number; undefined for anything else. */
export function imageType(head: Buffer): ImageType | undefined {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff)
    return 'image/jpeg'
  if (head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png'
  const tiff = head.subarray(0, 4).toString('latin1')
  if (tiff === 'II*\0' || tiff === 'MM\0*') return 'image/tiff'
  if (head.subarray(0, 2).toString('latin1') === 'BM') return 'image/bmp'
  return undefined
}
