import type { Role } from '../db/schema.js'
import type { Services } from '../services.js'

export interface SessionView {
  signed_in: boolean
  setup_required: boolean
  csrf_token: string
  user: { id: string; email: string; name: string } | null
  organization: { id: string; name: string } | null
  role: Role | null
}

/** What the app needs to know about the browser's session, with its CSRF token. */
export async function sessionView(
  services: Services,
  csrfToken: string,
  signedIn?: { user: { id: string; email: string; name: string }; orgId: string; role: Role },
): Promise<SessionView> {
  if (signedIn === undefined) {
    return {
      signed_in: false,
      setup_required: !(await services.accounts.hasAccounts()),
      csrf_token: csrfToken,
      user: null,
      organization: null,
      role: null,
    }
  }

  const org = await services.organizations.get(signedIn.orgId)
  const { id, email, name } = signedIn.user
  return {
    signed_in: true,
    setup_required: false,
    csrf_token: csrfToken,
    user: { id, email, name },
    organization: { id: org.id, name: org.name },
    role: signedIn.role,
  }
}
