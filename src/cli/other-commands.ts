import fs from 'node:fs'
import path from 'node:path'

import type { Command } from 'commander'

import { setupLink, setupLinkLines } from '../accounts/setup-link.js'
import type { Config } from '../config.js'
import { openStorage } from '../db/database.js'
import { ConflictError } from '../errors.js'
import { migrateToLatest } from '../db/migrate.js'
import { postmanCollection, postmanEnvironment } from '../http/postman-collection.js'
import {
  MAX_ACTIVATION_DELAY_SECONDS,
  MIN_ACTIVATION_DELAY_SECONDS,
} from '../oauth/signing-keys.js'
import { printJson, printLines } from './output.js'
import { withServices } from './with-services.js'

/** `quire migrate`, `quire setup-link`, `quire keys rotate|list`, `quire postman export`. */
export function otherCommands(program: Command, config: () => Config): void {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const storage = openStorage(config())
      try {
        const applied = await migrateToLatest(storage)
        printLines([
          applied.length === 0 ? 'database is up to date' : `applied ${applied.join(', ')}`,
        ])
      } finally {
        await storage.db.destroy()
      }
    })

  program
    .command('setup-link')
    .description('print a new one-time link that creates the first dashboard account')
    .action(async () => {
      const link = await withServices(config(), (s) => setupLink(s.accounts, config().publicUrl))
      if (link === undefined) throw new ConflictError('a dashboard account exists already: sign in')
      printLines(setupLinkLines(link))
    })

  const keys = program.command('keys').description('manage token signing keys')
  keys
    .command('rotate')
    .description('create the next signing key: published now, signing after the activation delay')
    .option(
      '--activate-in <seconds>',
      'seconds until it signs',
      String(config().keyActivationDelaySeconds),
    )
    .option('--json', 'print JSON')
    .action(async (options: { activateIn: string; json?: boolean }) => {
      const delay = Number(options.activateIn)
      if (
        !/^\d+$/.test(options.activateIn) ||
        delay < MIN_ACTIVATION_DELAY_SECONDS ||
        delay > MAX_ACTIVATION_DELAY_SECONDS
      ) {
        throw new TypeError(
          `--activate-in must be a whole number of seconds from ${MIN_ACTIVATION_DELAY_SECONDS} ` +
            `to ${MAX_ACTIVATION_DELAY_SECONDS}: every process must publish the key before it signs`,
        )
      }

      const row = await withServices(config(), (s) => s.signingKeys.rotate(delay))
      if (options.json) printJson({ kid: row.kid, activates_at: row.activates_at })
      else printLines([`new key ${row.kid} signs from ${row.activates_at}`])
    })
  keys
    .command('list')
    .description('list signing keys')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const rows = await withServices(config(), (s) => s.signingKeys.list())
      const list = rows.map(({ kid, alg, created_at, activates_at, retires_at }) => ({
        kid,
        alg,
        created_at,
        activates_at,
        retires_at,
      }))
      if (options.json) printJson(list)
      else
        printLines(
          list.map(
            (k) =>
              `${k.kid}  ${k.alg}  activates ${k.activates_at}  retires ${k.retires_at ?? '-'}`,
          ),
        )
    })

  program
    .command('postman')
    .description('Postman files')
    .command('export')
    .description('write the Postman collection and environment')
    .option('--out <dir>', 'directory to write to', '.')
    .option('--client-id <client_id>', 'client_id to put in the environment')
    .action((options: { out: string; clientId?: string }) => {
      const baseUrl = config().publicUrl
      fs.mkdirSync(options.out, { recursive: true })
      const collection = path.join(options.out, 'quire.postman_collection.json')
      const environment = path.join(options.out, 'quire.postman_environment.json')
      fs.writeFileSync(collection, JSON.stringify(postmanCollection(baseUrl), null, 2))
      fs.writeFileSync(
        environment,
        JSON.stringify(postmanEnvironment(baseUrl, options.clientId), null, 2),
      )
      printLines([collection, environment])
    })
}
