import fs from 'node:fs'

import type { FastifyInstance, FastifyRequest } from 'fastify'

import type { DocumentRow } from '../../db/schema.js'
import { DOCUMENT_KINDS, GONE_STATUSES } from '../../documents/document-values.js'
import { ApiError } from '../../http/api-errors.js'
import type { Services } from '../../services.js'
import { DashboardError } from '../dashboard-errors.js'
import { callerOf } from '../session-auth.js'
import { ThumbnailRenderer } from '../thumbnails/thumbnail-renderer.js'

type PageParams = { Params: { uuid: string; docUuid: string; page: string } }

const WIDTH = 240

/** GET …/documents/:docUuid/pages/:page.png: a page thumbnail, rendered on the server once. */
export function thumbnailRoutes(app: FastifyInstance, services: Services): void {
  const { config } = services
  const renderer = new ThumbnailRenderer(services.renders, {
    memoryBytes: config.inspectMemoryBytes,
    timeoutMs: config.inspectTimeoutMs,
  })

  app.get<PageParams>('/books/:uuid/documents/:docUuid/pages/:page', async (request, reply) => {
    const page = Number(/^(\d{1,5})\.png$/.exec(request.params.page)?.[1])
    const document = await documentOf(services, request)
    if (!Number.isInteger(page) || page < 1 || page > document.page_count) {
      throw new DashboardError('not_found', 'That page does not exist.')
    }

    const file = await renderPage(renderer, services, document, page)
    const png = await openLiveRender(services, document, file)
    return reply
      .type('image/png')
      .header('cache-control', 'private, max-age=3600')
      .send(png.createReadStream())
  })
}

/** The page's render, made now unless kept from before; 404 once the document is going. */
async function renderPage(
  renderer: ThumbnailRenderer,
  services: Services,
  document: DocumentRow,
  page: number,
): Promise<string> {
  const { outcome, file } = await renderer
    .thumbnail(document.uuid, page, WIDTH, () => stagedFile(services, document))
    .catch(async (error: unknown) => {
      // The file went while it was read: the document is being deleted.
      await stillLive(services, document)
      throw error
    })
  if (outcome === 'no_such_page') throw new DashboardError('not_found', 'That page does not exist.')
  if (file === undefined) {
    await stillLive(services, document)
    throw new DashboardError('invalid_input', 'This page could not be rendered.', {
      detail: 'thumbnail render failed or was too costly',
    })
  }
  return file
}

/** The stored file, copied to staging for the renderer's child to read. */
async function stagedFile(services: Services, document: DocumentRow) {
  const ref = { uuid: document.uuid }
  const { body } = await services.documents.download(document.org_id, ref, DOCUMENT_KINDS)
  const staged = await services.staging.receive(body, services.config.uploadMaxBytes)
  return { path: staged.path, done: () => services.staging.discard(staged) }
}

async function documentOf(services: Services, request: FastifyRequest<PageParams>) {
  const orgId = callerOf(request).session.org_id
  const book = await services.books.get(orgId, { uuid: request.params.uuid })
  const document = await services.documents.get(orgId, { uuid: request.params.docUuid })
  if (document.book_pk !== book.pk || isGone(document)) throw new DashboardError('not_found')
  return document
}

/**
 * The render, opened, once the document is known to be still there. Checked after the render
 * took its place: a deletion that began meanwhile may have removed the renders just before this
 * one appeared, so it is removed here instead, and never outlives its document.
 */
async function openLiveRender(services: Services, document: DocumentRow, file: string) {
  const png = await fs.promises.open(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new DashboardError('not_found')
    throw error
  })
  try {
    await stillLive(services, document)
  } catch (error) {
    await png.close()
    throw error
  }
  return png
}

/** 404, with the document's renders removed, when the document is being deleted or is gone. */
async function stillLive(services: Services, document: DocumentRow): Promise<void> {
  const current = await services.documents
    .get(document.org_id, { uuid: document.uuid })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.code === 1501) return undefined
      throw error
    })
  if (current !== undefined && !isGone(current)) return
  await services.renders.remove(document.uuid)
  throw new DashboardError('not_found')
}

function isGone(document: DocumentRow): boolean {
  return (
    (GONE_STATUSES as readonly string[]).includes(document.status) || document.blob_key === null
  )
}
