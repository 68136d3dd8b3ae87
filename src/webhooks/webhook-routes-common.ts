import type { FastifyRequest, FastifySchema, FastifySchemaValidationError } from 'fastify'

import { ApiError } from '../http/api-errors.js'

export const ORG_TAG = 'Webhooks'
export const ACCOUNT_TAG = 'Webhooks (account-level, legacy)'

/**
 * The options every webhook route shares: the `webhooks:manage` scope, the route's schema, and
 * body errors answered as 1806 "One of the input is invalid", which is how Ocrolus refuses a
 * webhook setting (reference §8.1); query and path errors stay 1003.
 */
export function webhookRoute(summary: string, tag: string, schema: FastifySchema) {
  return {
    config: { scope: 'webhooks:manage' as const, bodyErrorCode: 1806 as const },
    schemaErrorFormatter: inputInvalid,
    schema: { summary, tags: [tag], ...schema },
  }
}

/**
 * A preValidation hook for a body field that must arrive as a JSON string: schema validation
 * coerces a number to a string, which for a secret would sign with a value (a rounded large
 * number) other than the one the client holds.
 */
export function requireString(field: string) {
  return async (request: FastifyRequest): Promise<void> => {
    const body = request.body as Record<string, unknown> | undefined
    const value = body?.[field]
    if (value !== undefined && typeof value !== 'string')
      throw new ApiError(1806, `"${field}" must be a string`)
  }
}

function inputInvalid(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const first = errors[0]
  const code = dataVar === 'body' ? 1806 : 1003
  if (first === undefined) return new ApiError(code)

  const path = first.instancePath.replace(/^\//, '').replaceAll('/', '.')
  const missing = first.params?.missingProperty
  if (typeof missing === 'string') {
    return new ApiError(code, `"${path === '' ? missing : `${path}.${missing}`}" is required`)
  }
  return new ApiError(code, `"${path === '' ? dataVar : path}" ${first.message ?? 'is invalid'}`)
}
