import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { ACCOUNT_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope } from '../webhook-schemas.js'
import { accountWebhookView } from '../webhook-view.js'

/** GET /v1/account/settings/webhook_details: this credential's registration, or none. */
export function accountWebhookDetailsRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/account/settings/webhook_details',
    webhookRoute('Get the account-level webhook', ACCOUNT_TAG, { response: { 200: Envelope } }),
    async (request) => {
      const account = { orgId: request.caller.orgId, clientId: request.caller.clientId }
      return envelope(accountWebhookView(await services.webhooks.account.find(account)))
    },
  )
}
