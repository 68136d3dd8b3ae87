import type { FastifyInstance } from 'fastify'

import { postmanCollection, postmanEnvironment } from '../../http/postman-collection.js'
import type { Services } from '../../services.js'
import { callerOf } from '../session-auth.js'

/**
 * "Explore with Postman": where the token endpoint and the API are, how Postman must be set,
 * and the collection with an environment for one of the organization's credentials. The
 * environment holds the credential's client_id and an empty client_secret for the person to
 * fill: the secret is never stored, and never belongs in a collection that may be shared.
 */
export function postmanRoutes(app: FastifyInstance, services: Services): void {
  const baseUrl = services.config.publicUrl
  const tokenUrl = `${baseUrl}/oauth/token`

  app.get('/postman', async () => ({
    base_url: baseUrl,
    token_url: tokenUrl,
    books_url: `${baseUrl}/v1/books`,
    client_authentication: ['client_secret_basic', 'client_secret_post'],
    settings: [
      { field: 'Auth Type', value: 'OAuth 2.0' },
      { field: 'Grant type', value: 'Client Credentials' },
      { field: 'Access Token URL', value: tokenUrl },
      { field: 'Client ID', value: '{{client_id}}' },
      { field: 'Client Secret', value: '{{client_secret}}' },
      { field: 'Scope', value: '(leave blank: everything the credential allows)' },
      { field: 'Client Authentication', value: 'Send as Basic Auth header' },
    ],
  }))

  app.get('/postman/collection.json', async (_request, reply) => {
    reply.header('content-disposition', 'attachment; filename="quire.postman_collection.json"')
    return postmanCollection(baseUrl)
  })

  app.get<{ Querystring: { client_id?: string } }>(
    '/postman/environment.json',
    async (request, reply) => {
      const clientId = String(request.query.client_id ?? '')
      // Only a credential of the caller's organization; another's is "not found".
      const credential = await services.credentials.get(clientId, callerOf(request).session.org_id)
      reply.header('content-disposition', 'attachment; filename="quire.postman_environment.json"')
      return postmanEnvironment(baseUrl, credential.client_id)
    },
  )
}
