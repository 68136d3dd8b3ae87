import path from 'node:path'

import { PdfInspector } from '../analysis/pdf-inspector.js'
import { ClassifyStage } from '../analysis/classify-stage.js'
import { InspectStage } from '../analysis/inspect-stage.js'
import { JsonDataStage } from '../analysis/json-data-stage.js'
import type { Clock } from '../clock.js'
import type { Config } from '../config.js'
import type { Storage } from '../db/database.js'
import { PipelineRunner } from '../jobs/pipeline-runner.js'
import type { BlobStore } from './blob-store.js'
import { DiskBlobStore } from './disk-blob-store.js'
import { DocumentEvents, type WebhookEmitter } from './document-events.js'
import { DocumentService } from './document-service.js'
import { ImageGroupFinisher } from './image-group-finisher.js'
import { GONE_STATUSES } from './document-values.js'
import { ImageGroupService } from './image-group-service.js'
import { ImagePdfBuilder } from './image-pdf-builder.js'
import { JsonUploadService } from './json-upload-service.js'
import { PostgresBlobStore } from './postgres-blob-store.js'
import { RenderCache, type LiveDocuments } from './render-cache.js'
import { clearFolder, Staging } from './staging.js'
import { UploadService } from './upload-service.js'

export interface DocumentServices {
  staging: Staging
  /** Where the PostgreSQL store copies blobs for the parser child to read. */
  scratchDir: string
  blobs: BlobStore
  /** Page thumbnails made from stored files, removed with them. */
  renders: RenderCache
  /** Parses files while their upload request waits: page counts only, so it is seldom busy. */
  inspector: PdfInspector
  /** Parses stored files for the pipeline, so a slow document there never holds up uploads. */
  pipelineInspector: PdfInspector
  documentEvents: DocumentEvents
  uploads: UploadService
  imageGroups: ImageGroupService
  imageGroupFinisher: ImageGroupFinisher
  imagePdfBuilder: ImagePdfBuilder
  jsonUploads: JsonUploadService
  documents: DocumentService
  pipeline: PipelineRunner
}

const POLL_MS = 1_000
const MAX_ATTEMPTS = 3
/** Blobs younger than this may belong to an upload still in flight on another node. */
const ORPHAN_MIN_AGE_MS = 60 * 60 * 1000
/** How often a node sharing PostgreSQL looks for renders of documents another node removed. */
const RENDER_SWEEP_MS = 60 * 60 * 1000

/** Storage, inspection and the pipeline for documents, wired from the configuration. */
export function createDocumentServices(
  config: Config,
  storage: Storage,
  clock: Clock,
  webhooks: WebhookEmitter | undefined,
  onError: (error: unknown) => void,
): DocumentServices {
  const { db } = storage
  const staging = new Staging(path.join(config.dataDir, 'staging'))
  const scratchDir = path.join(config.dataDir, 'scratch')
  const blobs =
    storage.dialect === 'postgres'
      ? new PostgresBlobStore(db, scratchDir)
      : new DiskBlobStore(path.join(config.dataDir, 'blobs'))
  const renders = new RenderCache(path.join(config.dataDir, 'thumbnails'))
  const limits = { memoryBytes: config.inspectMemoryBytes, timeoutMs: config.inspectTimeoutMs }
  const inspector = new PdfInspector(limits, config.uploadInspectors)
  const pipelineInspector = new PdfInspector(limits, config.pipelineConcurrency)
  const imagePdfBuilder = new ImagePdfBuilder({
    memoryBytes: config.imagePdfMemoryBytes,
    timeoutMs: config.imagePdfTimeoutMs,
  })
  const documentEvents = new DocumentEvents(webhooks)
  const imageGroups = new ImageGroupService(db, blobs, documentEvents, config, clock)

  const stages = [
    new InspectStage(blobs, pipelineInspector, config),
    new JsonDataStage(blobs, config.jsonUploadMaxBytes),
    new ClassifyStage(),
  ]
  const pipeline = new PipelineRunner(
    db,
    blobs,
    renders,
    stages,
    documentEvents,
    clock,
    {
      concurrency: config.pipelineConcurrency,
      leaseMs: config.pipelineLeaseMs,
      pollMs: POLL_MS,
      maxAttempts: MAX_ATTEMPTS,
    },
    onError,
  )

  return {
    staging,
    scratchDir,
    blobs,
    renders,
    inspector,
    pipelineInspector,
    documentEvents,
    uploads: new UploadService(
      db,
      blobs,
      inspector,
      documentEvents,
      config,
      clock,
      storage.dialect,
    ),
    imageGroups,
    imageGroupFinisher: new ImageGroupFinisher(
      db,
      blobs,
      staging,
      imageGroups,
      imagePdfBuilder,
      documentEvents,
      config,
      clock,
      storage.dialect,
    ),
    imagePdfBuilder,
    jsonUploads: new JsonUploadService(
      db,
      blobs,
      staging,
      documentEvents,
      config,
      clock,
      storage.dialect,
    ),
    documents: new DocumentService(db, blobs, documentEvents, clock),
    pipeline,
  }
}

/**
 * Background start-up of a serving process: clears staged files a killed process left, removes
 * orphaned blobs and renders of removed documents, and starts the pipeline, which resumes
 * whatever the database says is unfinished.
 */
export async function startDocumentWork(
  services: DocumentServices,
  storage: Storage,
  onError: (error: unknown) => void,
): Promise<void> {
  // With SQLite one serving process owns the data dir: whatever a killed one left (a blob it
  // stored but never recorded, a lease on a document) is nobody's now, whatever its age.
  const ownsEverything = storage.dialect === 'sqlite'
  const orphanMinAge = ownsEverything ? 0 : ORPHAN_MIN_AGE_MS

  services.staging.sweep()
  clearFolder(services.scratchDir)
  await services.blobs.sweep(async (keys) => {
    const rows = await storage.db
      .selectFrom('documents')
      .select('blob_key')
      .where('blob_key', 'in', keys)
      .execute()
    // Images of a discarded group (its book removed) are no longer wanted.
    const images = await storage.db
      .selectFrom('images')
      .innerJoin('image_groups', 'image_groups.pk', 'images.image_group_pk')
      .select('images.blob_key')
      .where('images.blob_key', 'in', keys)
      .where('image_groups.status', '!=', 'DISCARDED')
      .execute()
    return new Set([...rows, ...images].map((r) => r.blob_key as string))
  }, orphanMinAge)
  const sweepEvery = ownsEverything ? undefined : RENDER_SWEEP_MS
  await services.renders.startSweeping(liveDocuments(storage), sweepEvery, onError)
  await services.pipeline.start(ownsEverything)
}

function liveDocuments(storage: Storage): LiveDocuments {
  return async (uuids) => {
    const rows = await storage.db
      .selectFrom('documents')
      .select('uuid')
      .where('uuid', 'in', uuids)
      .where('status', 'not in', GONE_STATUSES)
      .execute()
    return new Set(rows.map((row) => row.uuid))
  }
}

export async function stopDocumentWork(services: DocumentServices): Promise<void> {
  services.renders.stop()
  await services.pipeline.stop()
  services.inspector.close()
  services.pipelineInspector.close()
  services.imagePdfBuilder.close()
}
