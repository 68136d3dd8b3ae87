import crypto from 'node:crypto'

/** 256 random bits, URL-safe: session ids, CSRF tokens, setup and invitation links. */
export function randomToken(): string {
  return crypto.randomBytes(32).toString('base64url')
}

/**
 * What the database keeps of a token. The tokens carry 256 random bits, so a plain SHA-256 is
 * enough: nobody can guess a token back from its hash.
 */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex')
}

/** Compares two tokens in constant time; different lengths are simply unequal. */
export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && crypto.timingSafeEqual(left, right)
}
