import type { ImageType } from './document-values.js'

/** One request to the image child: images in page order, and where to write the PDF. */
export interface ImagePdfRequest {
  images: Array<{ path: string; type: ImageType }>
  output: string
  title: string
  subject: string
  /** Milliseconds since the epoch, for the PDF's creation date. */
  createdAt: number
}

export type ImagePdfResult =
  | { ok: true; pages: number }
  /** `index` is the image that could not be read, when one image is to blame. */
  | { ok: false; failure: 'invalid' | 'too_costly'; index?: number }
