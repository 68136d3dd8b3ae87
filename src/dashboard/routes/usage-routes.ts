import type { FastifyInstance } from 'fastify'

import type { Services } from '../../services.js'
import { callerOf } from '../session-auth.js'

const DAYS = 14

/** Requests per credential per day over the last two weeks, for the usage chart. */
export function usageRoutes(app: FastifyInstance, services: Services): void {
  app.get('/usage', async (request) => {
    const orgId = callerOf(request).session.org_id
    const [{ dates, rows }, credentials] = await Promise.all([
      services.usage.daily(orgId, DAYS),
      services.credentials.list(orgId),
    ])
    return {
      days: dates,
      credentials: credentials.map((c) => ({
        client_id: c.client_id,
        name: c.name,
        revoked: c.revoked_at !== null,
        requests: dates.map(
          (day) => rows.find((r) => r.client_id === c.client_id && r.day === day)?.requests ?? 0,
        ),
      })),
    }
  })
}
