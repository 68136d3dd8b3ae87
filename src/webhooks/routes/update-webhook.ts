import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { webhookInput } from '../webhook-params.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope, UpdateWebhookBody, WebhookUuidParams } from '../webhook-schemas.js'
import { webhookView } from '../webhook-view.js'

/** POST /v1/account/settings/webhook/{webhook_uuid}/update: changes what the body gives. */
export function updateWebhookRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/account/settings/webhook/:webhook_uuid/update',
    webhookRoute('Update an org-level webhook', ORG_TAG, {
      params: WebhookUuidParams,
      body: UpdateWebhookBody,
      response: { 200: Envelope },
    }),
    async (request) => {
      const { webhook_uuid } = request.params as WebhookUuidParams
      const input = webhookInput(request.body as UpdateWebhookBody)
      const webhook = await services.webhooks.update(request.caller.orgId, webhook_uuid, input)
      return envelope(webhookView(webhook))
    },
  )
}
