import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope, WebhookUuidParams } from '../webhook-schemas.js'

/** DELETE /v1/account/settings/webhook/{webhook_uuid}/delete: removes the webhook. */
export function deleteWebhookRoute(app: FastifyInstance, services: Services): void {
  app.delete(
    '/v1/account/settings/webhook/:webhook_uuid/delete',
    webhookRoute('Delete an org-level webhook', ORG_TAG, {
      params: WebhookUuidParams,
      response: { 200: Envelope },
    }),
    async (request) => {
      const { webhook_uuid } = request.params as WebhookUuidParams
      await services.webhooks.remove(request.caller.orgId, webhook_uuid)
      return envelope({})
    },
  )
}
