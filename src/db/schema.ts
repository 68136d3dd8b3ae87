import type { Generated, Insertable, Selectable } from 'kysely'

/** Timestamps are ISO-8601 strings in UTC on both dialects, so they sort as text. */
type Timestamp = string

export interface OrganizationTable {
  id: string
  name: string
  email: string | null
  created_at: Timestamp
}

export interface ClientTable {
  client_id: string
  org_id: string
  name: string
  /** Space-separated scope tokens (RFC 6749 §3.3). */
  scope: string
  created_at: Timestamp
  expires_at: Timestamp | null
  revoked_at: Timestamp | null
  last_used_at: Timestamp | null
}

export interface ClientSecretTable {
  id: string
  client_id: string
  /** Hex HMAC-SHA-256 of the secret under the server key; the secret itself is never stored. */
  secret_hash: string
  /** 1 for the first secret, then one more per rotation: orders secrets whatever the clock. */
  generation: number
  created_at: Timestamp
  expires_at: Timestamp | null
}

export interface SigningKeyTable {
  kid: string
  alg: string
  public_jwk: string
  /** The private JWK, sealed with AES-256-GCM under a key derived from the server key. */
  private_jwk_sealed: string
  created_at: Timestamp
  /** Signs from this time on; published in the JWKS from creation. */
  activates_at: Timestamp
  /** Stops signing at this time (when its successor activates). */
  retires_at: Timestamp | null
}

export const CREDENTIAL_EVENT_KINDS = ['client_revoked', 'client_changed', 'token_revoked'] as const
export type CredentialEventKind = (typeof CREDENTIAL_EVENT_KINDS)[number]

/** An append-only log every process polls, so a change made anywhere reaches every node. */
export interface CredentialEventTable {
  seq: Generated<number>
  kind: CredentialEventKind
  /** A client_id, or a token's jti. */
  subject: string
  /** For a revoked token: when it would have expired anyway. */
  expires_at: Timestamp | null
  created_at: Timestamp
}

export interface BookTable {
  pk: Generated<number>
  uuid: string
  org_id: string
  name: string
  created_at: Timestamp
  is_public: number
  book_type: string
  book_class: string
  xid: string | null
  owner_email: string | null
}

export interface Database {
  organizations: OrganizationTable
  clients: ClientTable
  client_secrets: ClientSecretTable
  signing_keys: SigningKeyTable
  credential_events: CredentialEventTable
  books: BookTable
}

export type Organization = Selectable<OrganizationTable>
export type ClientRow = Selectable<ClientTable>
export type ClientSecretRow = Selectable<ClientSecretTable>
export type SigningKeyRow = Selectable<SigningKeyTable>
export type CredentialEvent = Selectable<CredentialEventTable>
export type BookRow = Selectable<BookTable>
export type NewBook = Insertable<BookTable>
