import type { DocumentRow } from '../db/schema.js'
import type { BlobStore } from '../documents/blob-store.js'
import { REJECTION_REASONS } from '../documents/document-values.js'
import { isFinicityBundle } from '../documents/finicity-data.js'
import { parse } from '../documents/json-upload-service.js'
import { plaidKind } from '../documents/plaid-data.js'
import type { PipelineStage, StageResult } from '../jobs/pipeline-runner.js'

/**
 * The first stage of aggregator data, in place of the PDF inspection: reads the stored JSON
 * back and checks it is still the Plaid or Finicity data it was accepted as. Stored data that
 * fails (changed underneath, or larger than JSON uploads may be) is rejected, never parsed as
 * a PDF.
 */
export class JsonDataStage implements PipelineStage {
  readonly name = 'json-data'
  readonly contentTypes = ['application/json']

  constructor(
    private readonly blobs: BlobStore,
    private readonly maxBytes: number,
  ) {}

  async run(document: DocumentRow): Promise<StageResult> {
    if (document.blob_key === null || document.size > this.maxBytes)
      return { ok: false, rejection: REJECTION_REASONS.invalid }

    const chunks: Buffer[] = []
    for await (const chunk of await this.blobs.open(document.blob_key)) chunks.push(chunk as Buffer)
    const data = parse(Buffer.concat(chunks))

    const valid = document.data_source === 'FINICITY' ? isFinicityBundle(data) : plaidKind(data)
    if (!valid) return { ok: false, rejection: REJECTION_REASONS.invalid }
    return { ok: true }
  }
}
