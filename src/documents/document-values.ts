/** Document statuses (reference §6): the pipeline moves each forward, never back. */
export const DOCUMENT_STATUSES = [
  'QUEUED',
  'PROCESSING',
  'VERIFICATION_COMPLETE',
  'REJECTED',
  'DELETING',
  'DELETED',
] as const
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number]

/** Statuses the pipeline has not finished with: resumed after a restart. */
export const UNFINISHED_STATUSES = [
  'QUEUED',
  'PROCESSING',
] as const satisfies readonly DocumentStatus[]

/** Statuses of documents that no longer count for their book. */
export const GONE_STATUSES = ['DELETING', 'DELETED'] as const satisfies readonly DocumentStatus[]

/** How a document came in: one pre-identified document, a file of several, or data. */
export const DOCUMENT_KINDS = ['UPLOADED', 'MIXED', 'JSON'] as const
export type DocumentKind = (typeof DOCUMENT_KINDS)[number]

/** Rejection reasons, as Ocrolus words them. */
export const REJECTION_REASONS = {
  invalid: { reason: 'INVALID DOCUMENT', description: 'The file could not be read as a document' },
  tooCostly: {
    reason: 'INVALID DOCUMENT',
    description: 'Reading the file took more memory or time than allowed',
  },
  tooManyPages: {
    reason: 'PAGE LIMIT EXCEEDED',
    description: 'The document has more pages than allowed',
  },
  bookFull: { reason: 'BOOK LIMIT EXCEEDED', description: 'The book would exceed its page limit' },
  cancelled: { reason: 'CANCELLED', description: 'Processing was cancelled on request' },
} as const

/** Form types accepted by pre-identified uploads; bank statements need none. */
export const FORM_TYPES = [
  'BANK_STATEMENT',
  'PAYSTUB',
  'W2',
  'A_1099_INT',
  'A_1099_MISC',
  'A_1099_NEC',
  'A_1099_DIV',
  'A_1099_R',
  'A_1040',
  'TAX_RETURN',
  'CREDIT_CARD_STATEMENT',
  'INVOICE_SUMMARY',
  'UTILITY_BILL',
  'DRIVERS_LICENSE',
] as const

/** File types Quire stores, sniffed from their first bytes, never from a declared type. */
export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/tiff', 'image/bmp'] as const
export type ImageType = (typeof IMAGE_TYPES)[number]
