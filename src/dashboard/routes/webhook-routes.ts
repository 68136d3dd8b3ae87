import type { FastifyInstance, FastifyRequest } from 'fastify'

import { randomToken } from '../../accounts/account-tokens.js'
import type { Services } from '../../services.js'
import { WEBHOOK_EVENTS } from '../../webhooks/webhook-events.js'
import { deliveryView, webhookView } from '../../webhooks/webhook-view.js'
import { callerOf } from '../session-auth.js'

type Body = Record<string, unknown>
type HookParams = { Params: { uuid: string }; Body: Body }

/**
 * The organization's webhooks, through the bearer API's WebhookService: the same URL checks
 * (no private addresses), limits, signing and delivery log.
 */
export function webhookRoutes(app: FastifyInstance, services: Services): void {
  const { webhooks } = services
  const orgOf = (request: FastifyRequest) => callerOf(request).session.org_id

  app.get('/webhooks', async (request) => ({
    webhooks: (await webhooks.list(orgOf(request))).map((w) => ({
      ...webhookView(w),
      has_secret: w.secret_sealed !== null,
    })),
    events: WEBHOOK_EVENTS.map(({ name, description }) => ({ name, description })),
  }))

  app.post<{ Body: Body }>('/webhooks', async (request, reply) => {
    const created = await webhooks.create(orgOf(request), webhookInput(request.body))
    return reply.code(201).send(webhookView(created))
  })

  app.patch<HookParams>('/webhooks/:uuid', async (request) => {
    const input = webhookInput(request.body)
    return webhookView(await webhooks.update(orgOf(request), request.params.uuid, input))
  })

  app.delete<HookParams>('/webhooks/:uuid', async (request, reply) => {
    await webhooks.remove(orgOf(request), request.params.uuid)
    return reply.code(204).send()
  })

  app.post<HookParams>('/webhooks/:uuid/test', async (request) => {
    const eventName = String(request.body?.event_name ?? '')
    const { deliveryUuid } = await webhooks.test(orgOf(request), request.params.uuid, eventName)
    return { delivery_uuid: deliveryUuid }
  })

  // The dashboard makes the secret, so it is strong; it is shown once, then only sealed.
  app.post<HookParams>('/webhooks/:uuid/rotate-secret', async (request, reply) => {
    const secret = randomToken()
    const found = await webhooks.rotateSecret(orgOf(request), request.params.uuid, secret)
    if (!found) await webhooks.get(orgOf(request), request.params.uuid)
    return reply.header('cache-control', 'no-store').send({ secret })
  })

  app.get<HookParams>('/webhooks/:uuid/deliveries', async (request) => {
    const page = await webhooks.deliveries(orgOf(request), request.params.uuid, {
      limit: 50,
      offset: 0,
    })
    return {
      deliveries: page.deliveries.map((d) => deliveryView(d.delivery, d.attempts)),
      total: page.total,
    }
  })
}

function webhookInput(body: Body | undefined) {
  const input = body ?? {}
  return {
    ...(typeof input.url === 'string' && { url: input.url.trim() }),
    ...(input.description !== undefined && {
      description: typeof input.description === 'string' ? input.description : null,
    }),
    ...(typeof input.is_active === 'boolean' && { isActive: input.is_active }),
    ...(Array.isArray(input.event_names) && {
      eventNames: input.event_names.filter((n): n is string => typeof n === 'string'),
    }),
  }
}
