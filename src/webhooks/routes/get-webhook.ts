import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope, WebhookUuidParams } from '../webhook-schemas.js'
import { webhookView } from '../webhook-view.js'

/** GET /v1/account/settings/webhook/{webhook_uuid}: one org-level webhook. */
export function getWebhookRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/account/settings/webhook/:webhook_uuid',
    webhookRoute('Retrieve an org-level webhook', ORG_TAG, {
      params: WebhookUuidParams,
      response: { 200: Envelope },
    }),
    async (request) => {
      const { webhook_uuid } = request.params as WebhookUuidParams
      return envelope(webhookView(await services.webhooks.get(request.caller.orgId, webhook_uuid)))
    },
  )
}
