import type { FastifyInstance } from 'fastify'

import type { Services } from '../../services.js'
import { ACCOUNT_TAG, requireString, webhookRoute } from '../webhook-routes-common.js'
import { RotateSecretAnswer, RotateSecretBody, WebhookNotFoundAnswer } from '../webhook-schemas.js'
import { SECRET_ROTATED, WEBHOOK_NOT_FOUND } from './rotate-webhook-secret.js'

/** POST /v1/account/settings/webhook/rotate-secret: the account-level webhook's secret. */
export function rotateAccountWebhookSecretRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/account/settings/webhook/rotate-secret',
    {
      ...webhookRoute('Set the signing secret of the account-level webhook', ACCOUNT_TAG, {
        body: RotateSecretBody,
        response: { 200: RotateSecretAnswer, 404: WebhookNotFoundAnswer },
      }),
      preValidation: requireString('secret_key'),
    },
    async (request, reply) => {
      const { secret_key } = request.body as { secret_key: string }
      const account = { orgId: request.caller.orgId, clientId: request.caller.clientId }
      const rotated = await services.webhooks.account.rotateSecret(account, secret_key)
      return rotated ? SECRET_ROTATED : reply.code(404).send(WEBHOOK_NOT_FOUND)
    },
  )
}
