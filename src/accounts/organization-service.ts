import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Database, Organization } from '../db/schema.js'
import { NotFoundError } from '../errors.js'
import { checkOrganizationName, normalizeOrganizationName } from './organization-name.js'

export const DEFAULT_ORGANIZATION = 'default'

/** Organizations own credentials and books; everything a tenant sees is scoped by one. */
export class OrganizationService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  /**
   * Finds an organization by id or name, creating it by that name when none exists. `field`
   * names the parameter the name came from, for the message when a new name is not valid.
   */
  async ensure(
    nameOrId: string = DEFAULT_ORGANIZATION,
    options: { email?: string; field?: string } = {},
  ): Promise<Organization> {
    const existing = await this.find(nameOrId)
    if (existing !== undefined) return existing

    const name = checkOrganizationName(nameOrId, options.field ?? 'org')
    const org: Organization = {
      id: `org_${crypto.randomBytes(9).toString('base64url')}`,
      name,
      email: options.email ?? null,
      created_at: isoTime(this.clock.now()),
    }
    await this.db
      .insertInto('organizations')
      .values(org)
      .onConflict((c) => c.doNothing())
      .execute()

    // Another process may have created it first; the stored row wins.
    const stored = await this.find(name)
    if (stored === undefined) throw new Error('organization insert was not visible')
    return stored
  }

  async find(nameOrId: string): Promise<Organization | undefined> {
    const name = normalizeOrganizationName(nameOrId)
    return this.db
      .selectFrom('organizations')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', nameOrId), eb('name', '=', name)]))
      .executeTakeFirst()
  }

  /** Every organization, oldest first. */
  async list(): Promise<Organization[]> {
    return this.db
      .selectFrom('organizations')
      .selectAll()
      .orderBy('created_at')
      .orderBy('name')
      .execute()
  }

  async get(id: string): Promise<Organization> {
    const org = await this.db
      .selectFrom('organizations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst()
    if (org === undefined) throw new NotFoundError('organization not found')
    return org
  }
}
