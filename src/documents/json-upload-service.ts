import { Readable } from 'node:stream'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import { isUniqueViolation } from '../db/errors.js'
import type { Dialect } from '../db/database.js'
import type { BookRow, Database, DocumentRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { BlobStore } from './blob-store.js'
import { bookUsage, checkBookLimits, lockedBookUsage } from './book-usage.js'
import type { DocumentEvents } from './document-events.js'
import type { DocumentLimits } from './document-limits.js'
import { documentRow } from './document-row.js'
import { GONE_STATUSES } from './document-values.js'
import { FINICITY_PARTS, finicityBundle, type FinicityPart } from './finicity-data.js'
import { plaidKind } from './plaid-data.js'
import type { JsonPart } from './read-json-upload.js'
import type { Staging } from './staging.js'

export const AGGREGATE_SOURCES = ['PLAID', 'FINICITY'] as const
export type AggregateSource = (typeof AGGREGATE_SOURCES)[number]
export const UPLOAD_INTENTS = ['add_analytics', 'docs_to_digital'] as const
export type UploadIntent = (typeof UPLOAD_INTENTS)[number]

export interface JsonUploadInput {
  orgId: string
  book: BookRow
  source: AggregateSource
  intent: UploadIntent
  docName: string | undefined
  parts: JsonPart[]
}

/** Stored documents, and the soft errors of the parts refused (reference §5), one a line. */
export interface JsonUploadOutcome {
  documents: DocumentRow[]
  errors: string[]
}

interface Candidate {
  name: string
  content: Buffer
}

type Checked = { ok: true; candidates: Candidate[] } | { ok: false; errors: string[] }

const CONTENT_TYPE = 'application/json'

/**
 * Aggregator data into a book: each Plaid file becomes a document, a Finicity bundle (its four
 * parts together) one document. The JSON is stored as it was sent (Plaid) or combined (Finicity)
 * with content type application/json. A part that is not JSON, or not the data it claims to be,
 * refuses the whole upload, so nothing is stored half.
 */
export class JsonUploadService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly staging: Staging,
    private readonly events: DocumentEvents,
    private readonly limits: DocumentLimits,
    private readonly clock: Clock,
    private readonly dialect: Dialect,
  ) {}

  async accept(input: JsonUploadInput): Promise<JsonUploadOutcome> {
    const checked = input.source === 'PLAID' ? this.checkPlaid(input) : this.checkFinicity(input)
    if (!checked.ok) return this.refused(input, checked.errors)

    const usage = await bookUsage(this.db, input.book.pk)
    checkBookLimits(usage, this.limits, { documents: checked.candidates.length, pages: 0 })

    const documents: DocumentRow[] = []
    const errors: string[] = []
    for (const candidate of checked.candidates) {
      const stored = await this.store(input, candidate)
      if (stored === undefined) errors.push(`${candidate.name} already exists\n`)
      else documents.push(stored)
    }
    if (errors.length > 0) await this.refused(input, errors)
    return { documents, errors }
  }

  private checkPlaid(input: JsonUploadInput): Checked {
    const uploads = input.parts.filter((p) => !isFinicityField(p.field))
    if (uploads.length === 0) throw new ApiError(1104, 'Required file "upload" not found')

    const errors: string[] = []
    for (const part of uploads) {
      const data = parse(part.content)
      if (data === undefined) errors.push(`${part.label} is not a valid JSON`)
      else if (plaidKind(data) === undefined)
        errors.push(`${part.label} -- json format is not supported\n`)
    }
    if (errors.length > 0) return { ok: false, errors }
    const candidates = uploads.map((p) => ({ name: input.docName ?? p.label, content: p.content }))
    return { ok: true, candidates }
  }

  private checkFinicity(input: JsonUploadInput): Checked {
    const parsed = {} as Record<FinicityPart, unknown[]>
    const errors: string[] = []
    for (const part of FINICITY_PARTS) {
      const given = input.parts.filter((p) => p.field === part)
      if (given.length === 0)
        throw new ApiError(1003, `${capitalized(part)} is required for Finicity uploads`)
      parsed[part] = given.map((p) => parse(p.content))
      given.forEach((p, i) => {
        if (parsed[part][i] === undefined) errors.push(`${p.label} is not a valid JSON`)
      })
    }
    if (errors.length > 0) return { ok: false, errors }

    const check = finicityBundle(parsed)
    if (!check.ok) {
      const label = input.parts.find((p) => p.field === check.part)?.label ?? check.part
      return { ok: false, errors: [`${label} -- json format is not supported\n`] }
    }
    const content = Buffer.from(JSON.stringify(check.bundle))
    return { ok: true, candidates: [{ name: input.docName ?? 'finicity.json', content }] }
  }

  /** Stages, stores and records one document; undefined when the book already has it. */
  private async store(
    input: JsonUploadInput,
    candidate: Candidate,
  ): Promise<DocumentRow | undefined> {
    const staged = await this.staging.receive(Readable.from([candidate.content]), Infinity)
    try {
      if (await this.exists(input.book, staged.md5)) return undefined
      const key = await this.blobs.put(staged.path)
      try {
        const document = await this.db.transaction().execute(async (trx) => {
          // Counted again as the row goes in: an upload racing this one may have filled the book.
          const usage = await lockedBookUsage(trx, this.dialect, input.book.pk)
          checkBookLimits(usage, this.limits, { documents: 1, pages: 0 })

          const row = await trx
            .insertInto('documents')
            .values(
              documentRow({
                orgId: input.orgId,
                book: input.book,
                kind: 'JSON',
                name: candidate.name,
                formType: null,
                staged,
                blobKey: key,
                contentType: CONTENT_TYPE,
                pages: 0,
                now: isoTime(this.clock.now()),
                dataSource: input.source,
                uploadIntent: input.intent,
              }),
            )
            .returningAll()
            .executeTakeFirstOrThrow()
          await this.events.uploaded(trx, input.book, row)
          return row
        })
        this.events.queued()
        return document
      } catch (error) {
        await this.blobs.remove(key)
        if (isUniqueViolation(error)) return undefined
        throw error
      }
    } finally {
      await this.staging.discard(staged)
    }
  }

  private async exists(book: BookRow, md5: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('documents')
      .select('pk')
      .where('book_pk', '=', book.pk)
      .where('kind', '=', 'JSON')
      .where('md5', '=', md5)
      .where('status', 'not in', GONE_STATUSES)
      .executeTakeFirst()
    return row !== undefined
  }

  /** Plaid has an event for refused data (reference §8.2); Finicity has none. */
  private async refused(input: JsonUploadInput, errors: string[]): Promise<JsonUploadOutcome> {
    if (input.source === 'PLAID') {
      for (const error of errors) await this.events.plaidRefused(this.db, input.book, error.trim())
    }
    return { documents: [], errors }
  }
}

/** The parsed JSON, or undefined; a byte-order mark, which some exporters write, is skipped. */
export function parse(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8').replace(/^\uFEFF/, ''))
  } catch {
    return undefined
  }
}

function isFinicityField(field: string): boolean {
  return (FINICITY_PARTS as readonly string[]).includes(field)
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}
