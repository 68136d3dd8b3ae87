import { setupLink, setupLinkLines } from '../accounts/setup-link.js'
import { buildApp } from '../app.js'
import type { Config } from '../config.js'
import { createLogger, logEvents } from '../log.js'
import { createServices } from '../services.js'
import { printLines } from './output.js'

/** `quire serve`: migrations, keys, HTTP; stops gracefully on SIGTERM or SIGINT. */
export async function serve(config: Config): Promise<void> {
  const log = createLogger(config.logLevel)
  const services = await createServices(config, { log, background: true })
  const app = await buildApp(services)

  try {
    await app.listen({ port: config.port, host: config.host })
  } catch (error) {
    // Background work started with the services: a server that cannot serve must not go on
    // processing documents and sending webhooks unseen.
    await app.close()
    await services.close()
    throw error
  }
  logEvents.listening(app.log, {
    url: config.publicUrl,
    docs: `${config.publicUrl}/docs`,
    tokenEndpoint: `${config.publicUrl}/oauth/token`,
    storage: `${services.storage.dialect} ${services.storage.location}`,
  })
  const link = await setupLink(services.accounts, config.publicUrl)
  if (link !== undefined) printLines(setupLinkLines(link))

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    logEvents.shuttingDown(app.log, signal)
    // close() stops accepting connections and waits for in-flight requests to finish.
    await app.close()
    await services.close()
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT'))
}
