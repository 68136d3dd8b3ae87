import { QuireError } from '../errors.js'

/** Error codes of RFC 6749 §5.2, RFC 8707 §2 and RFC 6750 §3.1 that Quire answers with. */
export const OAUTH_ERROR_CODES = [
  'invalid_request',
  'invalid_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'unsupported_token_type',
  'temporarily_unavailable',
  'server_error',
] as const

export type OAuthErrorCode = (typeof OAUTH_ERROR_CODES)[number]

/**
 * An error answered as RFC 6749 §5.2 JSON. `message` becomes `error_description` and must name
 * the rule, never a secret; `detail` is logged only.
 */
export class OAuthError extends QuireError {
  readonly error: OAuthErrorCode
  readonly status: number
  /** Seconds, for 429 answers. */
  readonly retryAfter: number | undefined

  constructor(
    error: OAuthErrorCode,
    status: number,
    description: string,
    detail?: string,
    retryAfter?: number,
  ) {
    super(description, detail)
    this.error = error
    this.status = status
    this.retryAfter = retryAfter
  }
}

export class InvalidRequest extends OAuthError {
  constructor(description: string, detail?: string) {
    super('invalid_request', 400, description, detail)
  }
}

/**
 * RFC 6749 §5.2: 401 for a failed client authentication. The description is the same whatever
 * went wrong, so a caller cannot tell an unknown client from a wrong secret.
 */
export class InvalidClient extends OAuthError {
  constructor(detail: string) {
    super('invalid_client', 401, 'client authentication failed', detail)
  }
}

export class UnsupportedGrantType extends OAuthError {
  constructor(grantType: string) {
    super('unsupported_grant_type', 400, '"grant_type" must be client_credentials', grantType)
  }
}

export class InvalidScope extends OAuthError {
  constructor(description: string) {
    super('invalid_scope', 400, description)
  }
}

export class InvalidTarget extends OAuthError {
  constructor(description: string) {
    super('invalid_target', 400, description)
  }
}

export class UnsupportedTokenType extends OAuthError {
  constructor() {
    super(
      'unsupported_token_type',
      400,
      '"token_type_hint" names a token type Quire does not issue',
    )
  }
}

export class TooManyAttempts extends OAuthError {
  constructor(retryAfter: number, detail: string) {
    super(
      'temporarily_unavailable',
      429,
      'too many failed client authentications; retry later',
      detail,
      retryAfter,
    )
  }
}
