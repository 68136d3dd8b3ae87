import type { Redis } from 'ioredis'
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible'

export interface LimiterOptions {
  keyPrefix: string
  points: number
  durationSeconds: number
}

/**
 * A counter per key: in memory for one process, in Redis when several processes must share
 * the count.
 */
export function createLimiter(options: LimiterOptions, redis?: Redis): RateLimiterAbstract {
  const settings = {
    keyPrefix: options.keyPrefix,
    points: options.points,
    duration: options.durationSeconds,
  }
  if (redis === undefined) return new RateLimiterMemory(settings)
  return new RateLimiterRedis({
    ...settings,
    storeClient: redis,
    insuranceLimiter: new RateLimiterMemory(settings),
  })
}

/** Seconds to wait before the key has a point again (at least 1, for Retry-After). */
export function retryAfterSeconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000))
}

/** Consumes a point; resolves with the wait in seconds when the key has none left, else 0. */
export async function take(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key)
    return 0
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return retryAfterSeconds(rejection)
    throw rejection
  }
}
