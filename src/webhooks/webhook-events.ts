import crypto from 'node:crypto'

/**
 * The org-level events of reference §8.2: the published list plus the ones seen on live
 * tenants. `type` and `severity` are what GET …/webhook/{uuid}/events reports for each.
 */
export const WEBHOOK_EVENTS = [
  event('book.classified', 'STATUS', 'LOW', 'Every document of a Book is classified'),
  event('book.verified', 'STATUS', 'MODERATE', 'Book is verified'),
  event('book.completed', 'STATUS', 'MODERATE', 'Every task requested for a Book is done'),
  event('book.detect.signal_found', 'ISSUE', 'HIGH', 'Detect found signals in a Book'),
  event('book.detect.signal_not_found', 'STATUS', 'LOW', 'Detect found no signal in a Book'),
  event('book.income.generated', 'STATUS', 'LOW', 'Income figures of a Book are ready'),
  event('book.income.updated', 'STATUS', 'LOW', 'Income figures of a Book changed'),
  event('book.analytics_v2.generated', 'STATUS', 'LOW', 'Cash-flow analytics are generated'),
  event('book.analytics_v2.completed', 'STATUS', 'LOW', 'Cash-flow analytics are complete'),
  event('book.copy.request_accepted', 'STATUS', 'LOW', 'A Book copy request was accepted'),
  event('book.copy.request_rejected', 'ISSUE', 'MODERATE', 'A Book copy request was rejected'),
  event('book.copy.kickout_evaluated', 'STATUS', 'LOW', 'Kick-out rules ran on a Book copy'),
  event('document.upload_succeeded', 'STATUS', 'LOW', 'Document uploaded'),
  event('document.upload_failed', 'ISSUE', 'HIGH', 'Document upload failed'),
  event('document.classification_succeeded', 'STATUS', 'LOW', 'Document classified'),
  event('document.classification_failed', 'ISSUE', 'HIGH', 'Document classification failed'),
  event('document.verification_succeeded', 'STATUS', 'LOW', 'Document verified'),
  event('document.detect.signal_found', 'ISSUE', 'HIGH', 'Detect found signals in a document'),
  event('document.detect.signal_not_found', 'STATUS', 'LOW', 'Detect found no signal'),
  event('document.detect.unable_to_process', 'ISSUE', 'MODERATE', 'Detect could not run'),
  event('image_group.upload_succeeded', 'STATUS', 'LOW', 'Image group uploaded'),
  event('image_group.upload_failed', 'ISSUE', 'HIGH', 'Image group upload failed'),
  event('mixed_document.rejected', 'ISSUE', 'HIGH', 'Mixed document rejected'),
  event('plaid.upload_succeeded', 'STATUS', 'LOW', 'Plaid data uploaded'),
  event('plaid.upload_failed', 'ISSUE', 'HIGH', 'Plaid data upload failed'),
] as const

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]
export type WebhookEventName = WebhookEvent['name']

/** The upper-case names the account-level (legacy) webhook also takes (reference §8.2). */
export const LEGACY_EVENT_NAMES = [
  'BOOK_VERIFIED',
  'DOC_VERIFIED',
  'IMAGE_GROUP_VERIFIED',
  'ANALYTICS_COMPLETED',
  'MIDDESK_VERIFIED',
  'SUSPICIOUS_ACTIVITY',
] as const
export type LegacyEventName = (typeof LEGACY_EVENT_NAMES)[number]

/**
 * The legacy name an org-level event also fires under. MIDDESK_VERIFIED has no counterpart
 * here, so a legacy webhook subscribed to it alone never fires.
 */
export const LEGACY_ALIASES: Partial<Record<WebhookEventName, LegacyEventName>> = {
  'book.verified': 'BOOK_VERIFIED',
  'document.verification_succeeded': 'DOC_VERIFIED',
  'image_group.upload_succeeded': 'IMAGE_GROUP_VERIFIED',
  'book.analytics_v2.completed': 'ANALYTICS_COMPLETED',
  'book.detect.signal_found': 'SUSPICIOUS_ACTIVITY',
}

const BY_NAME = new Map<string, WebhookEvent>(WEBHOOK_EVENTS.map((e) => [e.name, e]))
const BY_UUID = new Map<string, WebhookEvent>(WEBHOOK_EVENTS.map((e) => [e.uuid, e]))

export function findEvent(name: string): WebhookEvent | undefined {
  return BY_NAME.get(name)
}

export function findEventByUuid(uuid: string): WebhookEvent | undefined {
  return BY_UUID.get(uuid.toLowerCase())
}

export function isLegacyEventName(name: string): name is LegacyEventName {
  return (LEGACY_EVENT_NAMES as readonly string[]).includes(name)
}

function event<
  N extends string,
  T extends 'STATUS' | 'ISSUE',
  S extends 'LOW' | 'MODERATE' | 'HIGH',
>(name: N, type: T, severity: S, description: string) {
  return { name, type, severity, description, reason: description, uuid: eventUuid(name) }
}

/** Each event's uuid is derived from its name, so it is the same on every server and release. */
function eventUuid(name: string): string {
  const hex = crypto.createHash('sha256').update(`quire webhook event ${name}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
