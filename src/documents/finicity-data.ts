import { isObject } from './plaid-data.js'

/**
 * A Finicity bundle: the answers of Finicity's accounts, transactions (possibly several pages),
 * customers and institutions calls, from one data pull. Each part may be the list itself or
 * Finicity's answer object around it. Identifiers across parts must resolve: a transaction's
 * `accountId` names a listed account, an account's `customerId` and `institutionId` a listed
 * customer and institution.
 */
export const FINICITY_PARTS = ['accounts', 'transactions', 'customers', 'institutions'] as const
export type FinicityPart = (typeof FINICITY_PARTS)[number]

/** What Quire stores for a Finicity upload: one document of the combined lists. */
export type FinicityBundle = { aggregate_source: 'FINICITY' } & Record<FinicityPart, unknown[]>

/** The part whose content is not what it should be, or the combined bundle. */
export type FinicityCheck = { ok: true; bundle: FinicityBundle } | { ok: false; part: FinicityPart }

/** Combines the parsed uploads of each part (a part may come several times) and checks them. */
export function finicityBundle(parts: Record<FinicityPart, unknown[]>): FinicityCheck {
  const lists = {} as Record<FinicityPart, unknown[]>
  for (const part of FINICITY_PARTS) {
    const items = parts[part].map((value) => listOf(part, value))
    if (items.some((list) => list === undefined)) return { ok: false, part }
    lists[part] = items.flat() as unknown[]
  }
  const broken = brokenPart(lists)
  if (broken !== undefined) return { ok: false, part: broken }
  return { ok: true, bundle: { aggregate_source: 'FINICITY', ...lists } }
}

/** Checks a stored bundle again, as the pipeline reads it back. */
export function isFinicityBundle(data: unknown): boolean {
  if (!isObject(data) || data.aggregate_source !== 'FINICITY') return false
  if (!FINICITY_PARTS.every((part) => Array.isArray(data[part]))) return false
  return brokenPart(data as FinicityBundle) === undefined
}

const WRAPPERS: Record<FinicityPart, string[]> = {
  accounts: ['accounts'],
  transactions: ['transactions'],
  customers: ['customers', 'customer'],
  institutions: ['institutions', 'institution'],
}

/** The list in one upload of a part: the list, its answer object, or a single record. */
function listOf(part: FinicityPart, value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value
  if (!isObject(value)) return undefined
  for (const key of WRAPPERS[part]) {
    const inner = value[key]
    if (Array.isArray(inner)) return inner
    if (isObject(inner)) return [inner]
  }
  return part === 'customers' || part === 'institutions' ? [value] : undefined
}

function brokenPart(lists: Record<FinicityPart, unknown[]>): FinicityPart | undefined {
  const customers = idsOf(lists.customers)
  const institutions = idsOf(lists.institutions)
  const accounts = idsOf(lists.accounts)
  if (customers === undefined) return 'customers'
  if (institutions === undefined) return 'institutions'
  if (accounts === undefined || accounts.size === 0) return 'accounts'

  const accountsResolve = lists.accounts.every(
    (a) =>
      isObject(a) && refersTo(a.customerId, customers) && refersTo(a.institutionId, institutions),
  )
  if (!accountsResolve) return 'accounts'

  const transactionsResolve = lists.transactions.every(
    (t) =>
      isObject(t) &&
      isId(t.id) &&
      typeof t.amount === 'number' &&
      Number.isFinite(t.amount) &&
      isId(t.accountId) &&
      accounts.has(String(t.accountId)),
  )
  return transactionsResolve ? undefined : 'transactions'
}

/** Finicity writes ids as numbers in some answers and strings in others. */
function idsOf(list: unknown[]): Set<string> | undefined {
  const ids = new Set<string>()
  for (const item of list) {
    if (!isObject(item) || !isId(item.id)) return undefined
    ids.add(String(item.id))
  }
  return ids
}

/** An absent reference is no broken one; a present one must resolve. */
function refersTo(value: unknown, ids: Set<string>): boolean {
  return value === undefined || value === null || (isId(value) && ids.has(String(value)))
}

function isId(value: unknown): value is string | number {
  return (typeof value === 'string' && value !== '') || Number.isSafeInteger(value)
}
