import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope, WebhookUuidParams } from '../webhook-schemas.js'
import { webhookEventsView } from '../webhook-view.js'

/** GET /v1/account/settings/webhook/{webhook_uuid}/events: the catalogue, subscribed marked. */
export function webhookEventsRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/account/settings/webhook/:webhook_uuid/events',
    webhookRoute('List the events of a webhook', ORG_TAG, {
      params: WebhookUuidParams,
      response: { 200: Envelope },
    }),
    async (request) => {
      const { webhook_uuid } = request.params as WebhookUuidParams
      const webhook = await services.webhooks.get(request.caller.orgId, webhook_uuid)
      return envelope(webhookEventsView(webhook))
    },
  )
}
