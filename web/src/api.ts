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
let sessionEnded: () => void = () => undefined

/** Who to tell when the server says the session is gone (expired, or signed out elsewhere). */
export function whenSessionEnds(listener: () => void): void {
  sessionEnded = listener
}

/** The session answer hands out the token every state-changing request must carry. */
export function setCsrfToken(token: string): void {
  csrfToken = token
}

export function csrfHeader(): Record<string, string> {
  return { 'x-csrf-token': csrfToken }
}

/** Calls the dashboard API; every failure becomes a Problem with words a person understands. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/dashboard/api${path}`, {
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
  if (response.status === 204) return undefined as T
  return readAnswer<T>(response)
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
  if (status === 401 && body.error === 'not_signed_in') sessionEnded()
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
