import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'

import { readBookRef } from '../../books/book-params.js'
import { msgErrorHandler } from '../../http/api-error-handler.js'
import { ApiError, envelope } from '../../http/api-errors.js'
import { readString } from '../../http/param-readers.js'
import type { Params } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { ocrolusTime } from '../../books/book-view.js'
import type { DocumentRow } from '../../db/schema.js'
import { UploadEnvelope } from '../document-schemas.js'
import {
  AGGREGATE_SOURCES,
  UPLOAD_INTENTS,
  type AggregateSource,
  type UploadIntent,
} from '../json-upload-service.js'
import { readJsonUpload } from '../read-json-upload.js'
import { cleanFileName } from '../read-upload.js'

const Query = Type.Object(
  {
    upload_intent: Type.Optional(
      Type.String({ description: 'add_analytics (default) or docs_to_digital' }),
    ),
    aggregate_source: Type.Optional(
      Type.String({ description: 'PLAID (default) or FINICITY, case-sensitive' }),
    ),
    pk: Type.Optional(Type.String({ description: 'The Book pk' })),
    uuid: Type.Optional(Type.String({ description: 'The Book uuid' })),
  },
  { additionalProperties: true },
)

/**
 * POST /v1/book/upload/json: Plaid or Finicity data into a book (reference §5). Its errors
 * are `{"status":400,"msg":"…"}`, as Ocrolus answers this route, not the usual envelope.
 */
export function uploadJsonRoute(app: FastifyInstance, services: Services): void {
  app.post(
    '/v1/book/upload/json',
    {
      config: { scope: 'documents:write' },
      errorHandler: msgErrorHandler,
      schema: {
        summary: 'Upload Plaid or Finicity JSON',
        tags: ['Documents'],
        consumes: ['multipart/form-data'],
        querystring: Query,
        description:
          "multipart/form-data with `pk` or `uuid` and optional `doc_name`. PLAID: the answer of Plaid's `/transactions/get` or `/asset_report/get` under `upload` (several files make several documents). FINICITY: `accounts`, `transactions` (may repeat), `customers` and `institutions`, as files or fields, combined into one document. Errors are `{status, msg}`; a file that is not JSON, not the data claimed, or already in the book is answered with HTTP 200 and an inner `status` 400.",
        response: { 200: UploadEnvelope },
      },
    },
    async (request) => {
      const query = request.query as Params
      const source = readChoice(query, 'aggregate_source', AGGREGATE_SOURCES, 'PLAID')
      const intent = readChoice(query, 'upload_intent', UPLOAD_INTENTS, 'add_analytics')
      const { fields, parts } = await readJsonUpload(request, services.config.jsonUploadMaxBytes)

      const book = await services.books.get(
        request.caller.orgId,
        readBookRef({ ...query, ...fields }),
      )
      const docName = fields.doc_name === undefined ? undefined : cleanFileName(fields.doc_name)
      const outcome = await services.jsonUploads.accept({
        orgId: request.caller.orgId,
        book,
        source: source as AggregateSource,
        intent: intent as UploadIntent,
        docName,
        parts,
      })

      const uploaded_docs = outcome.documents.map(jsonUploadedView)
      if (outcome.errors.length === 0) return envelope({ uploaded_docs })
      return envelope({ status: 400, message: joined(outcome.errors), uploaded_docs })
    },
  )
}

/** Exact, case-sensitive values, as Ocrolus checks them. */
function readChoice(
  params: Params,
  name: string,
  allowed: readonly string[],
  fallback: string,
): string {
  const value = readString(params, name) ?? fallback
  if (!allowed.includes(value))
    throw new ApiError(1003, `Invalid ${name}. Allowed values: ${allowed.join(', ')}`)
  return value
}

/** An item of `uploaded_docs` of a JSON upload: no page count, data has none. */
function jsonUploadedView(doc: DocumentRow) {
  return {
    pk: doc.pk,
    id: doc.pk,
    uuid: doc.uuid,
    name: doc.name,
    checksum: doc.md5,
    created_ts: ocrolusTime(doc.created_at),
  }
}

/** One error as it is; several each on its line, as Ocrolus lists them. */
function joined(errors: string[]): string {
  if (errors.length === 1) return errors[0] as string
  return errors.map((e) => (e.endsWith('\n') ? e : `${e}\n`)).join(' ')
}
