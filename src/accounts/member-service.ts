import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import { DashboardError } from '../dashboard/dashboard-errors.js'
import type { Database, Role } from '../db/schema.js'
import { hashToken, randomToken } from './account-tokens.js'
import { checkEmail, checkPersonName, checkRole } from './account-values.js'
import type { SignedIn } from './account-service.js'
import { checkPassword, hashPassword } from './passwords.js'
import { emailTaken, insertUser } from './user-store.js'

/** An invitation link is good for a week. */
const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000

export interface Member {
  user_id: string
  email: string
  name: string
  role: Role
  joined_at: string
}

export interface PendingInvitation {
  id: string
  email: string
  role: Role
  created_at: string
  expires_at: string
}

/**
 * The people of an organization and their roles. Every call is scoped by `orgId`: a member of
 * another organization is "not found". An organization always keeps at least one owner.
 */
export class MemberService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  list(orgId: string): Promise<Member[]> {
    return this.db
      .selectFrom('memberships')
      .innerJoin('users', 'users.id', 'memberships.user_id')
      .select([
        'users.id as user_id',
        'users.email',
        'users.name',
        'memberships.role',
        'memberships.created_at as joined_at',
      ])
      .where('memberships.org_id', '=', orgId)
      .orderBy('memberships.created_at')
      .orderBy('users.email')
      .execute()
  }

  pendingInvitations(orgId: string): Promise<PendingInvitation[]> {
    return this.db
      .selectFrom('invitations')
      .select(['id', 'email', 'role', 'created_at', 'expires_at'])
      .where('org_id', '=', orgId)
      .where('expires_at', '>', isoTime(this.clock.now()))
      .orderBy('created_at')
      .execute()
  }

  /**
   * Adds a person directly, with a first password the owner hands over. An invitation of theirs
   * to this organization is spent with it: its link could only fail now.
   */
  async add(
    orgId: string,
    input: { email: unknown; name: unknown; role: unknown; password: unknown },
  ) {
    const email = checkEmail(input.email)
    const name = checkPersonName(input.name)
    const role = checkRole(input.role)
    const passwordHash = await hashPassword(checkPassword(input.password))

    const user = await this.db.transaction().execute(async (trx) => {
      const inserted = await insertUser(trx, this.clock, { email, name, passwordHash, orgId, role })
      await trx
        .deleteFrom('invitations')
        .where('org_id', '=', orgId)
        .where('email', '=', email)
        .execute()
      return inserted
    })
    return this.get(orgId, user.id)
  }

  /** A one-time token for an invitation link; a newer invitation of one email replaces older. */
  async invite(orgId: string, input: { email: unknown; role: unknown }, invitedBy: string) {
    const email = checkEmail(input.email)
    const role = checkRole(input.role)
    if (await emailTaken(this.db, email)) throw new DashboardError('email_taken')

    const token = randomToken()
    const now = this.clock.now()
    const invitation = {
      token_hash: hashToken(token),
      id: `inv_${crypto.randomBytes(9).toString('base64url')}`,
      org_id: orgId,
      email,
      role,
      invited_by: invitedBy,
      created_at: isoTime(now),
      expires_at: isoTime(now + INVITATION_TTL_MS),
    }
    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('invitations')
        .where('org_id', '=', orgId)
        .where('email', '=', email)
        .execute()
      await trx.insertInto('invitations').values(invitation).execute()
    })
    return { token, id: invitation.id, email, role, expires_at: invitation.expires_at }
  }

  /** Withdraws a pending invitation: its link stops working at once. */
  async withdraw(orgId: string, invitationId: string): Promise<void> {
    const removed = await this.db
      .deleteFrom('invitations')
      .where('org_id', '=', orgId)
      .where('id', '=', invitationId)
      .executeTakeFirst()
    if (removed.numDeletedRows === 0n) {
      throw new DashboardError('not_found', 'That invitation does not exist, or was withdrawn.')
    }
  }

  /** Turns an invitation into an account; the invitation is used up either way it ends. */
  async accept(token: unknown, input: { name: unknown; password: unknown }): Promise<SignedIn> {
    const name = checkPersonName(input.name)
    const passwordHash = await hashPassword(checkPassword(input.password))
    const tokenHash = hashToken(typeof token === 'string' ? token : '')

    return this.db.transaction().execute(async (trx) => {
      const invitation = await trx
        .deleteFrom('invitations')
        .where('token_hash', '=', tokenHash)
        .returningAll()
        .executeTakeFirst()
      if (invitation === undefined || invitation.expires_at <= isoTime(this.clock.now())) {
        throw new DashboardError('invitation_invalid')
      }

      const user = await insertUser(trx, this.clock, {
        email: invitation.email,
        name,
        passwordHash,
        orgId: invitation.org_id,
        role: invitation.role,
      })
      return { user, orgId: invitation.org_id, role: invitation.role }
    })
  }

  async changeRole(orgId: string, userId: string, roleInput: unknown): Promise<Member> {
    const role = checkRole(roleInput)
    await this.db.transaction().execute(async (trx) => {
      const current = await this.membership(trx, orgId, userId)
      if (current.role === 'owner' && role !== 'owner') await this.assertOtherOwner(trx, orgId)
      await trx
        .updateTable('memberships')
        .set({ role })
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .execute()
    })
    return this.get(orgId, userId)
  }

  /** Removes a person from the organization; their sessions there end with it. */
  async remove(orgId: string, userId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.membership(trx, orgId, userId)
      if (current.role === 'owner') await this.assertOtherOwner(trx, orgId)

      await trx
        .deleteFrom('sessions')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .execute()
      await trx
        .deleteFrom('memberships')
        .where('org_id', '=', orgId)
        .where('user_id', '=', userId)
        .execute()
      const elsewhere = await trx
        .selectFrom('memberships')
        .select('org_id')
        .where('user_id', '=', userId)
        .executeTakeFirst()
      // A person who belongs nowhere any more has no account left to sign in to.
      if (elsewhere === undefined) await trx.deleteFrom('users').where('id', '=', userId).execute()
    })
  }

  async get(orgId: string, userId: string): Promise<Member> {
    const member = (await this.list(orgId)).find((m) => m.user_id === userId)
    if (member === undefined) throw new DashboardError('not_found', 'That member does not exist.')
    return member
  }

  private async membership(trx: Kysely<Database>, orgId: string, userId: string) {
    const row = await trx
      .selectFrom('memberships')
      .select('role')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (row === undefined) throw new DashboardError('not_found', 'That member does not exist.')
    return row
  }

  private async assertOtherOwner(trx: Kysely<Database>, orgId: string): Promise<void> {
    const owners = await trx
      .selectFrom('memberships')
      .select('user_id')
      .where('org_id', '=', orgId)
      .where('role', '=', 'owner')
      .execute()
    if (owners.length < 2) throw new DashboardError('last_owner')
  }
}
