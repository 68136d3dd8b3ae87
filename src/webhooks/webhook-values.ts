/** Limits of reference §8.1 and §8.4. */
export const MAX_ORG_WEBHOOKS = 5
export const DESCRIPTION_MIN = 3
export const DESCRIPTION_MAX = 255
export const SECRET_MIN = 16
export const SECRET_MAX = 128
export const URL_MAX = 2048

/** How much of a failed answer's body an attempt keeps, to show why it failed. */
export const SNIPPET_MAX = 200
/** An attempt's error text is cut to this length. */
export const ERROR_MAX = 300

/** A claim outlives the POST's timeout by this much, so a slow finish is not taken over. */
export const LEASE_MARGIN_MS = 30_000

/** The event name recorded for the legacy test, which sends no real event. */
export const LEGACY_TEST_EVENT = 'TEST'

/** The body the legacy test sends, as the account-level reference documents it. */
export const LEGACY_TEST_PAYLOAD = {
  status: 'VERIFICATION_COMPLETE',
  uploaded_doc_pk: 0,
  book_pk: 0,
}

export const DELIVERIES_PAGE_DEFAULT = 50
export const DELIVERIES_PAGE_MAX = 200
