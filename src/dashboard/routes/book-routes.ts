import type { FastifyInstance, FastifyRequest } from 'fastify'

import type { DocumentRow } from '../../db/schema.js'
import { DOCUMENT_KINDS } from '../../documents/document-values.js'
import { readUpload } from '../../documents/read-upload.js'
import { readFormType } from '../../documents/upload-handler.js'
import type { Services } from '../../services.js'
import { DashboardError } from '../dashboard-errors.js'
import { callerOf } from '../session-auth.js'

type Body = Record<string, unknown>
type BookParams = { Params: { uuid: string }; Body: Body }
type DocParams = { Params: { uuid: string; docUuid: string } }

const PAGE_SIZE = 50

/**
 * Books and their documents for the dashboard, through the bearer API's services: the rules,
 * limits and pipeline are theirs. Everything is scoped to the signed-in organization.
 */
export function bookRoutes(app: FastifyInstance, services: Services): void {
  const { books, documents } = services
  const orgOf = (request: FastifyRequest) => callerOf(request).session.org_id
  const bookOf = (request: FastifyRequest, uuid: string) => books.get(orgOf(request), { uuid })

  app.get<{ Querystring: { search?: string; offset?: string } }>('/books', async (request) => {
    const search = String(request.query.search ?? '').trim()
    const offset = Math.max(0, Number.parseInt(String(request.query.offset ?? '0'), 10) || 0)
    const { books: rows, total } = await books.list(orgOf(request), {
      ...(search !== '' && { search }),
      orderBy: 'created',
      order: 'DESC',
      limit: PAGE_SIZE,
      offset,
    })
    return { books: rows.map(bookView), total, offset, page_size: PAGE_SIZE }
  })

  app.post<{ Body: Body }>('/books', async (request, reply) => {
    const book = await books.add(orgOf(request), { name: bookName(request.body?.name) })
    return reply.code(201).send(bookView(book))
  })

  app.get<BookParams>('/books/:uuid', async (request) => {
    const book = await bookOf(request, request.params.uuid)
    const docs = await documents.listForBook(book.pk)
    return { book: bookView(book), documents: docs.map(documentView) }
  })

  app.patch<BookParams>('/books/:uuid', async (request) => {
    const ref = { uuid: request.params.uuid }
    const book = await books.update(orgOf(request), ref, { name: bookName(request.body?.name) })
    return bookView(book)
  })

  app.delete<BookParams>('/books/:uuid', async (request, reply) => {
    await books.remove(orgOf(request), { uuid: request.params.uuid }, (trx, book) =>
      documents.removeAllInBook(trx, book),
    )
    return reply.code(204).send()
  })

  app.post<BookParams>('/books/:uuid/documents', async (request, reply) => {
    const book = await bookOf(request, request.params.uuid)
    const { file, fields } = await readUpload(
      request,
      services.staging,
      services.config.uploadMaxBytes,
    )
    if (file === undefined)
      throw new DashboardError('invalid_input', 'Choose a PDF file to upload.')

    try {
      // The type the person chose, checked as the bearer API checks `form_type`.
      const formType = readFormType(fields.form_type)
      const outcome = await services.uploads.accept({
        orgId: book.org_id,
        book,
        staged: file.staged,
        name: file.filename,
        kind: 'UPLOADED',
        formType,
      })
      // A duplicate or unreadable file is refused with the reason the bearer API gives.
      if (!outcome.ok) throw new DashboardError('invalid_input', outcome.rejection.message.trim())
      return reply.code(201).send(documentView(outcome.document))
    } finally {
      await services.staging.discard(file.staged)
    }
  })

  app.get<DocParams>('/books/:uuid/documents/:docUuid', async (request) => {
    const { book, document } = await documentOf(request)
    return { book: bookView(book), document: documentView(document) }
  })

  app.get<DocParams>('/books/:uuid/documents/:docUuid/file', async (request, reply) => {
    const { document } = await documentOf(request)
    const { body } = await documents.download(
      orgOf(request),
      { uuid: document.uuid },
      DOCUMENT_KINDS,
    )
    return reply
      .type(document.content_type)
      .header('content-length', String(document.size))
      .header('content-disposition', attachment(document.name))
      .send(body)
  })

  app.delete<DocParams>('/books/:uuid/documents/:docUuid', async (request, reply) => {
    const { document } = await documentOf(request)
    await documents.remove(orgOf(request), { uuid: document.uuid })
    return reply.code(204).send()
  })

  /** The document, only when it belongs to the book named in the path. */
  async function documentOf(request: FastifyRequest<DocParams>) {
    const book = await bookOf(request, request.params.uuid)
    const document = await documents.get(orgOf(request), { uuid: request.params.docUuid })
    if (document.book_pk !== book.pk) throw new DashboardError('not_found')
    return { book, document }
  }
}

/** RFC 6266: an ASCII fallback name, then the real one in UTF-8 (RFC 8187). */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  const encoded = encodeURIComponent(name).replace(
    /['()*!]/g,
    (c) => `%${c.charCodeAt(0).toString(16)}`,
  )
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`
}

function bookName(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : ''
  if (name === '' || name.length > 255) {
    throw new DashboardError('invalid_input', '"name" must be 1 to 255 characters')
  }
  return name
}

function bookView(book: { uuid: string; pk: number; name: string; created_at: string }) {
  return { uuid: book.uuid, pk: book.pk, name: book.name, created_at: book.created_at }
}

export function documentView(doc: DocumentRow) {
  return {
    uuid: doc.uuid,
    pk: doc.pk,
    name: doc.name,
    status: doc.status,
    page_count: doc.page_count,
    text_pages: doc.text_pages,
    document_class: doc.document_class,
    form_type: doc.form_type,
    content_type: doc.content_type,
    size: doc.size,
    rejection: doc.rejection_reason_description,
    created_at: doc.created_at,
    updated_at: doc.updated_at,
  }
}
