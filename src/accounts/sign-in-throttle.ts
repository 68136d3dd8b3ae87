import type { Redis } from 'ioredis'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'

import { DashboardError } from '../dashboard/dashboard-errors.js'
import { createLimiter, take } from '../http/limiter.js'

export interface SignInLimits {
  perAccount: number
  perAddress: number
}

/** Failures are forgiven after this long; long enough to make guessing slow. */
const WINDOW_SECONDS = 15 * 60

/**
 * Counts failed dashboard sign-ins per email address and per client address. An email under
 * attack is locked for everyone for the window; a larger per-address limit stops one address
 * from spraying guesses over many emails. A successful sign-in clears the email's count.
 */
export class SignInThrottle {
  private readonly byAccount: RateLimiterAbstract
  private readonly byAddress: RateLimiterAbstract

  constructor(
    private readonly limits: SignInLimits,
    redis?: Redis,
  ) {
    const window = { durationSeconds: WINDOW_SECONDS }
    this.byAccount = createLimiter(
      { keyPrefix: 'quire:signin:email', points: limits.perAccount, ...window },
      redis,
    )
    this.byAddress = createLimiter(
      { keyPrefix: 'quire:signin:ip', points: limits.perAddress, ...window },
      redis,
    )
  }

  /**
   * Counts an attempt before its password is checked, so attempts sent at once cannot all pass
   * a check made before any of them failed. Throws too_many_attempts, with Retry-After, once
   * either count is used up; a successful sign-in gives its points back.
   */
  async attempt(email: string, address: string): Promise<void> {
    const [account, ip] = await Promise.all([
      take(this.byAccount, email),
      take(this.byAddress, address),
    ])
    const seconds = Math.max(account, ip)
    if (seconds === 0) return

    throw new DashboardError('too_many_attempts', undefined, {
      detail: account > 0 ? 'email locked out' : 'address locked out',
      headers: { 'retry-after': String(seconds) },
    })
  }

  async recordSuccess(email: string, address: string): Promise<void> {
    await Promise.all([this.byAccount.delete(email), this.byAddress.reward(address, 1)])
  }
}
