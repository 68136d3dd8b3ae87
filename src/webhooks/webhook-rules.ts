import type { AddressPolicy } from './address-policy.js'
import {
  findEvent,
  isLegacyEventName,
  type LegacyEventName,
  type WebhookEventName,
} from './webhook-events.js'
import { DESCRIPTION_MAX, DESCRIPTION_MIN, SECRET_MAX, SECRET_MIN } from './webhook-values.js'
import { hostOf, invalidInput, parseWebhookUrl } from './webhook-url.js'

/**
 * The rules a webhook setting must meet, each failure a 1806 "One of the input is invalid"
 * (reference §8.1) whose message names the parameter.
 */
export class WebhookRules {
  constructor(
    private readonly policy: AddressPolicy,
    private readonly lookupTimeoutMs: number,
  ) {}

  /**
   * The URL's shape, then where it leads: refused when any address its host resolves to is
   * private or reserved. A name that does not resolve (yet) is accepted, since every delivery
   * checks again before it connects.
   */
  async destination(raw: string, field: string): Promise<string> {
    const text = raw.trim()
    const url = parseWebhookUrl(text, field)

    const check = await this.policy.check(hostOf(url), this.lookupTimeoutMs)
    if (!check.ok && check.reason === 'refused') {
      throw invalidInput(`"${field}" leads to a private or reserved address (${check.address})`)
    }
    return text
  }
}

/** 3 to 255 characters when given (reference §8.1); null or blank clears it. */
export function checkDescription(description: string | null | undefined): string | null {
  const text = description?.trim() ?? ''
  if (text === '') return null
  // PostgreSQL text cannot hold NUL, and no description needs a control character.
  if (/\p{Cc}/u.test(text))
    throw invalidInput('"webhook.description" must not contain control characters')
  if (text.length < DESCRIPTION_MIN || text.length > DESCRIPTION_MAX) {
    throw invalidInput(
      `"webhook.description" must be ${DESCRIPTION_MIN} to ${DESCRIPTION_MAX} characters`,
    )
  }
  return text
}

/** At least one event, every one from the org-level catalogue; repeats are dropped. */
export function checkEventNames(names: readonly string[]): WebhookEventName[] {
  const unique = [...new Set(names.map((n) => n.trim()))]
  if (unique.length === 0) throw invalidInput('"event_names" must list at least one event')

  const unknown = unique.filter((name) => findEvent(name) === undefined)
  if (unknown.length > 0)
    throw invalidInput(`"event_names" has unknown events: ${unknown.slice(0, 5).join(', ')}`)
  return unique as WebhookEventName[]
}

/**
 * The legacy list: org-level or upper-case legacy names. Unknown names are left out of the
 * registration, as the account-level reference says; a list of nothing but unknown names is
 * refused rather than taken as a deregistration.
 */
export function checkLegacyEvents(
  names: readonly string[],
): (WebhookEventName | LegacyEventName)[] {
  const unique = [...new Set(names.map((n) => n.trim()).filter((n) => n !== ''))]
  const known = unique.filter((name) => isLegacyEventName(name) || findEvent(name) !== undefined)
  if (unique.length > 0 && known.length === 0) throw invalidInput('"event" names no known event')
  return known as (WebhookEventName | LegacyEventName)[]
}

/** 16 to 128 characters (reference §8.4). */
export function checkSecret(secret: string): string {
  if (secret.length < SECRET_MIN || secret.length > SECRET_MAX) {
    throw invalidInput(`"secret_key" must be ${SECRET_MIN} to ${SECRET_MAX} characters`)
  }
  return secret
}
