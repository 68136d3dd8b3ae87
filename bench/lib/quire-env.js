/**
 * The environment of a benchmarked `quire serve`: this process's, without any Quire setting that
 * would change what is measured, on 127.0.0.1, with the limits that would answer 429 raised.
 */
export function quireEnv(extra) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !name.startsWith('QUIRE_') && name !== 'DATABASE_URL' && name !== 'REDIS_URL',
    ),
  )
  return {
    ...env,
    HOST: '127.0.0.1',
    QUIRE_RATE_LIMIT: '1000000',
    QUIRE_AUTH_FAILURES_PER_CLIENT: '1000000',
    QUIRE_AUTH_FAILURES_PER_ADDRESS: '1000000',
    // The production default; BENCH_QUIRE_LOG_LEVEL=warn shows what request logging costs.
    QUIRE_LOG_LEVEL: process.env.BENCH_QUIRE_LOG_LEVEL || 'info',
    ...extra,
  }
}
