import type { Redis } from 'ioredis'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'

import { DashboardError } from '../dashboard/dashboard-errors.js'
import { createLimiter, take } from '../http/limiter.js'

export interface SignInLimits {
  /** Failures of one email from one address. */
  perAccount: number
  /** Failures of one email from every address together. */
  perAccountAll: number
  /** Failures from one address, whatever the email. */
  perAddress: number
}

/** Failures are forgiven after this long; long enough to make guessing slow. */
const WINDOW_SECONDS = 15 * 60

/**
 * Counts failed password checks (sign-ins, and the current password of a password change) per
 * email at one client address, per email over all addresses, and per address. An email is
 * locked at the address that guessed, not everywhere: knowing someone's email is not enough to
 * lock them out. The much larger count over all addresses caps guessing spread over many
 * addresses, and the per-address count stops one address from spraying guesses over many emails.
 */
export class SignInThrottle {
  private readonly byPair: RateLimiterAbstract
  private readonly byAccount: RateLimiterAbstract
  private readonly byAddress: RateLimiterAbstract

  constructor(limits: SignInLimits, redis?: Redis) {
    const window = { durationSeconds: WINDOW_SECONDS }
    this.byPair = createLimiter(
      { keyPrefix: 'quire:signin:email-ip', points: limits.perAccount, ...window },
      redis,
    )
    this.byAccount = createLimiter(
      { keyPrefix: 'quire:signin:email', points: limits.perAccountAll, ...window },
      redis,
    )
    this.byAddress = createLimiter(
      { keyPrefix: 'quire:signin:ip', points: limits.perAddress, ...window },
      redis,
    )
  }

  /**
   * Counts an attempt before its password is checked, so attempts sent at once cannot all pass
   * a check made before any of them failed. Throws too_many_attempts, with Retry-After, once a
   * count is used up; a successful check gives its points back. `message` overrides the
   * sentence the person reads.
   */
  async attempt(email: string, address: string, message?: string): Promise<void> {
    const [pair, ip] = await Promise.all([
      take(this.byPair, pairKey(email, address)),
      take(this.byAddress, address),
    ])
    if (pair > 0 || ip > 0) {
      throw lockedOut(pair > 0 ? 'email locked out at this address' : 'address locked out', {
        seconds: Math.max(pair, ip),
        message,
      })
    }

    // Only attempts the narrower counts let through reach this one: an address hammering a
    // locked email must not use up the email's count for every other address.
    const account = await take(this.byAccount, email)
    if (account > 0) {
      throw lockedOut('email locked out at every address', { seconds: account, message })
    }
  }

  /** Forgets this address's failures for the email, and gives back the successful attempt. */
  async recordSuccess(email: string, address: string): Promise<void> {
    await Promise.all([
      this.byPair.delete(pairKey(email, address)),
      this.byAccount.reward(email, 1),
      this.byAddress.reward(address, 1),
    ])
  }
}

/** An address never holds a space, so the key cannot be read two ways whatever the email. */
function pairKey(email: string, address: string): string {
  return `${address} ${email}`
}

function lockedOut(detail: string, options: { seconds: number; message?: string }) {
  return new DashboardError('too_many_attempts', options.message, {
    detail,
    headers: { 'retry-after': String(options.seconds) },
  })
}
