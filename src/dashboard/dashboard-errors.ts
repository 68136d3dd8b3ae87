import { QuireError } from '../errors.js'

/**
 * Every error code of the dashboard API (`/dashboard/api`), with its status and the sentence a
 * person reads. Answers are `{"error": code, "message": sentence}`; the app shows the sentence.
 * docs/errors.md explains each; a test keeps the two in step. Retired codes are never reused.
 */
export const DASHBOARD_ERRORS = {
  invalid_input: { status: 400, message: 'Some of the information entered is not valid.' },
  not_signed_in: { status: 401, message: 'Your session has ended. Sign in to continue.' },
  signin_failed: { status: 401, message: 'The email or password is incorrect.' },
  csrf_failed: {
    status: 403,
    message: 'This request could not be verified. Reload the page and try again.',
  },
  forbidden: { status: 403, message: 'Your role in this organization does not allow this.' },
  not_found: { status: 404, message: 'That item does not exist, or was removed.' },
  conflict: { status: 409, message: 'That conflicts with something that already exists.' },
  email_taken: { status: 409, message: 'An account with this email address already exists.' },
  last_owner: { status: 409, message: 'An organization needs at least one owner.' },
  setup_done: { status: 409, message: 'This Quire already has an owner. Sign in instead.' },
  setup_link_invalid: {
    status: 400,
    message:
      'This setup link is not valid or has expired. Restart the server, or run "quire setup-link", to get a new one.',
  },
  invitation_invalid: {
    status: 400,
    message: 'This invitation is not valid or has expired. Ask for a new one.',
  },
  wrong_password: { status: 400, message: 'The current password is incorrect.' },
  too_large: { status: 413, message: 'The file is too large.' },
  unsupported_media_type: {
    status: 415,
    message: 'The request was sent in a format this server does not accept. Reload the page.',
  },
  too_many_attempts: {
    status: 429,
    message: 'Too many failed sign-ins. Wait a few minutes and try again.',
  },
  server_error: {
    status: 500,
    message: 'Something went wrong on the server. Try again; if it keeps happening, report it.',
  },
} as const satisfies Record<string, { status: number; message: string }>

export type DashboardErrorCode = keyof typeof DASHBOARD_ERRORS

export const RETIRED_DASHBOARD_ERROR_CODES: readonly string[] = []

/** An error answered on the dashboard API; `message` overrides the registry's sentence. */
export class DashboardError extends QuireError {
  readonly status: number
  readonly headers: Record<string, string>

  constructor(
    readonly code: DashboardErrorCode,
    message?: string,
    options: { detail?: string; headers?: Record<string, string> } = {},
  ) {
    super(message ?? DASHBOARD_ERRORS[code].message, options.detail)
    this.status = DASHBOARD_ERRORS[code].status
    this.headers = options.headers ?? {}
  }
}
