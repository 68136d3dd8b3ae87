import crypto from 'node:crypto'

export const CLIENT_ID_PREFIX = 'qc_'

/** Every client_id Quire issues has this shape; anything else names no client. */
export const CLIENT_ID_SHAPE = /^qc_[A-Za-z0-9_-]{22}$/
export const CLIENT_SECRET_PREFIX = 'qs_'

/** 128 random bits; base64url keeps it URL-safe and free of `%`, `+` and `:`. */
export function generateClientId(): string {
  return CLIENT_ID_PREFIX + crypto.randomBytes(16).toString('base64url')
}

/**
 * 256 random bits from the base64url alphabet. Postman sends Basic credentials without the
 * form-encoding of RFC 6749 §2.3.1; with no `%` or `+` in a secret both forms decode alike.
 */
export function generateClientSecret(): string {
  return CLIENT_SECRET_PREFIX + crypto.randomBytes(32).toString('base64url')
}

/**
 * A keyed hash, not a password hash: the secret carries 256 random bits, so a slow hash adds
 * nothing against guessing and would cap the token endpoint's throughput.
 */
export function hashSecret(hashKey: Buffer, secret: string): string {
  return crypto.createHmac('sha256', hashKey).update(secret, 'utf8').digest('hex')
}

/** Constant-time comparison of two hex digests of equal length. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex')
  const right = Buffer.from(b, 'hex')
  return left.length === right.length && crypto.timingSafeEqual(left, right)
}
