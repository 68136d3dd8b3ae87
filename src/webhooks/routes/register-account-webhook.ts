import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { readEndpoint, readEventList, readRegistration } from '../webhook-params.js'
import { ACCOUNT_TAG, webhookRoute } from '../webhook-routes-common.js'
import { Envelope, RegisterAccountWebhookBody } from '../webhook-schemas.js'
import { invalidInput } from '../webhook-url.js'
import { accountWebhookView } from '../webhook-view.js'

/**
 * POST /v1/account/settings/update/webhook_endpoint: registers this credential's webhook,
 * replacing the earlier one; an empty `event` list deregisters it (reference §8.1). Takes
 * JSON, a form, or multipart (no body schema applies to multipart; its fields are read here).
 */
export function registerAccountWebhookRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/account/settings/update/webhook_endpoint',
    webhookRoute('Register the account-level webhook', ACCOUNT_TAG, {
      body: {
        content: {
          'application/json': { schema: RegisterAccountWebhookBody },
          'application/x-www-form-urlencoded': { schema: RegisterAccountWebhookBody },
        },
      },
      response: { 200: Envelope },
    }),
    async (request) => {
      const params = await readRegistration(request)
      const events = readEventList(params)
      if (events === undefined) throw invalidInput('"event" is required; an empty list deregisters')

      const endpoint = readEndpoint(params)
      const account = { orgId: request.caller.orgId, clientId: request.caller.clientId }
      const webhook = await services.webhooks.account.register(account, endpoint, events)
      if (webhook === undefined) return envelope({ webhook_endpoint: endpoint ?? null, events: [] })
      return envelope(accountWebhookView(webhook))
    },
  )
}
