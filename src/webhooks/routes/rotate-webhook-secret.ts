import type { FastifyInstance } from 'fastify'

import type { Services } from '../../services.js'
import { ORG_TAG, requireString, webhookRoute } from '../webhook-routes-common.js'
import {
  RotateSecretAnswer,
  RotateSecretBody,
  WebhookNotFoundAnswer,
  WebhookUuidParams,
} from '../webhook-schemas.js'

export const SECRET_ROTATED = { status: 'success', message: 'Webhook secret rotated successfully' }
export const WEBHOOK_NOT_FOUND = { error: 'Webhook not found' }

/**
 * POST /v1/account/settings/webhook/{webhook_uuid}/rotate-secret: sets the signing secret.
 * Answers bare JSON, and a bare 404, as reference §8.1 shows: not the v1 envelope.
 */
export function rotateWebhookSecretRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/account/settings/webhook/:webhook_uuid/rotate-secret',
    {
      ...webhookRoute('Set the signing secret of a webhook', ORG_TAG, {
        params: WebhookUuidParams,
        body: RotateSecretBody,
        response: { 200: RotateSecretAnswer, 404: WebhookNotFoundAnswer },
      }),
      preValidation: requireString('secret_key'),
    },
    async (request, reply) => {
      const { webhook_uuid } = request.params as WebhookUuidParams
      const { secret_key } = request.body as { secret_key: string }
      const rotated = await services.webhooks.rotateSecret(
        request.caller.orgId,
        webhook_uuid,
        secret_key,
      )
      return rotated ? SECRET_ROTATED : reply.code(404).send(WEBHOOK_NOT_FOUND)
    },
  )
}
