import type { DocumentRow } from '../db/schema.js'
import type { BlobStore } from '../documents/blob-store.js'
import type { DocumentLimits } from '../documents/document-limits.js'
import { REJECTION_REASONS } from '../documents/document-values.js'
import type { PipelineStage, StageResult } from '../jobs/pipeline-runner.js'
import type { PdfInspector } from './pdf-inspector.js'

/**
 * The first pipeline stage: reads the stored file in the parser child, page by page, counting
 * the pages with a text layer (the rest will need OCR), and checks the page limit again on the
 * stored bytes. Damaged or hostile files are rejected here, never crash the worker.
 */
export class InspectStage implements PipelineStage {
  readonly name = 'inspect'
  readonly contentTypes = ['application/pdf']

  constructor(
    private readonly blobs: BlobStore,
    private readonly inspector: PdfInspector,
    private readonly limits: DocumentLimits,
  ) {}

  async run(document: DocumentRow): Promise<StageResult> {
    if (document.blob_key === null) return { ok: false, rejection: REJECTION_REASONS.invalid }

    const inspection = await this.blobs.withLocalFile(document.blob_key, (path) =>
      this.inspector.inspect(path, true),
    )
    if (!inspection.ok) {
      const reason = inspection.failure === 'too_costly' ? 'tooCostly' : 'invalid'
      return { ok: false, rejection: REJECTION_REASONS[reason] }
    }
    if (inspection.pages > this.limits.maxPagesPerDocument)
      return { ok: false, rejection: REJECTION_REASONS.tooManyPages }

    return {
      ok: true,
      changes: { page_count: inspection.pages, text_pages: inspection.textPages ?? 0 },
    }
  }
}
