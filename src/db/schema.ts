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

export interface DocumentTable {
  pk: Generated<number>
  uuid: string
  org_id: string
  book_pk: number
  kind: string
  name: string
  form_type: string | null
  status: string
  rejection_reason: string | null
  rejection_reason_description: string | null
  document_class: string | null
  page_count: number
  text_pages: number | null
  md5: string
  sha256: string
  size: number
  content_type: string
  /** Null once the stored file is deleted. */
  blob_key: string | null
  processing_type: string
  image_group_pk: number | null
  /** Where a JSON document's data comes from (PLAID, FINICITY); null for files. */
  data_source: string | null
  /** What a JSON document's data is for (add_analytics, docs_to_digital); null for files. */
  upload_intent: string | null
  /** Pipeline runs started; a document that keeps killing its worker is rejected. */
  attempts: number
  /** A worker owns a PROCESSING document until then; after it, another may take it over. */
  lease_until: Timestamp | null
  created_at: Timestamp
  updated_at: Timestamp
}

/** OPEN takes images; CLOSED became a document; DISCARDED was dropped with its book. */
export const IMAGE_GROUP_STATUSES = ['OPEN', 'CLOSED', 'DISCARDED'] as const
export type ImageGroupStatus = (typeof IMAGE_GROUP_STATUSES)[number]

export interface ImageGroupTable {
  pk: Generated<number>
  uuid: string
  org_id: string
  book_pk: number
  status: ImageGroupStatus
  created_at: Timestamp
}

export interface ImageTable {
  pk: Generated<number>
  /** Null only for rows older than migration 004; every new image has one. */
  uuid: string | null
  image_group_pk: number
  name: string
  content_type: string
  md5: string
  size: number
  blob_key: string
  created_at: Timestamp
}

export interface BlobTable {
  blob_key: string
  size: number
  chunks: number
  created_at: Timestamp
}

export interface BlobChunkTable {
  blob_key: string
  seq: number
  data: Buffer
}

/** `org`: the org-level webhooks (reference §8.1); `account`: the legacy one per credential. */
export const WEBHOOK_KINDS = ['org', 'account'] as const
export type WebhookKind = (typeof WEBHOOK_KINDS)[number]

export interface WebhookTable {
  uuid: string
  org_id: string
  kind: WebhookKind
  /** The owning credential of an account-level webhook; null for org-level ones. */
  client_id: string | null
  url: string
  description: string | null
  is_active: number
  /** The signing secret, sealed with AES-256-GCM under a key derived from the server key. */
  secret_sealed: string | null
  /** JSON array of subscribed event names. */
  event_names: string
  created_at: Timestamp
  modified_at: Timestamp
}

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number]

/** One event for one webhook: the outbox row the delivery worker claims, retries and closes. */
export interface WebhookDeliveryTable {
  uuid: string
  webhook_uuid: string
  org_id: string
  event_name: string
  /** The exact JSON body sent, so every attempt signs the same bytes. */
  payload: string
  status: WebhookDeliveryStatus
  /** Attempts started; counted when claimed, so a crash mid-attempt still uses one up. */
  attempts: number
  /** When a pending delivery is due, or until when a worker's claim on it holds. */
  next_attempt_at: Timestamp | null
  created_at: Timestamp
  updated_at: Timestamp
}

export interface WebhookAttemptTable {
  delivery_uuid: string
  attempt: number
  attempted_at: Timestamp
  request_id: string
  http_status: number | null
  error: string | null
  /** The start of a failed answer's body, cut short: never more of it. */
  response_snippet: string | null
  duration_ms: number
}

export const ROLES = ['owner', 'member', 'read_only'] as const
export type Role = (typeof ROLES)[number]

/** A person who signs in to the dashboard; API clients are not users. */
export interface UserTable {
  id: string
  /** Lowercased; one account per address. */
  email: string
  name: string
  /** argon2id PHC string. */
  password_hash: string
  created_at: Timestamp
  password_changed_at: Timestamp
}

export interface MembershipTable {
  org_id: string
  user_id: string
  role: Role
  created_at: Timestamp
}

/** A dashboard session; the cookie holds the id, the table only its SHA-256. */
export interface SessionTable {
  id_hash: string
  user_id: string
  org_id: string
  /** The synchronizer token every state-changing request of this session must carry. */
  csrf_token: string
  created_at: Timestamp
  expires_at: Timestamp
}

/** One-time links that create the first account; all are void once one is used. */
export interface SetupTokenTable {
  token_hash: string
  created_at: Timestamp
  expires_at: Timestamp
}

export interface InvitationTable {
  token_hash: string
  /** What the dashboard names it by; the token's hash never leaves the server. */
  id: string
  org_id: string
  email: string
  role: Role
  invited_by: string
  created_at: Timestamp
  expires_at: Timestamp
}

/** Bearer API requests of one credential on one UTC day. */
export interface ApiUsageTable {
  client_id: string
  org_id: string
  /** YYYY-MM-DD, UTC. */
  day: string
  requests: number
}

export interface Database {
  organizations: OrganizationTable
  clients: ClientTable
  client_secrets: ClientSecretTable
  signing_keys: SigningKeyTable
  credential_events: CredentialEventTable
  books: BookTable
  documents: DocumentTable
  image_groups: ImageGroupTable
  images: ImageTable
  blobs: BlobTable
  blob_chunks: BlobChunkTable
  webhooks: WebhookTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
  users: UserTable
  memberships: MembershipTable
  sessions: SessionTable
  setup_tokens: SetupTokenTable
  invitations: InvitationTable
  api_usage: ApiUsageTable
}

export type Organization = Selectable<OrganizationTable>
export type ClientRow = Selectable<ClientTable>
export type ClientSecretRow = Selectable<ClientSecretTable>
export type SigningKeyRow = Selectable<SigningKeyTable>
export type CredentialEvent = Selectable<CredentialEventTable>
export type BookRow = Selectable<BookTable>
export type NewBook = Insertable<BookTable>
export type DocumentRow = Selectable<DocumentTable>
export type ImageGroupRow = Selectable<ImageGroupTable>
export type ImageRow = Selectable<ImageTable>
export type WebhookRow = Selectable<WebhookTable>
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>
export type WebhookAttemptRow = Selectable<WebhookAttemptTable>
export type UserRow = Selectable<UserTable>
export type MembershipRow = Selectable<MembershipTable>
export type SessionRow = Selectable<SessionTable>
export type InvitationRow = Selectable<InvitationTable>
