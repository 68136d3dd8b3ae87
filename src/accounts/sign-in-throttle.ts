import type { Redis } from 'ioredis'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'

import { DashboardError } from '../dashboard/dashboard-errors.js'
import { createLimiter, retryAfterSeconds } from '../http/limiter.js'

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

  /** Throws too_many_attempts, with Retry-After, once either count is used up. */
  async check(email: string, address: string): Promise<void> {
    const [account, ip] = await Promise.all([
      this.byAccount.get(email),
      this.byAddress.get(address),
    ])
    const blocked =
      account !== null && account.consumedPoints >= this.limits.perAccount
        ? account
        : ip !== null && ip.consumedPoints >= this.limits.perAddress
          ? ip
          : undefined
    if (blocked === undefined) return

    const seconds = retryAfterSeconds(blocked)
    throw new DashboardError('too_many_attempts', undefined, {
      detail: blocked === account ? 'email locked out' : 'address locked out',
      headers: { 'retry-after': String(seconds) },
    })
  }

  async recordFailure(email: string, address: string): Promise<void> {
    await Promise.all([this.byAccount.penalty(email), this.byAddress.penalty(address)])
  }

  async recordSuccess(email: string): Promise<void> {
    await this.byAccount.delete(email)
  }
}
