import type { FastifyInstance } from 'fastify'

import { envelope } from '../../http/api-errors.js'
import { readParams } from '../../http/request-params.js'
import type { Services } from '../../services.js'
import { readDocRef, readUpgradeType } from '../document-params.js'
import { DocRefQuery, UploadEnvelope } from '../document-schemas.js'
import { visibleStatus } from '../document-view.js'
import type { DocumentRow } from '../../db/schema.js'

const write = { config: { scope: 'documents:write' as const } }
const schema = (summary: string) => ({
  summary,
  tags: ['Documents'],
  body: DocRefQuery,
  response: { 200: UploadEnvelope },
})

function statusName(doc: DocumentRow): string {
  // Ocrolus answers removal with "Deleting", in that case (reference §6).
  return doc.status === 'DELETING' ? 'Deleting' : doc.status
}

/** Removal, cancellation and upgrade of documents (reference §6). */
export function documentCommandRoutes(app: FastifyInstance, services: Services): void {
  const { documents } = services

  for (const url of ['/v1/document/remove', '/v1/document/mixed/remove']) {
    app.post(url, { ...write, schema: schema('Remove a document') }, async (request) => {
      const kinds = url.includes('mixed') ? (['MIXED'] as const) : undefined
      const ref = readDocRef(readParams(request))
      await documents.get(request.caller.orgId, ref, kinds)
      const doc = await documents.remove(request.caller.orgId, ref)
      return envelope({
        pk: doc.pk,
        uuid: doc.uuid,
        name: doc.name,
        document_status: statusName(doc),
      })
    })
  }

  app.post(
    '/v1/document/cancel',
    { ...write, schema: schema('Cancel processing of a document') },
    async (request) => {
      const doc = await documents.cancel(request.caller.orgId, readDocRef(readParams(request)))
      return envelope(`Processing of document ${doc.uuid} was cancelled`)
    },
  )

  for (const [url, kinds] of [
    ['/v1/document/upgrade', ['UPLOADED', 'JSON']],
    ['/v1/document/mixed/upgrade', ['MIXED']],
  ] as const) {
    app.post(
      url,
      { ...write, schema: schema('Change how a document is processed') },
      async (request) => {
        const params = readParams(request)
        const doc = await documents.upgrade(
          request.caller.orgId,
          readDocRef(params),
          readUpgradeType(params),
          kinds,
        )
        return envelope({
          pk: doc.pk,
          uuid: doc.uuid,
          name: doc.name,
          document_status: visibleStatus(doc),
          book_pk: doc.book_pk,
          processing_type: doc.processing_type,
        })
      },
    )
  }
}
