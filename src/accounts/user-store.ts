import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import { DashboardError } from '../dashboard/dashboard-errors.js'
import { isUniqueViolation } from '../db/errors.js'
import type { Database, Role, UserRow } from '../db/schema.js'

export interface NewUser {
  email: string
  name: string
  passwordHash: string
  orgId: string
  role: Role
}

/** Inserts a user with its membership, inside the caller's transaction. */
export async function insertUser(db: Kysely<Database>, clock: Clock, input: NewUser) {
  const now = isoTime(clock.now())
  const user: UserRow = {
    id: `usr_${crypto.randomBytes(9).toString('base64url')}`,
    email: input.email,
    name: input.name,
    password_hash: input.passwordHash,
    created_at: now,
    password_changed_at: now,
  }

  try {
    await db.insertInto('users').values(user).execute()
  } catch (error) {
    if (isUniqueViolation(error)) throw new DashboardError('email_taken')
    throw error
  }
  await db
    .insertInto('memberships')
    .values({ org_id: input.orgId, user_id: user.id, role: input.role, created_at: now })
    .execute()
  return user
}

export async function emailTaken(db: Kysely<Database>, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', email)
    .executeTakeFirst()
  return row !== undefined
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
