import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import type { Attempted } from '../delivery-worker.js'
import { ACCOUNT_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope } from '../webhook-schemas.js'

/**
 * GET /v1/account/settings/test_webhook_endpoint: POSTs the documented test body now and
 * reports the receiver's answer. A failure is still HTTP 200, with the reason in `message`,
 * as the account-level reference shows.
 */
export function testAccountWebhookRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/account/settings/test_webhook_endpoint',
    webhookRoute('Test the account-level webhook', ACCOUNT_TAG, { response: { 200: Envelope } }),
    async (request) => {
      const account = { orgId: request.caller.orgId, clientId: request.caller.clientId }
      return envelope(testAnswer(await services.webhooks.account.test(account)))
    },
  )
}

function testAnswer(attempted: Attempted | undefined) {
  if (attempted === undefined) return { message: 'Error: the test was cut short by a shutdown' }

  const { result } = attempted
  if (result.ok)
    return { resp_code: result.httpStatus, message: 'Success calling webhook endpoint' }
  if (result.httpStatus !== null) {
    return {
      resp_code: result.httpStatus,
      message: `Error: the webhook endpoint answered HTTP ${result.httpStatus}`,
    }
  }
  return { message: `Error: ${result.error ?? 'the webhook endpoint could not be called'}` }
}
