import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import { DashboardError } from '../dashboard/dashboard-errors.js'
import type { Database, Role, UserRow } from '../db/schema.js'
import type { OrganizationService } from './organization-service.js'
import { hashToken, randomToken } from './account-tokens.js'
import { checkEmail, checkPersonName } from './account-values.js'
import { checkOrganizationName } from './organization-name.js'
import { checkPassword, hashPassword, verifyNobody, verifyPassword } from './passwords.js'
import type { SignInThrottle } from './sign-in-throttle.js'
import { countUsers, insertUser } from './user-store.js'

const TOO_MANY_WRONG_PASSWORDS = 'Too many wrong passwords. Wait a few minutes and try again.'

/** A setup link is good for a day; a restart while no account exists prints a fresh one. */
const SETUP_LINK_TTL_MS = 24 * 3600 * 1000

export interface SetupInput {
  token: string
  email: unknown
  name: unknown
  password: unknown
  organization: unknown
}

/** Who signed in, and as what in which organization. */
export interface SignedIn {
  user: UserRow
  orgId: string
  role: Role
}

/**
 * Dashboard accounts: the first-run setup, sign-in with throttling, and password changes.
 * Members and invitations are in MemberService.
 */
export class AccountService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly organizations: OrganizationService,
    private readonly throttle: SignInThrottle,
    private readonly clock: Clock,
  ) {}

  async hasAccounts(): Promise<boolean> {
    return (await countUsers(this.db)) > 0
  }

  /** A new one-time setup token while no account exists; undefined once one does. */
  async issueSetupToken(): Promise<string | undefined> {
    if (await this.hasAccounts()) return undefined

    const token = randomToken()
    const now = this.clock.now()
    await this.db
      .insertInto('setup_tokens')
      .values({
        token_hash: hashToken(token),
        created_at: isoTime(now),
        expires_at: isoTime(now + SETUP_LINK_TTL_MS),
      })
      .execute()
    return token
  }

  private async isLiveSetupToken(token: unknown): Promise<boolean> {
    if (typeof token !== 'string' || token === '') return false
    const row = await this.db
      .selectFrom('setup_tokens')
      .select('token_hash')
      .where('token_hash', '=', hashToken(token))
      .where('expires_at', '>', isoTime(this.clock.now()))
      .executeTakeFirst()
    return row !== undefined
  }

  /** Creates the owner and the organization from a valid setup token; every token dies with it. */
  async completeSetup(input: SetupInput): Promise<SignedIn> {
    const email = checkEmail(input.email)
    const name = checkPersonName(input.name)
    const passwordHash = await hashPassword(checkPassword(input.password))
    const orgName = setupOrganizationName(input.organization)
    if (await this.hasAccounts()) throw new DashboardError('setup_done')
    // Checked before the organization is made, so a made-up token leaves nothing behind.
    if (!(await this.isLiveSetupToken(input.token))) throw new DashboardError('setup_link_invalid')
    const org = await this.organizations.ensure(orgName, { field: 'organization' })

    return this.db.transaction().execute(async (trx) => {
      // Deleting every token takes them all at once: of two setups racing, one finds none left.
      const taken = await trx.deleteFrom('setup_tokens').returningAll().execute()
      const mine = taken.find((t) => t.token_hash === hashToken(input.token))
      if (mine === undefined || mine.expires_at <= isoTime(this.clock.now())) {
        throw new DashboardError('setup_link_invalid')
      }
      if ((await countUsers(trx)) > 0) throw new DashboardError('setup_done')

      const user = await insertUser(trx, this.clock, {
        email,
        name,
        passwordHash,
        orgId: org.id,
        role: 'owner',
      })
      return { user, orgId: org.id, role: 'owner' as const }
    })
  }

  /** Checks an email and password, counting failures per email and per address. */
  async signIn(emailInput: unknown, password: unknown, address: string): Promise<SignedIn> {
    const email = typeof emailInput === 'string' ? emailInput.trim().toLowerCase() : ''
    const given = typeof password === 'string' ? password : ''
    await this.throttle.attempt(email, address)

    const found = await this.findWithMembership(email)
    const ok =
      found !== undefined && given.length <= 1000
        ? await verifyPassword(found.user.password_hash, given)
        : await verifyNobody(given.slice(0, 1000))
    if (!ok || found === undefined) {
      throw new DashboardError('signin_failed', undefined, {
        detail: found === undefined ? 'unknown email' : 'wrong password',
      })
    }

    await this.throttle.recordSuccess(email, address)
    return found
  }

  /**
   * Replaces a password once the current one is given. Wrong current passwords count with the
   * account's failed sign-ins, so a session left open is no way to guess the password freely.
   */
  async changePassword(
    userId: string,
    input: { current: unknown; next: unknown },
    address: string,
  ): Promise<void> {
    const nextPassword = checkPassword(input.next, 'new_password')
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    await this.throttle.attempt(user.email, address, TOO_MANY_WRONG_PASSWORDS)

    const given = typeof input.current === 'string' ? input.current : ''
    if (given.length > 1000 || !(await verifyPassword(user.password_hash, given))) {
      throw new DashboardError('wrong_password')
    }
    await this.throttle.recordSuccess(user.email, address)

    await this.db
      .updateTable('users')
      .set({
        password_hash: await hashPassword(nextPassword),
        password_changed_at: isoTime(this.clock.now()),
      })
      .where('id', '=', userId)
      .execute()
  }

  private async findWithMembership(email: string): Promise<SignedIn | undefined> {
    const user = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email)
      .executeTakeFirst()
    if (user === undefined) return undefined

    // One organization per person for now; several would need an organization switcher.
    const membership = await this.db
      .selectFrom('memberships')
      .select(['org_id', 'role'])
      .where('user_id', '=', user.id)
      .orderBy('created_at')
      .executeTakeFirst()
    if (membership === undefined) return undefined
    return { user, orgId: membership.org_id, role: membership.role }
  }
}

/** The organization typed at setup; none at all keeps the default organization. */
function setupOrganizationName(input: unknown): string | undefined {
  if (input === undefined || input === null) return undefined
  if (typeof input === 'string' && input.trim() === '') return undefined
  return checkOrganizationName(input, 'organization')
}
