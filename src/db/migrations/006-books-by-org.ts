import type { Kysely } from 'kysely'

/**
 * GET /v1/books lists an organization's books newest first by default. With the books of one
 * organization in pk order, the database reads them in that order instead of sorting them all,
 * and a page stops after `limit` rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('books_org_pk').on('books').columns(['org_id', 'pk']).execute()
}
