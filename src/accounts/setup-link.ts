import type { AccountService } from './account-service.js'

/**
 * The one-time link that creates the first account, or undefined once an account exists. The
 * token rides in the fragment, which browsers send neither to servers nor in a Referer.
 */
export async function setupLink(
  accounts: AccountService,
  publicUrl: string,
): Promise<string | undefined> {
  const token = await accounts.issueSetupToken()
  return token === undefined ? undefined : `${publicUrl}/dashboard/setup#token=${token}`
}

/** What the server and `quire setup-link` print: the link is a secret, so it is never logged. */
export function setupLinkLines(link: string): string[] {
  return [
    '',
    'No dashboard account exists yet. Open this link to create the owner account (valid 24 hours,',
    'usable once):',
    '',
    `  ${link}`,
    '',
  ]
}
