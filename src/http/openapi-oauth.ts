/**
 * The OAuth endpoints in OpenAPI terms. Their routes carry no request schemas, so that every
 * malformed request gets the error body its RFC prescribes rather than a validation error;
 * they are described here by hand instead.
 */
export function oauthPaths() {
  return {
    '/oauth/token': { post: tokenOperation() },
    '/oauth/introspect': { post: introspectOperation() },
    '/oauth/revoke': { post: revokeOperation() },
    '/.well-known/oauth-authorization-server': { get: metadataOperation() },
    '/.well-known/jwks.json': { get: jwksOperation() },
  }
}

const oauthError = {
  type: 'object',
  properties: { error: { type: 'string' }, error_description: { type: 'string' } },
}

const strings = { type: 'array', items: { type: 'string' } }

const clientFields = {
  client_id: {
    type: 'string',
    description: 'With client_secret, instead of HTTP Basic authentication',
  },
  client_secret: { type: 'string' },
}

/** A form or JSON body of these fields; Basic authentication may carry the client's instead. */
function formBody(required: string[], properties: Record<string, object>) {
  const schema = { type: 'object', required, properties: { ...properties, ...clientFields } }
  return {
    required: true,
    content: {
      'application/x-www-form-urlencoded': { schema },
      'application/json': { schema },
    },
  }
}

function json(description: string, schema: object) {
  return { description, content: { 'application/json': { schema } } }
}

/** Client authentication by HTTP Basic or by body fields (RFC 6749 §2.3.1). */
const clientAuthFailures = {
  '400': json('A malformed request (invalid_request)', oauthError),
  '401': json('Client authentication failed (invalid_client)', oauthError),
  '429': json('Too many failed authentications; see Retry-After', oauthError),
}

function tokenOperation() {
  return {
    tags: ['OAuth'],
    summary: 'Get an access token (client credentials grant, RFC 6749 §4.4)',
    security: [],
    requestBody: formBody(['grant_type'], {
      grant_type: { type: 'string', enum: ['client_credentials'] },
      scope: {
        type: 'string',
        description: 'Space-separated; blank for all the credential allows',
      },
      audience: { type: 'string', description: 'Optional; must name this API' },
    }),
    responses: {
      '200': json('An access token', {
        type: 'object',
        properties: {
          access_token: { type: 'string' },
          token_type: { type: 'string', enum: ['Bearer'] },
          expires_in: { type: 'integer' },
          scope: { type: 'string' },
        },
      }),
      ...clientAuthFailures,
    },
  }
}

function introspectOperation() {
  return {
    tags: ['OAuth'],
    summary: 'Ask whether a token is active (RFC 7662)',
    description:
      'A token of another organization, or one expired or revoked, is reported as `{"active": false}`.',
    security: [],
    requestBody: formBody(['token'], {
      token: { type: 'string' },
      token_type_hint: { type: 'string', description: 'Ignored (RFC 7662 §2.1)' },
    }),
    responses: {
      '200': json('Whether the token is active, and if so its claims', {
        type: 'object',
        required: ['active'],
        properties: {
          active: { type: 'boolean' },
          token_type: { type: 'string' },
          scope: { type: 'string' },
          client_id: { type: 'string' },
          org_id: { type: 'string', description: "The credential's organization" },
          sub: { type: 'string' },
          iss: { type: 'string' },
          aud: { type: 'string' },
          exp: { type: 'integer' },
          iat: { type: 'integer' },
          jti: { type: 'string' },
        },
      }),
      ...clientAuthFailures,
    },
  }
}

function revokeOperation() {
  return {
    tags: ['OAuth'],
    summary: 'Revoke an access token (RFC 7009)',
    description: 'Answers 200 for an unknown or already revoked token too (RFC 7009 §2.2).',
    security: [],
    requestBody: formBody(['token'], {
      token: { type: 'string' },
      token_type_hint: { type: 'string', description: 'Ignored (RFC 7009 §2.1)' },
    }),
    responses: {
      '200': { description: 'The token is revoked, or was never valid' },
      ...clientAuthFailures,
    },
  }
}

function metadataOperation() {
  return {
    tags: ['OAuth'],
    summary: 'Authorization server metadata (RFC 8414)',
    security: [],
    responses: {
      '200': json('Where the endpoints are, and what they support', {
        type: 'object',
        properties: {
          issuer: { type: 'string' },
          token_endpoint: { type: 'string' },
          jwks_uri: { type: 'string' },
          introspection_endpoint: { type: 'string' },
          revocation_endpoint: { type: 'string' },
          grant_types_supported: strings,
          response_types_supported: { ...strings, description: 'Empty: no authorization endpoint' },
          token_endpoint_auth_methods_supported: strings,
          introspection_endpoint_auth_methods_supported: strings,
          revocation_endpoint_auth_methods_supported: strings,
          scopes_supported: strings,
          service_documentation: { type: 'string' },
          access_token_signing_alg_values_supported: strings,
        },
      }),
    },
  }
}

function jwksOperation() {
  return {
    tags: ['OAuth'],
    summary: 'The public keys that verify access tokens (RFC 7517)',
    security: [],
    responses: {
      '200': json('A JWK set', {
        type: 'object',
        properties: { keys: { type: 'array', items: { type: 'object' } } },
      }),
    },
  }
}
