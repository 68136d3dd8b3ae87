import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

import { NotFoundError, QuireError, ValidationError, ConflictError } from '../errors.js'
import { logEvents } from '../log.js'
import { ApiError, errorBody, API_ERRORS } from './api-errors.js'

/**
 * Maps every failure on the bearer API to the Ocrolus error envelope. Only 4xx answers carry
 * their own message; anything else is logged and answered with a generic 1100.
 */
export const apiErrorHandler = errorHandlerWith(errorBody)

/**
 * The error body of Ocrolus's JSON upload, `{"status":400,"msg":"…"}` with no code (reference
 * §5); the same mapping and logging as every other route.
 */
export const msgErrorHandler = errorHandlerWith((status, _code, msg) => ({ status, msg }))

function errorHandlerWith(body: (status: number, code: number, message: string) => object) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const api = toApiError(error)
    logEvents.requestFailed(request.log, api.status >= 500 ? error : api, api.status)

    reply.headers(api.headers)
    return reply.code(api.status).send(body(api.status, api.code, api.message))
  }
}

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof ValidationError) return new ApiError(1003, error.message)
  if (error instanceof NotFoundError || error instanceof ConflictError)
    return new ApiError(1003, error.message)
  if (error instanceof QuireError && error.status < 500) return new ApiError(1003, error.message)

  // PostgreSQL refuses some characters in text (22021: a NUL); a backstop to the input guards.
  const sqlState = (error as { code?: unknown }).code
  if (sqlState === '22021' || sqlState === '22P05') {
    return new ApiError(1003, 'a parameter holds a character that cannot be stored')
  }

  const fastify = error as FastifyError
  if (fastify.validation !== undefined) return new ApiError(1003, validationMessage(fastify))
  if (
    fastify.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ||
    fastify.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
  ) {
    return new ApiError(1002)
  }
  if (fastify.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError(1105, 'Request body too large')
  }
  if (fastify.statusCode !== undefined && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    return new ApiError(1003, fastify.message)
  }
  return new ApiError(1100)
}

function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0]
  if (first === undefined) return API_ERRORS[1003].message

  const field = first.instancePath.replace(/^\//, '') || String(first.params?.missingProperty ?? '')
  return field === '' ? API_ERRORS[1003].message : `"${field}" ${first.message ?? 'is invalid'}`
}
