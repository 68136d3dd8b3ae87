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
 * Counts failed client authentications, per client_id from one address and per address. A
 * client_id is no secret (it is `sub` in every token), so failures from anywhere must not lock
 * its owner out; and its secret has 256 random bits, so guessing it from many addresses is
 * hopeless anyway. The pair limit stops one caller hammering one client_id; the far higher
 * per-address limit stops guessing spread across many client_ids. Successful authentications
 * count for nothing.
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
      clientId === undefined ? null : this.byClient.get(pairKey(clientId, address)),
      this.byAddress.get(address),
    ])

    if (client !== null && client.consumedPoints >= this.limits.perClient) {
      throw new TooManyAttempts(retryAfterSeconds(client), 'client_id locked out at this address')
    }
    if (ip !== null && ip.consumedPoints >= this.limits.perAddress) {
      throw new TooManyAttempts(retryAfterSeconds(ip), 'address locked out')
    }
  }

  async recordFailure(clientId: string | undefined, address: string): Promise<void> {
    await Promise.all([
      clientId === undefined ? undefined : this.byClient.penalty(pairKey(clientId, address)),
      this.byAddress.penalty(address),
    ])
  }
}

/** An address holds no space, so keys of different pairs never collide, whatever the client_id. */
function pairKey(clientId: string, address: string): string {
  return `${address} ${clientId}`
}
