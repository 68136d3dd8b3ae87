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
    this.worker = new IsolatedWorker<InspectionRequest, Inspection>(
      new URL('./pdf-inspector-child.js', import.meta.url),
      limits,
      () => ({ ok: false, failure: 'too_costly' }),
    )
  }

  inspect(path: string, full = false): Promise<Inspection> {
    return this.worker.run({ path, full })
  }

  /** The parser child's process id while one runs (tests watch it). */
  get pid(): number | undefined {
    return this.worker.pid
  }

  close(): void {
    this.worker.close()
  }
}
