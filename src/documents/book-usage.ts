import { sql, type Kysely } from 'kysely'

import type { Dialect } from '../db/database.js'
import type { Database } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { DocumentLimits } from './document-limits.js'
import { GONE_STATUSES } from './document-values.js'

export interface BookUsage {
  documents: number
  pages: number
}

/** The live documents of a book and their pages, for the per-book limits (reference §9). */
export async function bookUsage(db: Kysely<Database>, bookPk: number): Promise<BookUsage> {
  const row = await db
    .selectFrom('documents')
    .select([
      sql<number>`count(*)`.as('documents'),
      sql<number>`coalesce(sum(page_count), 0)`.as('pages'),
    ])
    .where('book_pk', '=', bookPk)
    .where('status', 'not in', GONE_STATUSES)
    .executeTakeFirstOrThrow()
  return { documents: Number(row.documents), pages: Number(row.pages) }
}

/**
 * The book's usage inside `trx`, with the book held until the transaction ends, so concurrent
 * uploads into one book take turns and none passes a limit the other's rows already reached.
 * PostgreSQL: a row lock on the book. SQLite runs one write transaction at a time already.
 */
export async function lockedBookUsage(
  trx: Kysely<Database>,
  dialect: Dialect,
  bookPk: number,
): Promise<BookUsage> {
  if (dialect === 'postgres')
    await trx.selectFrom('books').select('pk').where('pk', '=', bookPk).forUpdate().execute()
  return bookUsage(trx, bookPk)
}

/** Reference §9: 8002 when the documents and pages coming in would pass the book's limits. */
export function checkBookLimits(
  usage: BookUsage,
  limits: Pick<DocumentLimits, 'maxDocumentsPerBook' | 'maxPagesPerBook'>,
  incoming: BookUsage,
): void {
  if (usage.documents + incoming.documents > limits.maxDocumentsPerBook) throw new ApiError(8002)
  if (usage.pages + incoming.pages > limits.maxPagesPerBook)
    throw new ApiError(8002, 'Book page limit reached')
}
