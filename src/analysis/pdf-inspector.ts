import { IsolatedWorker, type IsolationLimits } from './isolated-worker.js'
import type { Inspection, InspectionRequest } from './inspection.js'

export type InspectorLimits = IsolationLimits

/**
 * Runs every parse of an uploaded PDF in one warm child process, one file at a time. A file
 * whose parse passes the memory ceiling or the deadline is reported as too costly.
 */
export class PdfInspector {
  private readonly worker: IsolatedWorker<InspectionRequest, Inspection>

  constructor(limits: InspectorLimits) {
    this.worker = new IsolatedWorker(
      new URL('./pdf-inspector-child.js', import.meta.url),
      limits,
      () => ({ ok: false, failure: 'too_costly' }),
    )
  }

  inspect(path: string, full = false): Promise<Inspection> {
    return this.worker.run({ path, full })
  }

  close(): void {
    this.worker.close()
  }
}
