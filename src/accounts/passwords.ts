import { Algorithm, hash, verify } from '@node-rs/argon2'

import { ValidationError } from '../errors.js'

/** Long enough to resist guessing, short enough that hashing one stays cheap. */
export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 200

/** argon2id with the library's defaults (19 MiB, 2 passes): the OWASP baseline. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: Algorithm.Argon2id })
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password)
  } catch {
    // A malformed stored hash signs nobody in.
    return false
  }
}

let dummyHash: Promise<string> | undefined

/**
 * Checks a password against a hash nobody has, so a sign-in for an unknown email takes as long
 * as one for a known email and the answer's timing does not tell which addresses exist.
 */
export async function verifyNobody(password: string): Promise<false> {
  dummyHash ??= hashPassword('quire-no-such-account')
  await verifyPassword(await dummyHash, password)
  return false
}

export function checkPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || password.length < PASSWORD_MIN) {
    throw new ValidationError(`"${field}" must be at least ${PASSWORD_MIN} characters`)
  }
  if (password.length > PASSWORD_MAX) {
    throw new ValidationError(`"${field}" must be at most ${PASSWORD_MAX} characters`)
  }
  return password
}
