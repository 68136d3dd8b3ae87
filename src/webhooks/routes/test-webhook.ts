import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { ORG_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope, TestWebhookBody, WebhookUuidParams } from '../webhook-schemas.js'

/**
 * POST /v1/account/settings/webhook/{webhook_uuid}/test: queues a sample payload of one
 * subscribed event and answers with that payload; the delivery's uuid is in a header, and its
 * outcome in the delivery log.
 */
export function testWebhookRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/account/settings/webhook/:webhook_uuid/test',
    webhookRoute('Send a test payload to a webhook', ORG_TAG, {
      params: WebhookUuidParams,
      body: TestWebhookBody,
      response: { 200: Envelope },
    }),
    async (request, reply) => {
      const { webhook_uuid } = request.params as WebhookUuidParams
      const { event_uuid } = request.body as { event_uuid: string }
      const sent = await services.webhooks.test(request.caller.orgId, webhook_uuid, event_uuid)
      reply.header('x-webhook-delivery-id', sent.deliveryUuid)
      return envelope(sent.payload)
    },
  )
}
