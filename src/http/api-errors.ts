import { QuireError } from '../errors.js'

/**
 * Every error code of the bearer API, with the HTTP status and message Ocrolus gives for it
 * (reference §3). Each one is explained in docs/errors.md; a test keeps the two in step.
 * Retired codes stay listed in RETIRED_API_ERROR_CODES and are never reused.
 */
export const API_ERRORS = {
  1003: { status: 400, message: 'Request validation failure' },
  1005: { status: 429, message: 'Request rate limit exceeded' },
  1002: { status: 400, message: 'Could not decode JSON string' },
  1100: { status: 500, message: 'The request could not be processed' },
  1101: { status: 404, message: 'The requested endpoint does not exist' },
  1103: { status: 400, message: 'Required pk or book uuid' },
  1104: { status: 400, message: 'Parameter value is not a valid file' },
  1105: { status: 413, message: 'File too large' },
  1200: { status: 401, message: 'Authentication failed' },
  1202: { status: 401, message: 'Invalid access token' },
  1401: { status: 400, message: 'Book not found' },
  1402: { status: 400, message: 'Book exists' },
  1501: { status: 400, message: 'Document not found' },
  1512: { status: 400, message: 'Document exceeds max pages' },
  1520: { status: 406, message: 'Document cannot be cancelled' },
  1801: { status: 400, message: 'Webhook not found' },
  1802: { status: 400, message: 'Webhook limit reached' },
  1806: { status: 400, message: 'One of the input is invalid' },
  2100: { status: 403, message: 'Insufficient scope' },
  6001: { status: 400, message: 'Form Type Not Found' },
  7002: { status: 400, message: 'No Image Found' },
  7003: { status: 400, message: 'Image group could not be processed' },
  8001: { status: 400, message: 'Only one file per request' },
  8002: { status: 400, message: 'Max uploads reached' },
} as const satisfies Record<number, { status: number; message: string }>

export type ApiErrorCode = keyof typeof API_ERRORS

export const RETIRED_API_ERROR_CODES: readonly number[] = []

/** An error answered in the Ocrolus envelope with a stable numeric code. */
export class ApiError extends QuireError {
  readonly code: ApiErrorCode
  readonly status: number
  readonly headers: Record<string, string>

  constructor(
    code: ApiErrorCode,
    message?: string,
    options: { detail?: string; headers?: Record<string, string> } = {},
  ) {
    super(message ?? API_ERRORS[code].message, options.detail)
    this.code = code
    this.status = API_ERRORS[code].status
    this.headers = options.headers ?? {}
  }
}

/** Ocrolus's error body: the code twice, once at the top and once under `meta`. */
export function errorBody(status: number, code: number, message: string) {
  return { status, code, message, response: null, meta: { status, msg: message, code } }
}

/** Ocrolus's success envelope for v1 routes. */
export function envelope<T>(response: T) {
  return { status: 200, message: 'OK', response }
}
