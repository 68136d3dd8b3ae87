import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

import type { Services } from '../services.js'
import { accountWebhookDetailsRoute } from './routes/account-webhook-details.js'
import { createWebhookRoute } from './routes/create-webhook.js'
import { deleteWebhookRoute } from './routes/delete-webhook.js'
import { getWebhookRoute } from './routes/get-webhook.js'
import { listWebhooksRoute } from './routes/list-webhooks.js'
import { registerAccountWebhookRoute } from './routes/register-account-webhook.js'
import { rotateAccountWebhookSecretRoute } from './routes/rotate-account-webhook-secret.js'
import { rotateWebhookSecretRoute } from './routes/rotate-webhook-secret.js'
import { testAccountWebhookRoute } from './routes/test-account-webhook.js'
import { testWebhookRoute } from './routes/test-webhook.js'
import { updateWebhookRoute } from './routes/update-webhook.js'
import { webhookDeliveriesRoute } from './routes/webhook-deliveries.js'
import { webhookEventsRoute } from './routes/webhook-events.js'

const ROUTES = [
  createWebhookRoute,
  listWebhooksRoute,
  getWebhookRoute,
  updateWebhookRoute,
  deleteWebhookRoute,
  webhookEventsRoute,
  testWebhookRoute,
  rotateWebhookSecretRoute,
  webhookDeliveriesRoute,
  registerAccountWebhookRoute,
  accountWebhookDetailsRoute,
  testAccountWebhookRoute,
  rotateAccountWebhookSecretRoute,
]

/** The webhook settings endpoints of reference §8.1, org-level and account-level. */
export async function webhooksPlugin(app: FastifyInstance, services: Services): Promise<void> {
  // The legacy registration takes multipart; an enclosing scope may already read it.
  if (!app.hasContentTypeParser('multipart/form-data')) await app.register(multipart)

  for (const route of ROUTES) route(app, services)
}
