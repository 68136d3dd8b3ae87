import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

import { QuireError, ValidationError, ConflictError, NotFoundError } from '../errors.js'
import { ApiError, type ApiErrorCode } from '../http/api-errors.js'
import { logEvents } from '../log.js'
import { DashboardError, type DashboardErrorCode } from './dashboard-errors.js'

/**
 * The dashboard reuses the bearer API's services, so their errors arrive here too; each gets a
 * dashboard code and a sentence a person understands.
 */
const FROM_API: Partial<Record<ApiErrorCode, [DashboardErrorCode, string?]>> = {
  1105: ['too_large'],
  1401: ['not_found', 'That book does not exist, or was deleted.'],
  1402: ['conflict', 'A book with this name already exists. Choose another name.'],
  1501: ['not_found', 'That document does not exist, or was removed.'],
  1801: ['not_found', 'That webhook does not exist, or was deleted.'],
  1802: ['conflict', 'An organization has at most 5 webhooks. Delete one first.'],
  6001: ['invalid_input', '"form_type" is not a document type Quire knows.'],
  8001: ['invalid_input', 'Upload one file at a time.'],
  8002: ['conflict', 'This book is full: it holds as many documents or pages as allowed.'],
}

/** Maps every failure on /dashboard/api to `{"error": code, "message": sentence}`. */
export function dashboardErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const mapped = toDashboardError(error)
  if (mapped.code === 'too_many_attempts')
    logEvents.signInThrottled(request.log, { reason: mapped.detail ?? 'locked out' })
  else logEvents.requestFailed(request.log, mapped.status >= 500 ? error : mapped, mapped.status)

  reply.headers(mapped.headers)
  return reply.code(mapped.status).send({ error: mapped.code, message: mapped.message })
}

function toDashboardError(error: FastifyError | Error): DashboardError {
  if (error instanceof DashboardError) return error
  if (error instanceof ApiError) return fromApiError(error)
  if (error instanceof ValidationError) return new DashboardError('invalid_input', error.message)
  if (error instanceof NotFoundError) return new DashboardError('not_found')
  if (error instanceof ConflictError) return new DashboardError('conflict', error.message)
  if (error instanceof QuireError && error.status < 500)
    return new DashboardError('invalid_input', error.message)
  return fromFastifyError(error as FastifyError)
}

function fromApiError(error: ApiError): DashboardError {
  const known = FROM_API[error.code]
  if (known !== undefined) return new DashboardError(known[0], known[1], { detail: error.message })
  if (error.status < 500) return new DashboardError('invalid_input', error.message)
  return new DashboardError('server_error', undefined, { detail: error.detail })
}

function fromFastifyError(error: FastifyError): DashboardError {
  if (
    error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  )
    return new DashboardError('invalid_input', 'The request body is not valid JSON.')
  if (error.statusCode === 413) return new DashboardError('too_large')
  if (error.statusCode === 415) return new DashboardError('unsupported_media_type')
  if (error.validation !== undefined) {
    const first = error.validation[0]
    const field =
      first?.instancePath.replace(/^\//, '') || String(first?.params?.missingProperty ?? '')
    return new DashboardError('invalid_input', field === '' ? undefined : `"${field}" is not valid`)
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return new DashboardError('invalid_input', error.message)
  return new DashboardError('server_error', undefined, { detail: error.message })
}
