import { sql, type Kysely } from 'kysely'

import type { Dialect } from '../database.js'

/**
 * Documents, image groups and their images, and (used on PostgreSQL) chunked blobs. A document
 * keeps its book's pk without a foreign key: removing a book marks its documents for deletion,
 * and their rows outlive it until the pipeline has deleted their files.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const serial = dialect === 'postgres' ? 'serial' : 'integer'
  const bytes = dialect === 'postgres' ? 'bytea' : 'blob'
  const pk = (c: import('kysely').ColumnDefinitionBuilder) =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()

  await db.schema
    .createTable('documents')
    .addColumn('pk', serial, pk)
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('book_pk', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('form_type', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rejection_reason', 'text')
    .addColumn('rejection_reason_description', 'text')
    .addColumn('document_class', 'text')
    .addColumn('page_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('text_pages', 'integer')
    .addColumn('md5', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text')
    .addColumn('processing_type', 'text', (c) => c.notNull())
    .addColumn('image_group_pk', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('documents_book')
    .on('documents')
    .columns(['book_pk', 'status'])
    .execute()
  await db.schema
    .createIndex('documents_status')
    .on('documents')
    .columns(['status', 'lease_until'])
    .execute()
  // One live copy of a file per book and kind; removed documents do not count.
  await db.schema
    .createIndex('documents_live_md5')
    .on('documents')
    .columns(['book_pk', 'kind', 'md5'])
    .unique()
    .where(sql.ref('status'), 'not in', ['DELETING', 'DELETED'])
    .execute()

  await db.schema
    .createTable('image_groups')
    .addColumn('pk', serial, pk)
    .addColumn('uuid', 'text', (c) => c.notNull().unique())
    .addColumn('org_id', 'text', (c) => c.notNull().references('organizations.id'))
    .addColumn('book_pk', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('images')
    .addColumn('pk', serial, pk)
    .addColumn('image_group_pk', 'integer', (c) => c.notNull().references('image_groups.pk'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('md5', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('blobs')
    .addColumn('blob_key', 'text', (c) => c.primaryKey())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('chunks', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('blob_chunks')
    .addColumn('blob_key', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('blob_chunks_pk', ['blob_key', 'seq'])
    .execute()

  // Document pks start far from book pks, so a pk sent to the wrong endpoint finds nothing.
  if (dialect === 'postgres') {
    await sql`alter sequence documents_pk_seq restart with 5000001`.execute(db)
    await sql`alter sequence image_groups_pk_seq restart with 700001`.execute(db)
  } else {
    await sql`insert into sqlite_sequence (name, seq) values ('documents', 5000000), ('image_groups', 700000)`.execute(
      db,
    )
  }
}
