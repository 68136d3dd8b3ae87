import { sql, type Kysely } from 'kysely'

import type { Database } from '../db/schema.js'
import { GONE_STATUSES } from './document-values.js'

/** The live documents of a book and their pages, for the per-book limits (reference §9). */
export async function bookUsage(
  db: Kysely<Database>,
  bookPk: number,
): Promise<{ documents: number; pages: number }> {
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
