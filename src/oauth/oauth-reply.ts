import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

import { logEvents } from '../log.js'
import { OAuthError } from './errors.js'

export const REALM = 'quire'

/**
 * RFC 6749 §5.1: token answers "MUST include the HTTP Cache-Control response header field with
 * a value of no-store"; Pragma covers HTTP/1.0 caches. Errors get the same headers.
 */
export function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}

/** Answers an error as RFC 6749 §5.2 JSON; anything unexpected becomes server_error. */
export function oauthErrorHandler(
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const oauth = toOAuthError(error)
  logEvents.requestFailed(request.log, oauth.status >= 500 ? error : oauth, oauth.status)

  noStore(reply)
  // RFC 6749 §5.2: the challenge answers a client that authenticated with the Authorization
  // header. A client that sent its secret in the body gets none: a browser meeting a Basic
  // challenge would prompt its user for a password the page never asked for.
  if (oauth.status === 401 && request.headers.authorization !== undefined)
    reply.header('www-authenticate', `Basic realm="${REALM}", charset="UTF-8"`)
  if (oauth.retryAfter !== undefined) reply.header('retry-after', String(oauth.retryAfter))

  return reply.code(oauth.status).send({ error: oauth.error, error_description: oauth.message })
}

function toOAuthError(error: FastifyError | Error): OAuthError {
  if (error instanceof OAuthError) return error

  const status = (error as FastifyError).statusCode
  if (status === 413) return new OAuthError('invalid_request', 413, 'the request body is too large')
  if (status !== undefined && status >= 400 && status < 500) {
    return new OAuthError('invalid_request', 400, bodyProblem(error as FastifyError))
  }
  return new OAuthError('server_error', 500, 'the server could not handle the request')
}

function bodyProblem(error: FastifyError): string {
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return 'the body must be application/x-www-form-urlencoded or application/json'
  }
  if (error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'the JSON body is empty'
  return 'the request body could not be read'
}
