/** A failure the app can show as is: `message` is a sentence for a person. */
export class Problem extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message)
  }
}

let csrfToken = ''
/** What the server's answers say of the session the page holds. */
export type SessionSignal = 'ended' | 'changed'
let sessionSignal: (signal: SessionSignal) => void = () => undefined

/**
 * Who to tell when an answer shows the page's idea of the session is out of date: `ended` when
 * it is gone (expired, or signed out elsewhere), `changed` when the role no longer allows what
 * the page offered (an owner changed it meanwhile).
 */
export function onSessionSignal(listener: (signal: SessionSignal) => void): void {
  sessionSignal = listener
}

let signedInAs: string | null = null

/**
 * The session answer hands out the token every state-changing request must carry; `userId`
 * is whom the page believes signed in.
 */
export function setSessionKeys(token: string, userId: string | null): void {
  csrfToken = token
  signedInAs = userId
}

export function csrfHeader(): Record<string, string> {
  return { 'x-csrf-token': csrfToken }
}

/** Calls the dashboard API; every failure becomes a Problem with words a person understands. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response = await send(method, path, body)
  // Signing in (in another tab, or after a password change) hands out a new CSRF token; the
  // page fetches it and tries once more rather than asking the person to reload.
  if (
    response.status === 403 &&
    method !== 'GET' &&
    (await errorCode(response)) === 'csrf_failed' &&
    (await refreshCsrfToken())
  ) {
    response = await send(method, path, body)
  }
  if (response.status === 204) return undefined as T
  return readAnswer<T>(response)
}

async function send(method: string, path: string, body: unknown): Promise<Response> {
  try {
    return await fetch(`/dashboard/api${path}`, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...(method !== 'GET' && csrfHeader()),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    })
  } catch {
    throw new Problem(
      'Could not reach the Quire server. Check your connection and try again.',
      'network',
      0,
    )
  }
}

async function errorCode(response: Response): Promise<unknown> {
  try {
    return ((await response.clone().json()) as { error?: unknown }).error
  } catch {
    return undefined
  }
}

/**
 * Takes the current session's CSRF token; false, with no retry, when someone else signed in
 * meanwhile: a request the person made as one user must never go out as another.
 */
async function refreshCsrfToken(): Promise<boolean> {
  const session = await readAnswer<{ csrf_token: string; user: { id: string } | null }>(
    await send('GET', '/session', undefined),
  )
  if ((session.user?.id ?? null) !== signedInAs) {
    sessionSignal('changed')
    return false
  }
  csrfToken = session.csrf_token
  return true
}

export async function readAnswer<T>(response: Response): Promise<T> {
  const text = await response.text()
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (response.ok) return parsed as T
  throw problemOf(response.status, parsed)
}

export function problemOf(status: number, parsed: unknown): Problem {
  const body = (parsed ?? {}) as { error?: unknown; message?: unknown }
  if (status === 401 && body.error === 'not_signed_in') sessionSignal('ended')
  if (status === 403 && body.error === 'forbidden') sessionSignal('changed')
  if (typeof body.message === 'string' && typeof body.error === 'string') {
    return new Problem(sentence(body.message), body.error, status)
  }
  return new Problem(
    `The server could not complete this (HTTP ${status}). Try again in a moment.`,
    'unexpected',
    status,
  )
}

/** Service messages are fragments like `"name" must be …`; shown to people as sentences. */
export function sentence(message: string): string {
  const trimmed = message.trim()
  // A message that opens with a file name or a quoted field keeps it as the user wrote it.
  const opensWithName = /^\S+\.[A-Za-z0-9]{1,5}\b|^"/.test(trimmed)
  const capital = opensWithName ? trimmed : trimmed.charAt(0).toUpperCase() + trimmed.slice(1)
  return /[.!?]$/.test(capital) ? capital : `${capital}.`
}
