import crypto from 'node:crypto'

import cors from '@fastify/cors'
import formbody from '@fastify/formbody'
import swagger from '@fastify/swagger'
import apiReference from '@scalar/fastify-api-reference'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'

import { dashboardPlugin } from './dashboard/dashboard-plugin.js'
import { API_ERRORS, errorBody } from './http/api-errors.js'
import { apiPlugin } from './http/api-plugin.js'
import { healthRoutes } from './http/health-routes.js'
import { registerMetrics } from './http/metrics.js'
import { openApiOptions } from './http/openapi.js'
import { postmanRoutes } from './http/postman-routes.js'
import { loggerOptions } from './log.js'
import { oauthPlugin } from './oauth/oauth-plugin.js'
import type { Services } from './services.js'

export interface AppOptions {
  /** Silences request logs (tests); production keeps the configured level. */
  logger?: boolean
  /** Where log lines go instead of stdout (tests read them). */
  logStream?: { write(line: string): void }
}

/** Builds the HTTP application from configuration and services; it holds no logic of its own. */
export async function buildApp(
  services: Services,
  options: AppOptions = {},
): Promise<FastifyInstance> {
  const { config } = services
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(config.logLevel, options.logStream),
    trustProxy: config.trustProxy,
    genReqId: (request) => validRequestId(request.headers['x-request-id']) ?? crypto.randomUUID(),
    requestIdHeader: false,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  })

  // Callback hooks where no await is needed: an async hook costs a promise and a tick per request.
  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.id)
    done(null, payload)
  })
  app.addHook('onResponse', (request, _reply, done) => {
    countUsage(services, request)
    done()
  })

  await app.register(formbody)
  if (config.corsOrigins.length > 0) await app.register(cors, { origin: [...config.corsOrigins] })
  await app.register(swagger, openApiOptions(config))
  await app.register(apiReference, {
    routePrefix: '/docs',
    configuration: { url: '/openapi.json', withDefaultFonts: false },
  })

  await app.register(healthRoutes, services)
  registerMetrics(app)
  await app.register(oauthPlugin, services)
  await app.register(apiPlugin, services)
  await app.register(postmanRoutes, services)
  await app.register(dashboardPlugin, services)

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  app.setNotFoundHandler(notFound)
  return app
}

/** Requests the bearer hook authenticated count towards their credential's daily usage. */
function countUsage(services: Services, request: FastifyRequest): void {
  const caller = (request as { caller?: { clientId: string; orgId: string } | null }).caller
  if (caller) services.usage.count(caller.clientId, caller.orgId)
}

function notFound(request: { url: string }, reply: import('fastify').FastifyReply) {
  if (/^\/v\d+\//.test(request.url)) {
    const { status, message } = API_ERRORS[1101]
    return reply.code(status).send(errorBody(status, 1101, message))
  }
  return reply
    .code(404)
    .send({ error: 'not_found', message: `no route for ${request.url.split('?')[0]}` })
}

/** Accepts a caller's X-Request-Id only when it is short and plain, so logs stay clean. */
function validRequestId(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : undefined
}
