import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope } from '../webhook-schemas.js'
import { webhookView } from '../webhook-view.js'

/** GET /v1/account/settings/webhooks: the organization's org-level webhooks. */
export function listWebhooksRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/account/settings/webhooks',
    webhookRoute('List org-level webhooks', ORG_TAG, { response: { 200: Envelope } }),
    async (request) => {
      const webhooks = await services.webhooks.list(request.caller.orgId)
      return envelope({ webhooks: webhooks.map(webhookView) })
    },
  )
}
