import type { DocumentRow } from '../db/schema.js'
import type { PipelineStage, StageResult } from '../jobs/pipeline-runner.js'

/**
 * Gives a document its class. A pre-identified upload (`form_type` given, reference §5) is of
 * that class, as Ocrolus treats it; a file of unknown type keeps no class until a stage that
 * reads its content classifies it.
 */
export class ClassifyStage implements PipelineStage {
  readonly name = 'classify'

  run(document: DocumentRow): Promise<StageResult> {
    if (document.form_type === null) return Promise.resolve({ ok: true })
    return Promise.resolve({ ok: true, changes: { document_class: document.form_type } })
  }
}
