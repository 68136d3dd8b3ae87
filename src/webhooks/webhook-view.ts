import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookRow } from '../db/schema.js'
import { WEBHOOK_EVENTS } from './webhook-events.js'

/** Stored as a JSON array; a row written by this module always parses. */
export function eventNamesOf(webhook: WebhookRow): string[] {
  return JSON.parse(webhook.event_names) as string[]
}

/**
 * An org-level webhook as reference §8.1 lists it, plus the events it subscribes to. The
 * secret never appears, not even sealed.
 */
export function webhookView(webhook: WebhookRow) {
  return {
    uuid: webhook.uuid,
    url: webhook.url,
    description: webhook.description,
    is_active: webhook.is_active === 1,
    created_on: webhook.created_at,
    last_modified_date: webhook.modified_at,
    event_names: eventNamesOf(webhook),
  }
}

/** The whole catalogue, each event marked active when this webhook subscribes to it. */
export function webhookEventsView(webhook: WebhookRow) {
  const subscribed = new Set(eventNamesOf(webhook))
  return {
    events: WEBHOOK_EVENTS.map((event) => ({
      uuid: event.uuid,
      name: event.name,
      description: event.description,
      is_active: subscribed.has(event.name),
      reason: event.reason,
      type: event.type,
      severity: event.severity,
    })),
  }
}

/** The account-level registration: `webhook_endpoint` and `events`, empty when none. */
export function accountWebhookView(webhook: WebhookRow | undefined) {
  return {
    webhook_endpoint: webhook?.url ?? null,
    events: webhook === undefined ? [] : eventNamesOf(webhook),
  }
}

/** One delivery and every attempt at it, for the dashboard's delivery log. */
export function deliveryView(delivery: WebhookDeliveryRow, attempts: WebhookAttemptRow[]) {
  return {
    uuid: delivery.uuid,
    webhook_uuid: delivery.webhook_uuid,
    event_name: delivery.event_name,
    status: delivery.status,
    attempt_count: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? delivery.next_attempt_at : null,
    created_on: delivery.created_at,
    last_modified_date: delivery.updated_at,
    payload: JSON.parse(delivery.payload) as unknown,
    attempts: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      attempted_at: attempt.attempted_at,
      request_id: attempt.request_id,
      http_status: attempt.http_status,
      error: attempt.error,
      response_snippet: attempt.response_snippet,
      duration_ms: attempt.duration_ms,
    })),
  }
}
