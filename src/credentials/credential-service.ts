import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import type { OrganizationService } from '../accounts/organization-service.js'
import { isoTime, type Clock } from '../clock.js'
import type { ClientRow, ClientSecretRow, Database } from '../db/schema.js'
import { NotFoundError, ValidationError } from '../errors.js'
import { formatScope, isScope, parseScope, SCOPES } from '../oauth/scopes.js'
import { recordCredentialEvent } from './credential-events.js'
import { generateClientId, generateClientSecret, hashSecret } from './secret.js'

/** A secret's metadata; the secret itself exists only in the answer that created it. */
export interface SecretInfo {
  id: string
  generation: number
  created_at: string
  expires_at: string | null
}

export interface Credential {
  client_id: string
  org_id: string
  name: string
  scope: string
  created_at: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
  secrets: SecretInfo[]
}

/**
 * What a credential is created from, as the CLI or a JSON body gave it: values of the wrong
 * type are refused here, for both, rather than read as absent.
 */
export interface CreateCredential {
  name: unknown
  org?: string
  /** Space-separated scopes; absent (or empty) means every scope. */
  scope?: unknown
  /** ISO-8601 time after which the credential gets no new token; absent or empty for never. */
  expiresAt?: unknown
}

export interface IssuedSecret {
  credential: Credential
  client_secret: string
}

/** At most this many secrets are active at once, so rotation can overlap without downtime. */
export const MAX_ACTIVE_SECRETS = 2

/**
 * API credentials: OAuth clients of the client-credentials grant. The CLI and the dashboard
 * both go through this service, so one set of rules applies everywhere.
 */
export class CredentialService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly organizations: OrganizationService,
    private readonly hashKey: Buffer,
    private readonly clock: Clock,
  ) {}

  async create(input: CreateCredential): Promise<IssuedSecret> {
    const name = checkName(input.name)
    const scope = checkScope(input.scope)
    const expiresAt = this.checkExpiry(input.expiresAt)
    const org = await this.organizations.ensure(input.org)

    const now = isoTime(this.clock.now())
    const client: ClientRow = {
      client_id: generateClientId(),
      org_id: org.id,
      name,
      scope,
      created_at: now,
      expires_at: expiresAt,
      revoked_at: null,
      last_used_at: null,
    }
    const secret = generateClientSecret()

    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('clients').values(client).execute()
      await trx
        .insertInto('client_secrets')
        .values(this.secretRow(client.client_id, secret, 1))
        .execute()
    })

    return { credential: await this.get(client.client_id), client_secret: secret }
  }

  async list(orgId?: string): Promise<Credential[]> {
    let query = this.db.selectFrom('clients').selectAll().orderBy('created_at').orderBy('client_id')
    if (orgId !== undefined) query = query.where('org_id', '=', orgId)

    const clients = await query.execute()
    const secrets = await this.secretsOf(clients.map((c) => c.client_id))
    return clients.map((client) => toCredential(client, secrets))
  }

  async get(clientId: string, orgId?: string): Promise<Credential> {
    const client = await this.findClient(clientId)
    if (client === undefined || (orgId !== undefined && client.org_id !== orgId)) {
      throw new NotFoundError('credential not found')
    }
    return toCredential(client, await this.secretsOf([clientId]))
  }

  /**
   * Adds a new secret and keeps the newest previous one valid, so deployed clients keep working
   * until they switch; older secrets beyond that are removed.
   */
  async rotate(clientId: string, orgId?: string): Promise<IssuedSecret> {
    const current = await this.get(clientId, orgId)
    if (current.revoked_at !== null) throw new ValidationError('credential is revoked')

    const secret = generateClientSecret()
    const keep = current.secrets.slice(-(MAX_ACTIVE_SECRETS - 1)).map((s) => s.id)

    await this.db.transaction().execute(async (trx) => {
      let removal = trx.deleteFrom('client_secrets').where('client_id', '=', clientId)
      if (keep.length > 0) removal = removal.where('id', 'not in', keep)
      await removal.execute()
      const generation = (current.secrets.at(-1)?.generation ?? 0) + 1
      await trx
        .insertInto('client_secrets')
        .values(this.secretRow(clientId, secret, generation))
        .execute()
      await recordCredentialEvent(trx, this.clock, 'client_changed', clientId)
    })

    return { credential: await this.get(clientId), client_secret: secret }
  }

  /** Removes every secret but the newest: the end of a rotation. */
  async retireOldSecrets(clientId: string, orgId?: string): Promise<Credential> {
    const current = await this.get(clientId, orgId)
    const newest = current.secrets.at(-1)
    if (newest === undefined) return current

    await this.db.transaction().execute(async (trx) => {
      await trx
        .deleteFrom('client_secrets')
        .where('client_id', '=', clientId)
        .where('id', '!=', newest.id)
        .execute()
      await recordCredentialEvent(trx, this.clock, 'client_changed', clientId)
    })
    return this.get(clientId)
  }

  /** Ends a credential for good: no new token, and tokens issued to it stop working. */
  async revoke(clientId: string, orgId?: string): Promise<Credential> {
    const current = await this.get(clientId, orgId)
    if (current.revoked_at !== null) return current

    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('clients')
        .set({ revoked_at: isoTime(this.clock.now()) })
        .where('client_id', '=', clientId)
        .execute()
      await trx.deleteFrom('client_secrets').where('client_id', '=', clientId).execute()
      await recordCredentialEvent(trx, this.clock, 'client_revoked', clientId)
    })
    return this.get(clientId)
  }

  /** The client and its secret hashes, as client authentication needs them. */
  async loadForAuthentication(
    clientId: string,
  ): Promise<{ client: ClientRow; secrets: ClientSecretRow[] } | undefined> {
    const client = await this.findClient(clientId)
    if (client === undefined) return undefined

    const secrets = await this.db
      .selectFrom('client_secrets')
      .selectAll()
      .where('client_id', '=', clientId)
      .execute()
    return { client, secrets }
  }

  async touch(clientId: string): Promise<void> {
    await this.db
      .updateTable('clients')
      .set({ last_used_at: isoTime(this.clock.now()) })
      .where('client_id', '=', clientId)
      .execute()
  }

  private findClient(clientId: string): Promise<ClientRow | undefined> {
    return this.db
      .selectFrom('clients')
      .selectAll()
      .where('client_id', '=', clientId)
      .executeTakeFirst()
  }

  private async secretsOf(clientIds: string[]): Promise<ClientSecretRow[]> {
    if (clientIds.length === 0) return []
    return this.db
      .selectFrom('client_secrets')
      .selectAll()
      .where('client_id', 'in', clientIds)
      .orderBy('generation')
      .execute()
  }

  private secretRow(clientId: string, secret: string, generation: number): ClientSecretRow {
    return {
      id: `sec_${crypto.randomBytes(9).toString('base64url')}`,
      client_id: clientId,
      secret_hash: hashSecret(this.hashKey, secret),
      generation,
      created_at: isoTime(this.clock.now()),
      expires_at: null,
    }
  }

  private checkExpiry(expiresAt: unknown): string | null {
    if (expiresAt === undefined || expiresAt === '') return null

    const ms = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN
    if (Number.isNaN(ms)) throw new ValidationError('"expires_at" must be an ISO-8601 time')
    if (ms <= this.clock.now()) throw new ValidationError('"expires_at" must be in the future')
    return isoTime(ms)
  }
}

function toCredential(client: ClientRow, secrets: ClientSecretRow[]): Credential {
  return {
    ...client,
    secrets: secrets
      .filter((s) => s.client_id === client.client_id)
      .map(({ id, generation, created_at, expires_at }) => ({
        id,
        generation,
        created_at,
        expires_at,
      })),
  }
}

function checkName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : ''
  if (trimmed === '' || trimmed.length > 100) {
    throw new ValidationError('"name" must be 1 to 100 characters')
  }
  return trimmed
}

/**
 * No scope given grants all of them; otherwise each must be one Quire knows. Anything but a
 * string (a number, a list, null) is refused: read as "none given" it would grant everything.
 */
function checkScope(raw: unknown): string {
  const refused = () =>
    new ValidationError(`"scope" must be a space-separated subset of: ${SCOPES.join(' ')}`)
  if (raw === undefined) return formatScope(SCOPES)
  if (typeof raw !== 'string') throw refused()
  if (raw.trim() === '') return formatScope(SCOPES)

  const scopes = parseScope(raw.trim().replace(/\s+/g, ' '))
  if (scopes === undefined || scopes.some((s) => !isScope(s))) throw refused()
  return formatScope(scopes)
}
