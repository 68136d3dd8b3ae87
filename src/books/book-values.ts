/** Processing modes of a Book (reference §4). */
export const BOOK_CLASSES = [
  'COMPLETE',
  'INSTANT',
  'INSTANT_CLASSIFY_ONLY',
  'INSTANT_CLASSIFY_ISO_CAPTURE',
] as const
export type BookClass = (typeof BOOK_CLASSES)[number]

/** The union of what the two Ocrolus specs list for `book_type`. */
export const BOOK_TYPES = ['DEFAULT', 'OPTIMA', 'WIDGET', 'INSTANT_ML'] as const
export type BookType = (typeof BOOK_TYPES)[number]

/** `book_status` values, from creation to removal (reference §4). */
export const BOOK_STATUSES = ['CREATED', 'UPLOAD', 'VERIFYING', 'VERIFIED', 'DELETED'] as const
export type BookStatus = (typeof BOOK_STATUSES)[number]

export const BOOK_ORDER_BY = ['created', 'name', 'pk'] as const
export type BookOrderBy = (typeof BOOK_ORDER_BY)[number]

export const SORT_ORDERS = ['ASC', 'DESC'] as const
export type SortOrder = (typeof SORT_ORDERS)[number]

export const BOOK_NAME_MAX = 255
