import type { FastifyInstance } from 'fastify'

import { postmanCollection, postmanEnvironment } from '../../http/postman-collection.js'
import type { Services } from '../../services.js'
import { callerOf } from '../session-auth.js'
import { zipFiles } from '../zip.js'

type ClientQuery = { Querystring: { client_id?: string } }

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

  // Only a credential of the caller's organization; another's is "not found".
  const environmentFor = async (request: Parameters<typeof callerOf>[0], clientId: unknown) => {
    const orgId = callerOf(request).session.org_id
    const credential = await services.credentials.get(String(clientId ?? ''), orgId)
    return postmanEnvironment(baseUrl, credential.client_id)
  }

  app.get<ClientQuery>('/postman/environment.json', async (request, reply) => {
    const environment = await environmentFor(request, request.query.client_id)
    reply.header('content-disposition', 'attachment; filename="quire.postman_environment.json"')
    return environment
  })

  // Both files behind one click: Postman imports each of them from the unpacked folder.
  app.get<ClientQuery>('/postman/bundle.zip', async (request, reply) => {
    const environment = await environmentFor(request, request.query.client_id)
    const zip = zipFiles(
      [
        { name: 'quire.postman_collection.json', content: pretty(postmanCollection(baseUrl)) },
        { name: 'quire.postman_environment.json', content: pretty(environment) },
      ],
      new Date(services.clock.now()),
    )
    return reply
      .type('application/zip')
      .header('content-disposition', 'attachment; filename="quire-postman.zip"')
      .send(zip)
  })
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}
