/** Every scope Quire knows; a credential is granted a subset, a token a subset of that. */
export const SCOPES = [
  'books:read',
  'books:write',
  'documents:read',
  'documents:write',
  'analytics:read',
  'webhooks:manage',
] as const

export type Scope = (typeof SCOPES)[number]

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value)
}

/** RFC 6749 §3.3: scope = scope-token *( SP scope-token ), scope-token = 1*NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/** Splits a scope string into distinct tokens, or returns undefined when it is malformed. */
export function parseScope(raw: string): string[] | undefined {
  if (raw === '') return []
  const tokens = raw.split(' ')
  if (tokens.some((token) => !SCOPE_TOKEN.test(token))) return undefined
  return [...new Set(tokens)]
}

/** Orders scopes as SCOPES lists them, so equal sets print equally. */
export function formatScope(scopes: readonly string[]): string {
  return SCOPES.filter((scope) => scopes.includes(scope)).join(' ')
}
