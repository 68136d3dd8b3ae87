/**
 * Plaid data as Plaid's API returns it: the answer of `/transactions/get` (top-level `accounts`
 * and `transactions`) or of `/asset_report/get` (`report.items[].accounts[]`, each account
 * with its `transactions`). The check is structural, enough to know the file is one of these.
 */
export type PlaidKind = 'transactions' | 'asset_report'

const DATE = /^\d{4}-\d{2}-\d{2}$/

export function plaidKind(data: unknown): PlaidKind | undefined {
  if (!isObject(data)) return undefined
  if (Array.isArray(data.accounts) && Array.isArray(data.transactions)) {
    return transactionsAnswer(data.accounts, data.transactions) ? 'transactions' : undefined
  }
  if (isObject(data.report) && Array.isArray(data.report.items)) {
    return assetReport(data.report.items) ? 'asset_report' : undefined
  }
  return undefined
}

/** Every transaction belongs to one of the listed accounts. */
function transactionsAnswer(accounts: unknown[], transactions: unknown[]): boolean {
  const ids = accountIds(accounts)
  return ids !== undefined && transactions.every((t) => isTransaction(t, ids))
}

function assetReport(items: unknown[]): boolean {
  return (
    items.length > 0 &&
    items.every(
      (item) =>
        isObject(item) &&
        Array.isArray(item.accounts) &&
        item.accounts.every((account) => {
          if (!isObject(account) || typeof account.account_id !== 'string') return false
          const own = new Set([account.account_id])
          const transactions = account.transactions ?? []
          return Array.isArray(transactions) && transactions.every((t) => isTransaction(t, own))
        }),
    )
  )
}

function accountIds(accounts: unknown[]): Set<string> | undefined {
  const ids = new Set<string>()
  for (const account of accounts) {
    if (!isObject(account) || typeof account.account_id !== 'string') return undefined
    ids.add(account.account_id)
  }
  return ids
}

function isTransaction(value: unknown, accounts: Set<string>): boolean {
  return (
    isObject(value) &&
    typeof value.account_id === 'string' &&
    accounts.has(value.account_id) &&
    typeof value.amount === 'number' &&
    Number.isFinite(value.amount) &&
    typeof value.date === 'string' &&
    DATE.test(value.date)
  )
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
