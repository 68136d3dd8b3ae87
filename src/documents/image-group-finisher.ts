import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { Dialect } from '../db/database.js'
import type { BookRow, Database, DocumentRow, ImageGroupRow, ImageRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { BlobStore } from './blob-store.js'
import { bookUsage, checkBookLimits, lockedBookUsage } from './book-usage.js'
import type { DocumentEvents } from './document-events.js'
import type { DocumentLimits } from './document-limits.js'
import { documentRow } from './document-row.js'
import type { ImageType } from './document-values.js'
import type { ImageGroupService } from './image-group-service.js'
import type { ImagePdfBuilder } from './image-pdf-builder.js'
import type { Staging, StagedFile } from './staging.js'

export interface FinishedGroup {
  group: ImageGroupRow
  document: DocumentRow
}

const ATTEMPTS = 3

/** An image arrived while the PDF was being built: it must not be left out, so build again. */
class GroupChanged extends Error {}

/**
 * Turns a book's open image group into one PDF document, a page per image in upload order: a
 * pre-identified document with `form_type`, else a mixed one. The PDF is built in the image
 * child before the group is closed, so a crash leaves the group open to be finished again.
 */
export class ImageGroupFinisher {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly staging: Staging,
    private readonly groups: ImageGroupService,
    private readonly builder: ImagePdfBuilder,
    private readonly events: DocumentEvents,
    private readonly limits: DocumentLimits,
    private readonly clock: Clock,
    private readonly dialect: Dialect,
  ) {}

  async finish(orgId: string, book: BookRow, formType: string | null): Promise<FinishedGroup> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const group = await this.groups.openGroup(this.db, book.pk)
      const images = group === undefined ? [] : await this.groups.imagesOf(this.db, group.pk)
      if (group === undefined || images.length === 0) throw new ApiError(7002)
      await this.checkBookRoom(book, images.length)

      const pdf = await this.build(book, group, images)
      try {
        return await this.store(orgId, book, formType, group, images, pdf)
      } catch (error) {
        if (!(error instanceof GroupChanged)) throw error
      } finally {
        await this.staging.discard(pdf)
      }
    }
    throw new ApiError(7003, 'Images kept arriving while the group was finished; try again')
  }

  private async checkBookRoom(book: BookRow, pages: number): Promise<void> {
    checkBookLimits(await bookUsage(this.db, book.pk), this.limits, { documents: 1, pages })
  }

  /** The PDF, staged; a group whose PDF cannot be built is discarded, with its images. */
  private async build(book: BookRow, group: ImageGroupRow, images: ImageRow[]) {
    const output = this.staging.newPath()
    const result = await withLocalFiles(this.blobs, images, (paths) =>
      this.builder.build({
        images: images.map((image, i) => ({
          path: paths[i] as string,
          type: image.content_type as ImageType,
        })),
        output,
        title: documentName(group),
        subject: `Image group ${group.uuid}`,
        createdAt: this.clock.now(),
      }),
    )
    if (result.ok) return this.staging.adopt(output)

    await this.staging.discard({ path: output })
    const culprit = result.index === undefined ? undefined : images[result.index]
    const reason =
      culprit !== undefined
        ? `${culprit.name} could not be read as an image`
        : 'The images are too large to process together'
    await this.discard(book, group, reason)
    throw new ApiError(7003, `${reason}; the image group was discarded, upload its images again`)
  }

  private async discard(book: BookRow, group: ImageGroupRow, reason: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const discarded = await trx
        .updateTable('image_groups')
        .set({ status: 'DISCARDED' })
        .where('pk', '=', group.pk)
        .where('status', '=', 'OPEN')
        .returningAll()
        .executeTakeFirst()
      if (discarded !== undefined) await this.events.imageGroupFailed(trx, book, discarded, reason)
    })
    await this.groups.purgeDiscarded(book.pk)
  }

  /**
   * Closes the group and records the document in one transaction. Closing takes the group's
   * row lock first, so an image added meanwhile is either seen here (and the PDF is built
   * again) or goes to a new group.
   */
  private async store(
    orgId: string,
    book: BookRow,
    formType: string | null,
    group: ImageGroupRow,
    images: ImageRow[],
    pdf: StagedFile,
  ): Promise<FinishedGroup> {
    const key = await this.blobs.put(pdf.path)
    try {
      const finished = await this.db.transaction().execute(async (trx) => {
        const closed = await trx
          .updateTable('image_groups')
          .set({ status: 'CLOSED' })
          .where('pk', '=', group.pk)
          .where('status', '=', 'OPEN')
          .returningAll()
          .executeTakeFirst()
        if (closed === undefined) throw new ApiError(7002)

        const now = await this.groups.imagesOf(trx, group.pk)
        if (now.map((i) => i.pk).join() !== images.map((i) => i.pk).join()) throw new GroupChanged()
        // Counted again as the row goes in: an upload racing this one may have filled the book.
        const usage = await lockedBookUsage(trx, this.dialect, book.pk)
        checkBookLimits(usage, this.limits, { documents: 1, pages: images.length })

        const document = await trx
          .insertInto('documents')
          .values(
            documentRow({
              orgId,
              book,
              kind: formType === null ? 'MIXED' : 'UPLOADED',
              name: documentName(group),
              formType,
              staged: pdf,
              blobKey: key,
              contentType: 'application/pdf',
              pages: images.length,
              now: isoTime(this.clock.now()),
              imageGroupPk: group.pk,
            }),
          )
          .returningAll()
          .executeTakeFirstOrThrow()
        await this.events.imageGroupUploaded(trx, book, document, closed)
        return { group: closed, document }
      })
      this.events.queued()
      return finished
    } catch (error) {
      await this.blobs.remove(key)
      throw error
    }
  }
}

function documentName(group: ImageGroupRow): string {
  return `image_group_${group.pk}.pdf`
}

/** Runs `use` with a local path for every image's blob, each held for the whole call. */
function withLocalFiles<T>(
  blobs: BlobStore,
  images: ImageRow[],
  use: (paths: string[]) => Promise<T>,
  paths: string[] = [],
): Promise<T> {
  const next = images[paths.length]
  if (next === undefined) return use(paths)
  return blobs.withLocalFile(next.blob_key, (path) =>
    withLocalFiles(blobs, images, use, [...paths, path]),
  )
}
