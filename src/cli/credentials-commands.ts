import type { Command } from 'commander'

import type { OrganizationService } from '../accounts/organization-service.js'
import type { Config } from '../config.js'
import type { Credential, IssuedSecret } from '../credentials/credential-service.js'
import { ValidationError } from '../errors.js'
import { printJson, printLines } from './output.js'
import { withServices } from './with-services.js'

interface JsonFlag {
  json?: boolean
}

/** `quire credentials create|list|rotate|retire-secrets|revoke`. */
export function credentialsCommands(program: Command, config: () => Config): void {
  const credentials = program
    .command('credentials')
    .description('manage API credentials (OAuth clients)')

  credentials
    .command('create')
    .description('create a credential and print its secret, once')
    .requiredOption('--name <name>', 'what the credential is for')
    .option(
      '--org <org>',
      'organization name or id (created if missing); without it, the only organization there is',
    )
    .option('--scope <scope>', 'space-separated scopes; all by default')
    .option('--expires-at <time>', 'ISO-8601 time after which it gets no new token')
    .option('--json', 'print one JSON object')
    .action(
      async (
        options: JsonFlag & { name: string; org?: string; scope?: string; expiresAt?: string },
      ) => {
        const issued = await withServices(config(), async (s) =>
          s.credentials.create({
            name: options.name,
            org: options.org ?? (await onlyOrganization(s.organizations)),
            scope: options.scope,
            expiresAt: options.expiresAt,
          }),
        )
        printIssued(issued, options.json)
      },
    )

  credentials
    .command('list')
    .description('list credentials')
    .option('--org <org>', 'only this organization')
    .option('--json', 'print JSON')
    .action(async (options: JsonFlag & { org?: string }) => {
      const list = await withServices(config(), async (s) => {
        const org = options.org === undefined ? undefined : await s.organizations.find(options.org)
        if (options.org !== undefined && org === undefined) return []
        return s.credentials.list(org?.id)
      })
      if (options.json) printJson(list)
      else printLines(list.length === 0 ? ['no credentials'] : list.map(describe))
    })

  credentials
    .command('rotate <client_id>')
    .description('add a new secret; the newest previous one stays valid until retired')
    .option('--json', 'print one JSON object')
    .action(async (clientId: string, options: JsonFlag) => {
      printIssued(await withServices(config(), (s) => s.credentials.rotate(clientId)), options.json)
    })

  credentials
    .command('retire-secrets <client_id>')
    .description('remove every secret but the newest, ending a rotation')
    .option('--json', 'print one JSON object')
    .action(async (clientId: string, options: JsonFlag) => {
      const credential = await withServices(config(), (s) =>
        s.credentials.retireOldSecrets(clientId),
      )
      if (options.json) printJson(credential)
      else printLines([describe(credential)])
    })

  credentials
    .command('revoke <client_id>')
    .description('revoke a credential: no new tokens, and issued tokens stop working')
    .option('--json', 'print one JSON object')
    .action(async (clientId: string, options: JsonFlag) => {
      const credential = await withServices(config(), (s) => s.credentials.revoke(clientId))
      if (options.json) printJson(credential)
      else printLines([`revoked ${credential.client_id}`])
    })
}

/**
 * The organization a credential goes to when none is named: the dashboard's setup creates its
 * organization under the name the owner typed, and a credential put anywhere else would never
 * show there. With no organization yet, the default one is created as before.
 */
async function onlyOrganization(organizations: OrganizationService): Promise<string | undefined> {
  const all = await organizations.list()
  if (all.length === 0) return undefined
  if (all.length === 1) return all[0]?.id

  const names = all.map((org) => JSON.stringify(org.name)).join(', ')
  throw new ValidationError(`there are several organizations (${names}): choose one with --org`)
}

function printIssued(issued: IssuedSecret, json: boolean | undefined): void {
  if (json) {
    printJson({ ...issued.credential, client_secret: issued.client_secret })
    return
  }
  printLines([
    `client_id:     ${issued.credential.client_id}`,
    `client_secret: ${issued.client_secret}`,
    `scope:         ${issued.credential.scope}`,
    '',
    'The secret is shown only now. Store it safely.',
  ])
}

function describe(c: Credential): string {
  const state = c.revoked_at !== null ? 'revoked' : `${c.secrets.length} secret(s)`
  return `${c.client_id}  ${c.name}  org=${c.org_id}  ${state}  last used ${c.last_used_at ?? 'never'}  scope="${c.scope}"`
}
