import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/**
 * The built app (`npm run build` writes it to dist/web). Found from the package root, so it is
 * the same whether this module runs from src/ under the tests or from dist/src/.
 */
export function webRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return path.join(dir, 'dist', 'web')
}

/** Everything the app loads comes from this origin: no fonts, scripts or images from elsewhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/**
 * Registered under the /dashboard prefix. Serves the app's files, and index.html for every other page path so the
 * app's own routes survive a reload; a missing file under assets/ is a 404.
 */
export async function staticApp(app: FastifyInstance): Promise<void> {
  const root = webRoot()
  const built = fs.existsSync(path.join(root, 'index.html'))

  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('x-frame-options', 'DENY')
    reply.header('referrer-policy', 'same-origin')
  })

  if (built) {
    await app.register(fastifyStatic, {
      root,
      prefix: '/',
      wildcard: true,
      index: false,
      setHeaders: (reply, file) => {
        // Vite puts a content hash in every asset name, so those never change.
        const immutable = file.includes(`${path.sep}assets${path.sep}`)
        reply.header(
          'cache-control',
          immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        )
      },
    })
  }

  const page = (_request: unknown, reply: FastifyReply) => {
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The dashboard is not built. Run "npm run build" and restart the server.\n')
    }
    reply.header('cache-control', 'no-cache')
    return reply.sendFile('index.html', root)
  }
  app.get('/', page)
  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return notFound(reply)
    // A tab left open across an upgrade asks for the old build's hashed files: the page in
    // their place would be run as script or style, so they are missing, not app paths.
    if (isAssetPath(request.url)) return notFound(reply)
    return page(request, reply)
  })
}

function notFound(reply: FastifyReply) {
  return reply
    .code(404)
    .header('cache-control', 'no-cache')
    .send({ error: 'not_found', message: 'no such page' })
}

function isAssetPath(url: string): boolean {
  return url.split('?')[0]?.startsWith('/dashboard/assets/') === true
}
