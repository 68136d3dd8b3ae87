import { sql, type Kysely } from 'kysely'

import type { Dialect } from '../database.js'

/**
 * What image groups and aggregator data need beyond 003: one open group per book and one copy
 * of an image per group, enforced by the database so concurrent uploads cannot break either;
 * an image's uuid (duplicate answers name it); and the source and intent of a JSON document.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('documents').addColumn('data_source', 'text').execute()
  await db.schema.alterTable('documents').addColumn('upload_intent', 'text').execute()

  await db.schema.alterTable('images').addColumn('uuid', 'text').execute()
  await db.schema.createIndex('images_uuid').on('images').column('uuid').unique().execute()
  await db.schema
    .createIndex('images_group_md5')
    .on('images')
    .columns(['image_group_pk', 'md5'])
    .unique()
    .execute()

  await db.schema
    .createIndex('image_groups_open')
    .on('image_groups')
    .column('book_pk')
    .unique()
    .where(sql.ref('status'), '=', 'OPEN')
    .execute()
}
