import crypto from 'node:crypto'

import type { Kysely } from 'kysely'

import { isoTime, type Clock } from '../clock.js'
import type { BookRow, Database, ImageGroupRow, ImageRow } from '../db/schema.js'
import { ApiError } from '../http/api-errors.js'
import type { BlobStore } from './blob-store.js'
import type { DocumentEvents } from './document-events.js'
import type { DocumentLimits } from './document-limits.js'
import type { ImageType } from './document-values.js'
import { probeImage } from './image-probe.js'
import type { StagedFile } from './staging.js'

export interface ImageInput {
  orgId: string
  book: BookRow
  staged: StagedFile
  name: string
}

/** A refused image answered with HTTP 200 and an inner error, as Ocrolus does (reference §5). */
export interface ImageRejection {
  message: string
  /** The open group holding the same image, for a duplicate. */
  group?: ImageGroupRow
  duplicates: ImageRow[]
}

export type ImageOutcome =
  { ok: true; group: ImageGroupRow; image: ImageRow } | { ok: false; rejection: ImageRejection }

const ATTEMPTS = 3

/**
 * Images uploaded one by one into a book's open image group (one per book, created with its
 * first image). Each image is checked by its headers, never decoded here: its type by magic
 * number, its dimensions, and for TIFF that it holds a single image. The group becomes a
 * document when it is finished (ImageGroupFinisher).
 */
export class ImageGroupService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly blobs: BlobStore,
    private readonly events: DocumentEvents,
    private readonly limits: DocumentLimits,
    private readonly clock: Clock,
  ) {}

  async add(input: ImageInput): Promise<ImageOutcome> {
    const { staged, name } = input
    if (staged.size === 0) throw new ApiError(1104, 'Document stream is empty')

    const probe = await probeImage(staged)
    if (!probe.ok) return invalid(name, probe.reason)
    const pixels = probe.width * probe.height
    if (pixels > this.limits.maxImagePixels) {
      const limit = this.limits.maxImagePixels.toLocaleString('en-US')
      return invalid(name, `${probe.width}x${probe.height} pixels is more than ${limit}`)
    }

    const open = await this.openGroup(this.db, input.book.pk)
    const earlier = open === undefined ? [] : await this.imagesLike(this.db, open, staged.md5)
    if (open !== undefined && earlier.length > 0) return duplicate(name, open, earlier)

    const key = await this.blobs.put(staged.path)
    try {
      const outcome = await this.record(input, probe.type, key)
      if (!outcome.ok) await this.blobs.remove(key)
      return outcome
    } catch (error) {
      await this.blobs.remove(key)
      throw error
    }
  }

  /** The book's open group, if it has one. */
  openGroup(db: Kysely<Database>, bookPk: number): Promise<ImageGroupRow | undefined> {
    return db
      .selectFrom('image_groups')
      .selectAll()
      .where('book_pk', '=', bookPk)
      .where('status', '=', 'OPEN')
      .executeTakeFirst()
  }

  imagesOf(db: Kysely<Database>, groupPk: number): Promise<ImageRow[]> {
    return db
      .selectFrom('images')
      .selectAll()
      .where('image_group_pk', '=', groupPk)
      .orderBy('pk')
      .execute()
  }

  /**
   * Marks the book's open group DISCARDED with its book's removal, inside that transaction; its
   * images are deleted by `purgeDiscarded` once it commits (or by the start-up sweep).
   */
  async discardOpen(trx: Kysely<Database>, book: BookRow): Promise<void> {
    await trx
      .updateTable('image_groups')
      .set({ status: 'DISCARDED' })
      .where('book_pk', '=', book.pk)
      .where('status', '=', 'OPEN')
      .execute()
  }

  /** Deletes the images of the book's discarded groups, blobs first. */
  async purgeDiscarded(bookPk: number): Promise<void> {
    const images = await this.db
      .selectFrom('images')
      .innerJoin('image_groups', 'image_groups.pk', 'images.image_group_pk')
      .select(['images.pk', 'images.blob_key'])
      .where('image_groups.book_pk', '=', bookPk)
      .where('image_groups.status', '=', 'DISCARDED')
      .execute()
    for (const image of images) await this.blobs.remove(image.blob_key)
    if (images.length > 0) {
      const pks = images.map((i) => i.pk)
      await this.db.deleteFrom('images').where('pk', 'in', pks).execute()
    }
  }

  /**
   * Adds the stored image to the open group, creating the group with the first image. A group
   * closed or created by another request meanwhile makes the transaction start over.
   */
  private async record(input: ImageInput, type: ImageType, key: string): Promise<ImageOutcome> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const outcome = await this.db.transaction().execute(async (trx) => {
        const group = await this.lockOrCreateGroup(trx, input)
        if (group === undefined) return undefined
        await this.checkRoom(trx, group, input.staged.size)

        const image = await trx
          .insertInto('images')
          .values({
            uuid: crypto.randomUUID(),
            image_group_pk: group.pk,
            name: input.name,
            content_type: type,
            md5: input.staged.md5,
            size: input.staged.size,
            blob_key: key,
            created_at: isoTime(this.clock.now()),
          })
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst()
        if (image === undefined)
          return duplicate(input.name, group, await this.imagesLike(trx, group, input.staged.md5))
        return { ok: true as const, group, image }
      })
      if (outcome !== undefined) return outcome
    }
    throw new Error('the image group kept changing')
  }

  /**
   * The update takes the group's row lock: a finish that closes the group either waits for
   * this transaction (and then sees its image) or has closed it already (nothing updated).
   */
  private async lockOrCreateGroup(
    trx: Kysely<Database>,
    input: ImageInput,
  ): Promise<ImageGroupRow | undefined> {
    const open = await this.openGroup(trx, input.book.pk)
    if (open !== undefined) {
      return trx
        .updateTable('image_groups')
        .set({ status: 'OPEN' })
        .where('pk', '=', open.pk)
        .where('status', '=', 'OPEN')
        .returningAll()
        .executeTakeFirst()
    }
    return trx
      .insertInto('image_groups')
      .values({
        uuid: crypto.randomUUID(),
        org_id: input.orgId,
        book_pk: input.book.pk,
        status: 'OPEN',
        created_at: isoTime(this.clock.now()),
      })
      .onConflict((oc) => oc.doNothing())
      .returningAll()
      .executeTakeFirst()
  }

  /** A group becomes one document, so it is held to one document's pages and size. */
  private async checkRoom(trx: Kysely<Database>, group: ImageGroupRow, size: number) {
    const images = await this.imagesOf(trx, group.pk)
    if (images.length >= this.limits.maxPagesPerDocument)
      throw new ApiError(1512, 'Image group exceeds max pages')
    const bytes = images.reduce((sum, image) => sum + image.size, 0)
    if (bytes + size > this.limits.uploadMaxBytes)
      throw new ApiError(8002, 'Image group size limit reached')
  }

  private imagesLike(db: Kysely<Database>, group: ImageGroupRow, md5: string): Promise<ImageRow[]> {
    return db
      .selectFrom('images')
      .selectAll()
      .where('image_group_pk', '=', group.pk)
      .where('md5', '=', md5)
      .execute()
  }
}

function invalid(name: string, reason: string | undefined): ImageOutcome {
  const message = `${name} is not a valid Image${reason === undefined ? '' : `: ${reason}`}`
  return { ok: false, rejection: { message, duplicates: [] } }
}

function duplicate(name: string, group: ImageGroupRow, duplicates: ImageRow[]): ImageOutcome {
  return { ok: false, rejection: { message: `${name} already exists`, group, duplicates } }
}
