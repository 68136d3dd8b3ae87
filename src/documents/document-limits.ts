/** Ocrolus's limits (reference §9); each configurable, so tests can use small ones. */
export interface DocumentLimits {
  uploadMaxBytes: number
  maxPagesPerDocument: number
  maxDocumentsPerBook: number
  maxPagesPerBook: number
  maxImagePixels: number
}
