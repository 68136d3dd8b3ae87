import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database, Role, SessionRow } from '../db/schema.js'
import { hashToken, randomToken } from './account-tokens.js'

export interface NewSession {
  /** Goes into the cookie; never stored. */
  token: string
  csrfToken: string
  expiresAt: string
}

/** A live session with the person and role behind it. */
export interface SessionInfo {
  session: SessionRow
  user: { id: string; email: string; name: string }
  role: Role
}

/** Dashboard sessions, kept in the database so every process sees the same ones. */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  async create(userId: string, orgId: string): Promise<NewSession> {
    const token = randomToken()
    const csrfToken = randomToken()
    const now = this.clock.now()
    const expiresAt = isoTime(now + this.ttlSeconds * 1000)

    await this.db
      .insertInto('sessions')
      .values({
        id_hash: hashToken(token),
        user_id: userId,
        org_id: orgId,
        csrf_token: csrfToken,
        created_at: isoTime(now),
        expires_at: expiresAt,
      })
      .execute()
    return { token, csrfToken, expiresAt }
  }

  /** The session a cookie names, if it exists, has not expired and its membership still holds. */
  async find(token: string): Promise<SessionInfo | undefined> {
    const row = await this.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .innerJoin('memberships', (join) =>
        join
          .onRef('memberships.user_id', '=', 'sessions.user_id')
          .onRef('memberships.org_id', '=', 'sessions.org_id'),
      )
      .selectAll('sessions')
      .select(['users.email', 'users.name', 'memberships.role'])
      .where('sessions.id_hash', '=', hashToken(token))
      .where('sessions.expires_at', '>', isoTime(this.clock.now()))
      .executeTakeFirst()
    if (row === undefined) return undefined

    const { email, name, role, ...session } = row
    return { session, user: { id: session.user_id, email, name }, role }
  }

  async delete(token: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', hashToken(token)).execute()
  }

  /** Ends every session of a person, but the one given (after a password change). */
  async deleteForUser(userId: string, keepToken?: string): Promise<void> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId)
    if (keepToken !== undefined) query = query.where('id_hash', '!=', hashToken(keepToken))
    await query.execute()
  }

  async deleteExpired(): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', isoTime(this.clock.now()))
      .execute()
  }
}
