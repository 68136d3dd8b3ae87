import type { Kysely } from 'kysely'

import type { PdfInspector } from '../analysis/pdf-inspector.js'
import { isoTime, type Clock } from '../clock.js'
import type { Dialect } from '../db/database.js'
import { isUniqueViolation } from '../db/errors.js'
import type { BookRow, Database, DocumentRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { BlobStore } from './blob-store.js'
import { bookUsage, checkBookLimits, lockedBookUsage } from './book-usage.js'
import { documentRow } from './document-row.js'
import type { DocumentLimits } from './document-limits.js'
import { GONE_STATUSES, type DocumentKind } from './document-values.js'
import type { DocumentEvents } from './document-events.js'
import { looksLikePdf } from './sniff.js'
import type { StagedFile } from './staging.js'

export interface UploadInput {
  orgId: string
  book: BookRow
  staged: StagedFile
  name: string
  kind: DocumentKind
  formType: string | null
}

/**
 * Ocrolus answers some refusals with HTTP 200 and an inner error (reference §5): a duplicate,
 * a file that is not a valid PDF. These are those answers' parts.
 */
export interface SoftRejection {
  message: string
  duplicates: DocumentRow[]
}

export type UploadOutcome =
  { ok: true; document: DocumentRow } | { ok: false; rejection: SoftRejection }

/**
 * Accepts one uploaded PDF into a book: checks it, inspects it in the parser child, stores its
 * blob and records it QUEUED for the pipeline. A refused file leaves nothing stored.
 */
export class UploadService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly inspector: PdfInspector,
    private readonly events: DocumentEvents,
    private readonly limits: DocumentLimits,
    private readonly clock: Clock,
    private readonly dialect: Dialect,
  ) {}

  async accept(input: UploadInput): Promise<UploadOutcome> {
    const { staged, name } = input
    if (staged.size === 0) throw new ApiError(1104, 'Document stream is empty')
    if (!looksLikePdf(staged.head)) return invalid(name)

    const duplicates = await this.duplicatesOf(input)
    if (duplicates.length > 0)
      return { ok: false, rejection: { message: `${name} already exists\n`, duplicates } }

    // A full book is refused before the file is parsed, and again as the row goes in.
    const usage = await bookUsage(this.db, input.book.pk)
    checkBookLimits(usage, this.limits, { documents: 1, pages: 0 })

    const inspection = await this.inspector.inspect(staged.path)
    if (!inspection.ok) {
      if (inspection.failure === 'encrypted') return soft(`${name} is password protected\n`)
      // The file may be a sound PDF that is merely too big to read here; saying so lets the
      // sender tell that apart from a broken file.
      if (inspection.failure === 'too_costly')
        return soft(`${name} could not be read: it took more memory or time than allowed\n`)
      return invalid(name)
    }
    if (inspection.pages > this.limits.maxPagesPerDocument) throw new ApiError(1512)
    checkBookLimits(usage, this.limits, { documents: 1, pages: inspection.pages })

    return this.store(input, inspection.pages)
  }

  private async store(input: UploadInput, pages: number): Promise<UploadOutcome> {
    const key = await this.blobs.put(input.staged.path)
    try {
      const document = await this.db.transaction().execute(async (trx) => {
        // Concurrent uploads into one book take turns here, so none can pass a limit that the
        // other's row already reached.
        const usage = await lockedBookUsage(trx, this.dialect, input.book.pk)
        checkBookLimits(usage, this.limits, { documents: 1, pages })

        const row = await trx
          .insertInto('documents')
          .values(this.row(input, pages, key))
          .returningAll()
          .executeTakeFirstOrThrow()
        await this.events.uploaded(trx, input.book, row)
        return row
      })
      this.events.queued()
      return { ok: true, document }
    } catch (error) {
      await this.blobs.remove(key)
      // Two uploads of one file at once: the unique index lets one in, the other is a duplicate.
      if (isUniqueViolation(error)) {
        const duplicates = await this.duplicatesOf(input)
        return { ok: false, rejection: { message: `${input.name} already exists\n`, duplicates } }
      }
      throw error
    }
  }

  private row(input: UploadInput, pages: number, key: string) {
    return documentRow({
      ...input,
      blobKey: key,
      contentType: 'application/pdf',
      pages,
      now: isoTime(this.clock.now()),
    })
  }

  private duplicatesOf(input: UploadInput): Promise<DocumentRow[]> {
    return this.db
      .selectFrom('documents')
      .selectAll()
      .where('book_pk', '=', input.book.pk)
      .where('md5', '=', input.staged.md5)
      .where('kind', '=', input.kind)
      .where('status', 'not in', GONE_STATUSES)
      .execute()
  }
}

function soft(message: string): UploadOutcome {
  return { ok: false, rejection: { message, duplicates: [] } }
}

function invalid(name: string): UploadOutcome {
  return soft(`${name} is not a valid pdf\n`)
}
