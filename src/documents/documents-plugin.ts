import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'

import type { Services } from '../services.js'
import { documentCommandRoutes } from './routes/document-commands.js'
import { downloadDocumentRoute } from './routes/download-document.js'
import { finishImageGroupRoute } from './routes/finish-image-group.js'
import { mixedStatusRoute } from './routes/mixed-status.js'
import { uploadDocumentRoutes } from './routes/upload-document.js'
import { uploadDocumentV2Routes } from './routes/upload-document-v2.js'
import { uploadImageRoute } from './routes/upload-image.js'
import { uploadJsonRoute } from './routes/upload-json.js'

const ROUTES = [
  uploadDocumentRoutes,
  uploadDocumentV2Routes,
  uploadImageRoute,
  finishImageGroupRoute,
  uploadJsonRoute,
  documentCommandRoutes,
  mixedStatusRoute,
  downloadDocumentRoute,
]

/** Uploads and document endpoints (reference §5, §6). */
export async function documentsPlugin(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(multipart, { throwFileSizeLimit: true })
  for (const route of ROUTES) route(app, services)
}
