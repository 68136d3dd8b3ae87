import type { Redis } from 'ioredis'
import type { RateLimiterAbstract } from 'rate-limiter-flexible'

import { createLimiter, retryAfterSeconds } from '../http/limiter.js'
import { TooManyAttempts } from './errors.js'

export interface ThrottleLimits {
  perClient: number
  perAddress: number
}

const WINDOW_SECONDS = 60

/**
 * Counts failed client authentications. One client_id under attack is locked out alone, even
 * for other callers at the same address; a far higher per-address limit stops guessing spread
 * across many client_ids. Successful authentications count for nothing.
 */
export class AuthThrottle {
  private readonly byClient: RateLimiterAbstract
  private readonly byAddress: RateLimiterAbstract

  constructor(
    private readonly limits: ThrottleLimits,
    redis?: Redis,
  ) {
    this.byClient = createLimiter(
      {
        keyPrefix: 'quire:authfail:client',
        points: limits.perClient,
        durationSeconds: WINDOW_SECONDS,
      },
      redis,
    )
    this.byAddress = createLimiter(
      {
        keyPrefix: 'quire:authfail:ip',
        points: limits.perAddress,
        durationSeconds: WINDOW_SECONDS,
      },
      redis,
    )
  }

  /** Throws TooManyAttempts when the client or the address has used up its failures. */
  async check(clientId: string | undefined, address: string): Promise<void> {
    const [client, ip] = await Promise.all([
      clientId === undefined ? null : this.byClient.get(clientId),
      this.byAddress.get(address),
    ])

    if (client !== null && client.consumedPoints >= this.limits.perClient) {
      throw new TooManyAttempts(retryAfterSeconds(client), 'client_id locked out')
    }
    if (ip !== null && ip.consumedPoints >= this.limits.perAddress) {
      throw new TooManyAttempts(retryAfterSeconds(ip), 'address locked out')
    }
  }

  async recordFailure(clientId: string | undefined, address: string): Promise<void> {
    await Promise.all([
      clientId === undefined ? undefined : this.byClient.penalty(clientId),
      this.byAddress.penalty(address),
    ])
  }
}
