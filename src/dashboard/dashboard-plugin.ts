import cookie from '@fastify/cookie'
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

import { registerInputGuards } from '../http/input-guards.js'
import type { Services } from '../services.js'
import { dashboardErrorHandler } from './dashboard-error-handler.js'
import { DashboardError } from './dashboard-errors.js'
import { accountRoutes } from './routes/account-routes.js'
import { bookRoutes } from './routes/book-routes.js'
import { credentialRoutes } from './routes/credential-routes.js'
import { memberRoutes } from './routes/member-routes.js'
import { postmanRoutes } from './routes/postman-routes.js'
import { sessionRoutes } from './routes/session-routes.js'
import { thumbnailRoutes } from './routes/thumbnail-routes.js'
import { usageRoutes } from './routes/usage-routes.js'
import { webhookRoutes } from './routes/webhook-routes.js'
import { registerSessionAuth } from './session-auth.js'
import { staticApp } from './static-app.js'

const ROUTES = [
  sessionRoutes,
  accountRoutes,
  memberRoutes,
  credentialRoutes,
  postmanRoutes,
  bookRoutes,
  webhookRoutes,
  usageRoutes,
  thumbnailRoutes,
]

/**
 * The dashboard: its JSON API under /dashboard/api, authenticated by session cookie and
 * separate from the bearer API, and the built app under /dashboard.
 */
export async function dashboardPlugin(app: FastifyInstance, services: Services): Promise<void> {
  // The dashboard's API is for the dashboard only; /openapi.json documents the public one.
  app.addHook('onRoute', (route) => {
    route.schema = { ...route.schema, hide: true }
  })

  await app.register(
    async (api) => {
      await api.register(cookie)
      // Uploads stream to staging; readUpload sets each request's limits.
      await api.register(multipart)
      // The app sends JSON or multipart only; any other body is refused with 415 before a
      // route sees it, and JSON gets the bearer API's UTF-8 and NUL checks.
      api.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded'])
      registerInputGuards(api)
      api.setErrorHandler(dashboardErrorHandler)
      registerSessionAuth(api, services)
      for (const routes of ROUTES) routes(api, services)
      // A route, not a not-found handler: the app's page paths (/dashboard/*) would otherwise
      // answer unknown API paths with the page.
      api.all('/*', async (request) => {
        throw new DashboardError('not_found', `There is no ${request.method} ${request.url}.`)
      })
    },
    { prefix: '/dashboard/api' },
  )

  await app.register(staticApp, { prefix: '/dashboard' })
}
