/** Time source for everything that issues or checks expiry; tests pass a frozen one. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}

export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000)
}
