import type { Config } from '../config.js'
import { createCliLogger } from '../log.js'
import { createServices, type Services } from '../services.js'

/** Runs a command against the same storage as the server, then closes it. */
export async function withServices<T>(
  config: Config,
  run: (services: Services) => Promise<T>,
): Promise<T> {
  const services = await createServices(config, {
    log: createCliLogger(config.logLevel === 'info' ? 'warn' : config.logLevel),
  })
  try {
    return await run(services)
  } finally {
    await services.close()
  }
}
