import crypto from 'node:crypto'

import { sampleBmp, samplePlaidTransactions } from './sample-files.js'
import { samplePdf } from './sample-pdf.js'

/**
 * The Postman v2.1 collection and environment. Credentials live only in the environment: the
 * collection refers to {{client_id}} and {{client_secret}}. Collection-level OAuth 2.0 auth
 * serves the Postman app's "Get New Access Token"; the pre-request script fetches and caches a
 * token for newman, which never fetches OAuth tokens itself.
 */

const SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json'

interface ExampleRequest {
  name: string
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  query?: Record<string, string>
  json?: Record<string, unknown>
  /** A multipart upload of the inline sample file (the PDF unless `file` says), these fields before it. */
  upload?: Record<string, string>
  file?: SampleFile
  /** HTTP statuses that count as success, when not just 200. */
  accept?: number[]
  /** Requests that are not the bearer API carry no bearer token. */
  noauth?: boolean
  /** Test-script lines run after the response, beyond the status check. */
  tests?: string[]
}

interface SampleFile {
  filename: string
  contentType: string
  content: string
}

const TOKEN_SCRIPT = `// Fetches an access token with the environment's credentials and caches it until it expires.
const baseUrl = pm.variables.get('base_url');
const clientId = pm.variables.get('client_id');
const clientSecret = pm.variables.get('client_secret');
const cached = pm.collectionVariables.get('access_token');
const expiresAt = Number(pm.collectionVariables.get('access_token_expires_at') || 0);
// Requests that inherit the collection's OAuth 2.0 auth carry no auth of their own here.
const needsToken = !pm.request.auth || pm.request.auth.type === 'oauth2';

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
    name: 'Upload a document',
    method: 'POST',
    path: '/v1/book/upload',
    upload: { book_uuid: '{{book_uuid}}' },
    tests: [
      ...ENVELOPE_OK,
      "pm.collectionVariables.set('doc_uuid', body.response.uploaded_docs[0].uuid);",
      "pm.collectionVariables.set('doc_pk', String(body.response.uploaded_docs[0].pk));",
    ],
  },
  {
    name: 'Upload a mixed document',
    method: 'POST',
    path: '/v1/book/upload/mixed',
    upload: { pk: '{{book_pk}}' },
    tests: [
      ...ENVELOPE_OK,
      "pm.collectionVariables.set('mixed_doc_uuid', body.response.mixed_uploaded_docs[0].uuid);",
    ],
  },
  {
    name: 'Upload a document of a form type (v2)',
    method: 'POST',
    path: '/v2/book/{{book_uuid}}/document/{{form_type}}',
    upload: {},
    tests: [
      ...ENVELOPE_OK,
      "pm.test('has doc_uuid', () => pm.expect(body.response.doc_uuid).to.be.a('string'));",
    ],
  },
  {
    name: 'Upload a mixed document (v2)',
    method: 'POST',
    path: '/v2/book/{{book_uuid}}/mixed-document',
    upload: {},
    tests: ENVELOPE_OK,
  },
  {
    name: 'Upload an image',
    method: 'POST',
    path: '/v1/book/upload/image',
    upload: { book_uuid: '{{book_uuid}}', return_image_pk: 'true' },
    file: { filename: 'page-1.bmp', contentType: 'image/bmp', content: sampleBmp() },
    tests: [
      ...ENVELOPE_OK,
      "pm.test('has image_pk', () => pm.expect(body.response.image_pk).to.be.a('number'));",
    ],
  },
  {
    name: 'Finish the image group',
    method: 'POST',
    path: '/v1/book/upload/image/done',
    json: { book_uuid: '{{book_uuid}}' },
    tests: [
      ...ENVELOPE_OK,
      "pm.test('has mixed_doc_uuid', () => pm.expect(body.response.mixed_doc_uuid).to.be.a('string'));",
    ],
  },
  {
    name: 'Upload Plaid JSON',
    method: 'POST',
    path: '/v1/book/upload/json',
    query: { upload_intent: 'add_analytics', aggregate_source: 'PLAID' },
    upload: { pk: '{{book_pk}}' },
    file: {
      filename: 'plaid-transactions.json',
      contentType: 'application/json',
      content: samplePlaidTransactions('{{$guid}}'),
    },
    tests: [
      ...ENVELOPE_OK,
      "pm.test('one document', () => pm.expect(body.response.uploaded_docs).to.have.length(1));",
    ],
  },
  {
    name: 'Book status with documents',
    method: 'GET',
    path: '/v1/book/status',
    query: { book_uuid: '{{book_uuid}}' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Mixed document status',
    method: 'GET',
    path: '/v1/document/mixed/status',
    query: { mixed_doc_uuid: '{{mixed_doc_uuid}}' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Download a document',
    method: 'GET',
    path: '/v2/document/download',
    query: { doc_uuid: '{{doc_uuid}}' },
    tests: [
      "pm.test('is a PDF', () => pm.expect(pm.response.headers.get('Content-Type')).to.eql('application/pdf'));",
    ],
  },
  {
    name: 'Upgrade a document',
    method: 'POST',
    path: '/v1/document/upgrade',
    json: { doc_uuid: '{{doc_uuid}}', upgrade_type: 'COMPLETE' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Upgrade a mixed document',
    method: 'POST',
    path: '/v1/document/mixed/upgrade',
    json: { mixed_doc_uuid: '{{mixed_doc_uuid}}', upgrade_type: 'COMPLETE' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Cancel a document',
    method: 'POST',
    path: '/v1/document/cancel',
    json: { doc_uuid: '{{doc_uuid}}' },
    accept: [200, 406],
  },
  {
    name: 'Remove a mixed document',
    method: 'POST',
    path: '/v1/document/mixed/remove',
    json: { mixed_doc_uuid: '{{mixed_doc_uuid}}' },
    tests: ENVELOPE_OK,
  },
  {
    name: 'Remove a document',
    method: 'POST',
    path: '/v1/document/remove',
    json: { doc_uuid: '{{doc_uuid}}' },
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
  ...webhookRequests(),
]

/**
 * The webhook settings, from creation to deletion. The receiver's host never resolves (RFC
 * 2606 `.invalid`), which a default server accepts (a name is checked again at each delivery),
 * so every request succeeds and no test delivery leaves the machine; they fail and are logged.
 */
function webhookRequests(): ExampleRequest[] {
  const hook = '/v1/account/settings/webhook/{{webhook_uuid}}'
  const secret = { secret_key: 'postman-example-secret-{{$timestamp}}' }
  const rotated = [
    "pm.test('secret rotated', () => pm.expect(pm.response.json().status).to.eql('success'));",
  ]
  const legacy = {
    webhook_endpoint: 'https://receiver.example.invalid/quire-legacy',
    event: ['BOOK_VERIFIED', 'DOC_VERIFIED'],
  }
  return [
    {
      name: 'Add a webhook',
      method: 'POST',
      path: '/v1/account/settings/webhook',
      json: {
        webhook: {
          url: 'https://receiver.example.invalid/quire?run={{$timestamp}}{{$randomInt}}',
          description: 'Postman example webhook',
          is_active: true,
        },
        event_names: ['book.verified', 'document.verification_succeeded'],
      },
      tests: [...ENVELOPE_OK, "pm.collectionVariables.set('webhook_uuid', body.response.uuid);"],
    },
    {
      name: 'List webhooks',
      method: 'GET',
      path: '/v1/account/settings/webhooks',
      tests: ENVELOPE_OK,
    },
    { name: 'Retrieve a webhook', method: 'GET', path: hook, tests: ENVELOPE_OK },
    {
      name: 'Update a webhook',
      method: 'POST',
      path: `${hook}/update`,
      json: {
        webhook: { description: 'Postman example webhook, updated' },
        event_names: ['book.verified', 'book.completed'],
      },
      tests: ENVELOPE_OK,
    },
    {
      name: 'List the events of a webhook',
      method: 'GET',
      path: `${hook}/events`,
      tests: [
        ...ENVELOPE_OK,
        'const active = body.response.events.find((event) => event.is_active);',
        "pm.collectionVariables.set('event_uuid', active.uuid);",
      ],
    },
    {
      name: 'Test a webhook',
      method: 'POST',
      path: `${hook}/test`,
      json: { event_uuid: '{{event_uuid}}' },
      tests: ENVELOPE_OK,
    },
    {
      name: 'Set a webhook secret',
      method: 'POST',
      path: `${hook}/rotate-secret`,
      json: secret,
      tests: rotated,
    },
    { name: 'Webhook deliveries', method: 'GET', path: `${hook}/deliveries`, tests: ENVELOPE_OK },
    { name: 'Delete a webhook', method: 'DELETE', path: `${hook}/delete`, tests: ENVELOPE_OK },
    {
      name: 'Register the account webhook (legacy)',
      method: 'POST',
      path: '/v1/account/settings/update/webhook_endpoint',
      json: legacy,
      tests: ENVELOPE_OK,
    },
    {
      name: 'Account webhook details (legacy)',
      method: 'GET',
      path: '/v1/account/settings/webhook_details',
      tests: ENVELOPE_OK,
    },
    {
      name: 'Set the account webhook secret (legacy)',
      method: 'POST',
      path: '/v1/account/settings/webhook/rotate-secret',
      json: secret,
      tests: rotated,
    },
    {
      name: 'Test the account webhook (legacy)',
      method: 'GET',
      path: '/v1/account/settings/test_webhook_endpoint',
      tests: [
        ...ENVELOPE_OK,
        "pm.test('reports the outcome', () => pm.expect(body.response.message).to.be.a('string'));",
      ],
    },
    {
      name: 'Deregister the account webhook (legacy)',
      method: 'POST',
      path: '/v1/account/settings/update/webhook_endpoint',
      json: { ...legacy, event: [] },
      tests: ENVELOPE_OK,
    },
  ]
}

/** The paths the collection covers, for the test that keeps it complete. */
export const COLLECTION_PATHS: readonly string[] = [
  // A Postman variable in a path ({{webhook_uuid}}) is the OpenAPI path parameter {webhook_uuid}.
  ...new Set(REQUESTS.map((r) => `${r.method} ${r.path.replace(/\{\{(\w+)\}\}/g, '{$1}')}`)),
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
      { key: 'doc_uuid', value: '' },
      { key: 'doc_pk', value: '' },
      { key: 'mixed_doc_uuid', value: '' },
      // The v2 upload's form type; paystub, bank_statement, w2 and the others of the reference.
      { key: 'form_type', value: 'paystub' },
      { key: 'webhook_uuid', value: '' },
      { key: 'event_uuid', value: '' },
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
      header: headers(request),
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

const BOUNDARY = 'quire-postman-sample'
// The comment after %%EOF makes every upload's bytes unique, so none is refused as a duplicate;
// it changes no offset of the file.
const SAMPLE_PDF = samplePdf('Quire sample document')

function headers(request: ExampleRequest) {
  if (request.upload !== undefined) {
    return [{ key: 'Content-Type', value: `multipart/form-data; boundary=${BOUNDARY}` }]
  }
  return request.json === undefined ? [] : [{ key: 'Content-Type', value: 'application/json' }]
}

const PDF_FILE: SampleFile = {
  filename: 'sample-{{$timestamp}}{{$randomInt}}.pdf',
  contentType: 'application/pdf',
  content: `${SAMPLE_PDF}% {{$guid}}`,
}

/** A multipart body written out, so the request runs with no file on disk. */
function multipartBody(fields: Record<string, string>, sample: SampleFile = PDF_FILE): string {
  const parts = Object.entries(fields).map(
    ([name, value]) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  )
  const file =
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="${sample.filename}"\r\n` +
    `Content-Type: ${sample.contentType}\r\n\r\n${sample.content}\r\n--${BOUNDARY}--\r\n`
  return parts.join('') + file
}

function body(request: ExampleRequest) {
  if (request.upload !== undefined)
    return { body: { mode: 'raw', raw: multipartBody(request.upload, request.file) } }
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
  const accepted = JSON.stringify(request.accept ?? [200])
  return [
    `pm.test('HTTP status', () => pm.expect(${accepted}).to.include(pm.response.code));`,
    ...(request.tests ?? []),
  ]
}

function stableId(seed: string): string {
  const hex = crypto.createHash('sha256').update(seed).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}
