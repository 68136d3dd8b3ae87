import crypto from 'node:crypto'

/**
 * The Postman v2.1 collection and environment. Credentials live only in the environment: the
 * collection refers to {{client_id}} and {{client_secret}}. Collection-level OAuth 2.0 auth
 * serves the Postman app's "Get New Access Token"; the pre-request script fetches and caches a
 * token for newman, which never fetches OAuth tokens itself.
 */

const SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'

interface ExampleRequest {
  name: string
  method: 'GET' | 'POST'
  path: string
  query?: Record<string, string>
  json?: Record<string, unknown>
  /** Requests that are not the bearer API carry no bearer token. */
  noauth?: boolean
  /** Test-script lines run after the response, beyond the status check. */
  tests?: string[]
}

const TOKEN_SCRIPT = `// Fetches an access token with the environment's credentials and caches it until it expires.
const baseUrl = pm.variables.get('base_url');
const clientId = pm.variables.get('client_id');
const clientSecret = pm.variables.get('client_secret');
const cached = pm.collectionVariables.get('access_token');
const expiresAt = Number(pm.collectionVariables.get('access_token_expires_at') || 0);
const needsToken = pm.request.auth && pm.request.auth.type !== 'noauth';

if (needsToken && !(cached && Date.now() < expiresAt - 30000)) {
  if (!clientId || !clientSecret) {
    throw new Error('set client_id and client_secret in the environment');
  }
  pm.sendRequest({
    url: baseUrl + '/oauth/token',
    method: 'POST',
    header: [
      { key: 'Authorization', value: 'Basic ' + btoa(clientId + ':' + clientSecret) },
      { key: 'Content-Type', value: 'application/x-www-form-urlencoded' },
    ],
    body: { mode: 'urlencoded', urlencoded: [{ key: 'grant_type', value: 'client_credentials' }] },
  }, function (error, response) {
    if (error) throw error;
    if (response.code !== 200) throw new Error('token request failed: HTTP ' + response.code);
    const body = response.json();
    pm.collectionVariables.set('access_token', body.access_token);
    pm.collectionVariables.set('access_token_expires_at', String(Date.now() + body.expires_in * 1000));
  });
}`

const ENVELOPE_OK = [
  'const body = pm.response.json();',
  "pm.test('envelope status is 200', () => pm.expect(body.status).to.eql(200));",
]

const REQUESTS: ExampleRequest[] = [
  {
    name: 'Get an access token',
    method: 'POST',
    path: '/oauth/token',
    noauth: true,
    tests: [
      'const body = pm.response.json();',
      "pm.test('token type is Bearer', () => pm.expect(body.token_type).to.eql('Bearer'));",
      "pm.collectionVariables.set('access_token', body.access_token);",
      "pm.collectionVariables.set('access_token_expires_at', String(Date.now() + body.expires_in * 1000));",
    ],
  },
  {
    name: 'Authorization server metadata',
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    noauth: true,
  },
  { name: 'Signing keys (JWKS)', method: 'GET', path: '/.well-known/jwks.json', noauth: true },
  {
    name: 'Create a Book',
    method: 'POST',
    path: '/v1/book/add',
    json: { name: 'Postman Book {{$timestamp}}{{$randomInt}}', book_class: 'COMPLETE' },
    tests: [
      ...ENVELOPE_OK,
      "pm.collectionVariables.set('book_uuid', body.response.uuid);",
      "pm.collectionVariables.set('book_pk', String(body.response.pk));",
    ],
  },
  { name: 'List Books', method: 'GET', path: '/v1/books', tests: ENVELOPE_OK },
  {
    name: 'List Books, one page',
    method: 'GET',
    path: '/v1/books',
    query: { limit: '10', offset: '0' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Book information',
    method: 'GET',
    path: '/v1/book/info',
    query: { book_uuid: '{{book_uuid}}' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Book status',
    method: 'GET',
    path: '/v1/book/status',
    query: { pk: '{{book_pk}}' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Update a Book',
    method: 'POST',
    path: '/v1/book/update',
    json: { book_uuid: '{{book_uuid}}', name: 'Renamed Book {{$timestamp}}{{$randomInt}}' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Remove a Book',
    method: 'POST',
    path: '/v1/book/remove',
    json: { book_uuid: '{{book_uuid}}' },
    tests: ENVELOPE_OK,
  },
]

/** The paths the collection covers, for the test that keeps it complete. */
export const COLLECTION_PATHS: readonly string[] = [
  ...new Set(REQUESTS.map((r) => `${r.method} ${r.path}`)),
]

export function postmanCollection(baseUrl: string) {
  return {
    info: {
      _postman_id: stableId(`collection ${baseUrl}`),
      name: 'Quire API',
      description: `Quire at ${baseUrl}. Import the environment too, then fill in client_secret.`,
      schema: SCHEMA,
    },
    auth: collectionAuth(),
    event: [
      { listen: 'prerequest', script: { type: 'text/javascript', exec: TOKEN_SCRIPT.split('\n') } },
    ],
    variable: [
      { key: 'access_token', value: '' },
      { key: 'access_token_expires_at', value: '0' },
      { key: 'book_uuid', value: '' },
      { key: 'book_pk', value: '' },
    ],
    item: REQUESTS.map(item),
  }
}

/** An environment for one credential; the secret is left for the user to paste. */
export function postmanEnvironment(baseUrl: string, clientId = '') {
  return {
    id: stableId(`environment ${baseUrl} ${clientId}`),
    name: 'Quire',
    values: [
      { key: 'base_url', value: baseUrl, type: 'default', enabled: true },
      { key: 'client_id', value: clientId, type: 'default', enabled: true },
      { key: 'client_secret', value: '', type: 'secret', enabled: true },
    ],
    _postman_variable_scope: 'environment',
  }
}

/** Postman's OAuth 2.0 helper: Client Credentials, Basic client authentication, scope blank. */
function collectionAuth() {
  const params: Record<string, string> = {
    grant_type: 'client_credentials',
    accessTokenUrl: '{{base_url}}/oauth/token',
    clientId: '{{client_id}}',
    clientSecret: '{{client_secret}}',
    client_authentication: 'header',
    tokenName: 'Quire',
    addTokenTo: 'header',
    headerPrefix: 'Bearer',
    accessToken: '{{access_token}}',
    tokenType: 'Bearer',
  }
  return {
    type: 'oauth2',
    oauth2: Object.entries(params).map(([key, value]) => ({ key, value, type: 'string' })),
  }
}

function item(request: ExampleRequest) {
  const query = Object.entries(request.query ?? {}).map(([key, value]) => ({ key, value }))
  const raw = `{{base_url}}${request.path}${query.length > 0 ? `?${query.map((q) => `${q.key}=${q.value}`).join('&')}` : ''}`

  return {
    name: request.name,
    request: {
      method: request.method,
      ...(request.noauth === true &&
        request.path !== '/oauth/token' && { auth: { type: 'noauth' } }),
      ...(request.path === '/oauth/token' && { auth: basicAuth() }),
      header:
        request.json === undefined ? [] : [{ key: 'Content-Type', value: 'application/json' }],
      url: { raw, host: ['{{base_url}}'], path: request.path.slice(1).split('/'), query },
      ...body(request),
    },
    event: [{ listen: 'test', script: { type: 'text/javascript', exec: testScript(request) } }],
  }
}

function basicAuth() {
  return {
    type: 'basic',
    basic: [
      { key: 'username', value: '{{client_id}}', type: 'string' },
      { key: 'password', value: '{{client_secret}}', type: 'string' },
    ],
  }
}

function body(request: ExampleRequest) {
  if (request.path === '/oauth/token') {
    return {
      body: {
        mode: 'urlencoded',
        urlencoded: [{ key: 'grant_type', value: 'client_credentials' }],
      },
    }
  }
  if (request.json === undefined) return {}
  return {
    body: {
      mode: 'raw',
      raw: JSON.stringify(request.json, null, 2),
      options: { raw: { language: 'json' } },
    },
  }
}

function testScript(request: ExampleRequest): string[] {
  return ["pm.test('HTTP 200', () => pm.response.to.have.status(200));", ...(request.tests ?? [])]
}

function stableId(seed: string): string {
  const hex = crypto.createHash('sha256').update(seed).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
