import type { SwaggerOptions } from '@fastify/swagger'
import type { FastifySchema } from 'fastify'

import type { Config } from '../config.js'
import { SCOPES } from '../oauth/scopes.js'
import { oauthPaths } from './openapi-oauth.js'

const SCOPE_TEXT: Record<(typeof SCOPES)[number], string> = {
  'books:read': 'Read Books',
  'books:write': 'Create, change and remove Books',
  'documents:read': 'Read documents',
  'documents:write': 'Upload and remove documents',
  'analytics:read': 'Read analytics',
  'webhooks:manage': 'Manage webhooks',
}

/** OpenAPI 3.1 generated from the route schemas, plus the OAuth endpoints documented by hand. */
export function openApiOptions(config: Config): SwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Quire API',
        version: '1.0.0',
        description: 'Document analysis for lenders, wire-compatible with the Ocrolus API.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          oauth2: {
            type: 'oauth2',
            flows: {
              clientCredentials: {
                tokenUrl: `${config.publicUrl}/oauth/token`,
                scopes: SCOPE_TEXT,
              },
            },
          },
        },
      },
      security: [{ oauth2: [] }],
    },
    transform: ({ schema, url, route }) => ({ schema: withSecurity(schema, route.config), url }),
    transformObject: (documentObject) => {
      const document = (documentObject as { openapiObject: { paths?: object } }).openapiObject
      return { ...document, paths: { ...oauthPaths(), ...(document.paths ?? {}) } } as never
    },
  }
}

const envelopeError = {
  type: 'object',
  properties: {
    status: { type: 'integer' },
    code: { type: 'integer' },
    message: { type: 'string' },
    response: { type: 'null' },
  },
}

/**
 * A bearer route documents the scope its token needs, and the answers every such route can
 * give besides its own: 401 (code 1200 or 1202), 403 (2100) and 429.
 */
function withSecurity(schema: FastifySchema, config: unknown): FastifySchema {
  const scope = (config as { scope?: string } | undefined)?.scope
  if (scope === undefined || schema === undefined) return schema

  const failure = (description: string) => ({
    description,
    content: { 'application/json': { schema: envelopeError } },
  })
  return {
    ...schema,
    security: [{ oauth2: [scope] }],
    response: {
      ...(schema.response as object | undefined),
      '401': failure('A missing, malformed, expired, revoked or foreign token (1200, 1202)'),
      '403': failure(`The token lacks the scope ${scope} (2100)`),
      '429': failure("Over the organization's request rate"),
    },
  } as FastifySchema
}
