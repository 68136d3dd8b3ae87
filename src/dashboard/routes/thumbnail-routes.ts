import fs from 'node:fs'
import path from 'node:path'

import type { FastifyInstance, FastifyRequest } from 'fastify'

import { DOCUMENT_KINDS } from '../../documents/document-values.js'
import type { Services } from '../../services.js'
import { DashboardError } from '../dashboard-errors.js'
import { callerOf } from '../session-auth.js'
import { ThumbnailRenderer } from '../thumbnails/thumbnail-renderer.js'

type PageParams = { Params: { uuid: string; docUuid: string; page: string } }

const WIDTH = 240

/** GET …/documents/:docUuid/pages/:page.png: a page thumbnail, rendered on the server once. */
export function thumbnailRoutes(app: FastifyInstance, services: Services): void {
  const { config } = services
  const renderer = new ThumbnailRenderer(path.join(config.dataDir, 'thumbnails'), {
    memoryBytes: config.inspectMemoryBytes,
    timeoutMs: config.inspectTimeoutMs,
  })

  app.get<PageParams>('/books/:uuid/documents/:docUuid/pages/:page', async (request, reply) => {
    const page = Number(/^(\d{1,5})\.png$/.exec(request.params.page)?.[1])
    const document = await documentOf(services, request)
    if (!Number.isInteger(page) || page < 1 || page > document.page_count) {
      throw new DashboardError('not_found', 'That page does not exist.')
    }

    const { outcome, file } = await renderer.thumbnail(document.uuid, page, WIDTH, async () => {
      const ref = { uuid: document.uuid }
      const { body } = await services.documents.download(document.org_id, ref, DOCUMENT_KINDS)
      const staged = await services.staging.receive(body, config.uploadMaxBytes)
      return { path: staged.path, done: () => services.staging.discard(staged) }
    })
    if (outcome === 'no_such_page')
      throw new DashboardError('not_found', 'That page does not exist.')
    if (file === undefined) {
      throw new DashboardError('invalid_input', 'This page could not be rendered.', {
        detail: 'thumbnail render failed or was too costly',
      })
    }
    return reply
      .type('image/png')
      .header('cache-control', 'private, max-age=3600')
      .send(fs.createReadStream(file))
  })
}

async function documentOf(services: Services, request: FastifyRequest<PageParams>) {
  const orgId = callerOf(request).session.org_id
  const book = await services.books.get(orgId, { uuid: request.params.uuid })
  const document = await services.documents.get(orgId, { uuid: request.params.docUuid })
  if (document.book_pk !== book.pk || document.blob_key === null) {
    throw new DashboardError('not_found')
  }
  return document
}
