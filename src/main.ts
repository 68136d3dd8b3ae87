#!/usr/bin/env node
import { Command } from 'commander'

import { credentialsCommands } from './cli/credentials-commands.js'
import { otherCommands } from './cli/other-commands.js'
import { printError } from './cli/output.js'
import { loadConfig, type Config } from './config.js'
import { QuireError } from './errors.js'

let config: Config | undefined
const getConfig = (): Config => (config ??= loadConfig())

const program = new Command()
  .name('quire')
  .description('Quire: a self-hostable document-analysis API for lenders')
  .showHelpAfterError()

program
  .command('serve')
  .description('run the HTTP server')
  // Loaded on demand: the HTTP stack (and the API reference bundle) slows every other command.
  .action(async () => (await import('./cli/serve.js')).serve(getConfig()))

credentialsCommands(program, getConfig)
otherCommands(program, getConfig)

program.parseAsync(process.argv).catch((error: unknown) => {
  // Known errors say what to fix; anything else is a bug and keeps its stack.
  if (error instanceof QuireError || error instanceof TypeError) printError(error.message)
  else printError(error instanceof Error ? (error.stack ?? error.message) : String(error))
  process.exitCode = 1
})
