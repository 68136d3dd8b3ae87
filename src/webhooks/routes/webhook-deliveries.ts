import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { WebhookDeliveryStatus } from '../../db/schema.js'
import type { Services } from '../../services.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { DeliveriesQuery, Envelope, WebhookUuidParams } from '../webhook-schemas.js'
import { DELIVERIES_PAGE_DEFAULT } from '../webhook-values.js'
import { deliveryView } from '../webhook-view.js'

interface Query {
  status?: WebhookDeliveryStatus
  limit?: number
  offset?: number
}

/**
 * GET /v1/account/settings/webhook/{webhook_uuid}/deliveries: Quire's own delivery log, newest
 * first, each delivery with its attempts (status or error, never the answer beyond a snippet).
 */
export function webhookDeliveriesRoute(app: FastifyInstance, services: Services): void {
  app.get(
    '/v1/account/settings/webhook/:webhook_uuid/deliveries',
    webhookRoute('List the deliveries of a webhook', ORG_TAG, {
      params: WebhookUuidParams,
      querystring: DeliveriesQuery,
      response: { 200: Envelope },
    }),
    async (request) => {
      const { webhook_uuid } = request.params as WebhookUuidParams
      const query = request.query as Query
      const limit = query.limit ?? DELIVERIES_PAGE_DEFAULT
      const offset = query.offset ?? 0

      const page = await services.webhooks.deliveries(request.caller.orgId, webhook_uuid, {
        ...(query.status !== undefined && { status: query.status }),
        limit,
        offset,
      })
      return envelope({
        deliveries: page.deliveries.map((d) => deliveryView(d.delivery, d.attempts)),
        total: page.total,
        limit,
        offset,
      })
    },
  )
}
