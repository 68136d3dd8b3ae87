import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

/**
 * An invitation gets an id of its own, so an owner can withdraw it: its only key so far was the
 * hash of the token in the link, which is no name to hand to the dashboard. Pending invitations
 * get one now. SQLite cannot add a NOT NULL column without a default; every insert sets it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const typed = db as Kysely<{ invitations: { token_hash: string; id: string | null } }>
  await db.schema.alterTable('invitations').addColumn('id', 'text').execute()

  const pending = await typed.selectFrom('invitations').select('token_hash').execute()
  for (const { token_hash } of pending) {
    await typed
      .updateTable('invitations')
      .set({ id: newInvitationId() })
      .where('token_hash', '=', token_hash)
      .execute()
  }

  await db.schema.createIndex('invitations_id').on('invitations').column('id').unique().execute()
}

/** Frozen here: a migration must not change with the code that writes invitations later. */
function newInvitationId(): string {
  return `inv_${crypto.randomBytes(9).toString('base64url')}`
}
