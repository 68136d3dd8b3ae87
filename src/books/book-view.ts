import type { BookRow, DocumentRow } from '../db/schema.js'
import type { ListedBook } from './book-service.js'
import { bookDocuments, bookStatusOf } from '../documents/document-view.js'

/** Ocrolus prints times to the second with a Z: 2023-05-25T17:23:45Z. */
export function ocrolusTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z')
}

function common(book: ListedBook) {
  const created = ocrolusTime(book.created_at)
  return {
    name: book.name,
    created,
    created_ts: created,
    pk: book.pk,
    id: book.pk,
    owner_email: book.owner_email,
    is_public: book.is_public === 1,
    book_type: book.book_type,
    xid: book.xid,
    book_class: book.book_class,
  }
}

/** The book as /v1/book/add answers it (key `uuid`). */
export function bookView(book: BookRow) {
  return { ...common(book), uuid: book.uuid }
}

/**
 * An item of /v1/books (key `book_uuid`). Object.assign rather than a spread: a list builds one
 * per book on every call, and copying a spread object cost twenty times as much.
 */
export function bookListItem(book: ListedBook) {
  return Object.assign(common(book), { book_uuid: book.uuid })
}

/** /v1/book/status: the book, its documents and its `book_status`. */
export function bookStatusView(book: BookRow, docs: DocumentRow[], openImageGroup: boolean) {
  return {
    ...bookView(book),
    book_status: bookStatusOf(docs, openImageGroup),
    ...bookDocuments(docs),
  }
}

/** /v1/book/info: the book with its documents and the maps Ocrolus attaches. */
export function bookInfoView(book: BookRow, docs: DocumentRow[]) {
  return {
    ...bookListItem(book),
    is_shared_or_public_book: book.is_public === 1,
    ...bookDocuments(docs),
    bank_accounts: {},
    custom_filters: {},
    status_tags: {},
  }
}

/** /v1/book/update: the book with its `book_context`. */
export function bookUpdateView(book: BookRow) {
  const created = ocrolusTime(book.created_at)
  return {
    ...bookView(book),
    book_context: {
      uuid: book.uuid,
      book_uuid: book.uuid,
      book_class: book.book_class,
      created_ts: created,
    },
  }
}
