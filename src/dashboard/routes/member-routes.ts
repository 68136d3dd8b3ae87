import type { FastifyInstance } from 'fastify'

import type { Services } from '../../services.js'
import { callerOf } from '../session-auth.js'

type Body = Record<string, unknown>
type UserParams = { Params: { userId: string }; Body: Body }
type InvitationParams = { Params: { invitationId: string } }

const MANAGE = { config: { right: 'manage' as const } }

/** The organization's people; changing them is for owners. */
export function memberRoutes(app: FastifyInstance, services: Services): void {
  const { members, config } = services

  app.get('/members', async (request) => {
    const orgId = callerOf(request).session.org_id
    const [list, invitations] = await Promise.all([
      members.list(orgId),
      members.pendingInvitations(orgId),
    ])
    return { members: list, invitations }
  })

  app.post<{ Body: Body }>('/members', MANAGE, async (request, reply) => {
    const body = request.body ?? {}
    const member = await members.add(callerOf(request).session.org_id, {
      email: body.email,
      name: body.name,
      role: body.role,
      password: body.password,
    })
    return reply.code(201).send(member)
  })

  app.post<{ Body: Body }>('/invitations', MANAGE, async (request, reply) => {
    const caller = callerOf(request)
    const body = request.body ?? {}
    const { token, ...invitation } = await members.invite(
      caller.session.org_id,
      { email: body.email, role: body.role },
      caller.user.id,
    )
    // The token travels in the fragment, which browsers never send to a server or a Referer.
    const link = `${config.publicUrl}/dashboard/invite#token=${token}`
    return reply.code(201).send({ ...invitation, link })
  })

  app.delete<InvitationParams>('/invitations/:invitationId', MANAGE, async (request, reply) => {
    await members.withdraw(callerOf(request).session.org_id, request.params.invitationId)
    return reply.code(204).send()
  })

  app.patch<UserParams>('/members/:userId', MANAGE, async (request) => {
    const orgId = callerOf(request).session.org_id
    return members.changeRole(orgId, request.params.userId, (request.body ?? {}).role)
  })

  app.delete<UserParams>('/members/:userId', MANAGE, async (request, reply) => {
    await members.remove(callerOf(request).session.org_id, request.params.userId)
    return reply.code(204).send()
  })
}
