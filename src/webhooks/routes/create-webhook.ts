import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { webhookInput } from '../webhook-params.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { CreateWebhookBody, Envelope } from '../webhook-schemas.js'
import { webhookView } from '../webhook-view.js'

/** POST /v1/account/settings/webhook: adds an org-level webhook (at most five). */
export function createWebhookRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/account/settings/webhook',
    webhookRoute('Add an org-level webhook', ORG_TAG, {
      body: CreateWebhookBody,
      response: { 200: Envelope },
    }),
    async (request) => {
      const body = request.body as CreateWebhookBody
      const webhook = await services.webhooks.create(request.caller.orgId, webhookInput(body))
      return envelope(webhookView(webhook))
    },
  )
}
