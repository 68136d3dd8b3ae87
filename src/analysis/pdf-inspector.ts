import { IsolatedWorker, type IsolationLimits } from './isolated-worker.js'
import type { Inspection, InspectionRequest } from './inspection.js'

export type InspectorLimits = IsolationLimits

/**
 * Runs every parse of an uploaded PDF in warm child processes, each one file at a time. A file
 * whose parse passes the memory ceiling or the deadline is reported as too costly. With more
 * than one child, a file that takes its parser to the deadline holds up only the files queued
 * behind it in that child, and new files go to the least loaded one.
 */
export class PdfInspector {
  private readonly workers: IsolatedWorker<InspectionRequest, Inspection>[]

  constructor(limits: InspectorLimits, children = 1) {
    this.workers = Array.from(
      { length: Math.max(1, children) },
      () =>
        new IsolatedWorker<InspectionRequest, Inspection>(
          new URL('./pdf-inspector-child.js', import.meta.url),
          limits,
          () => ({ ok: false, failure: 'too_costly' }),
        ),
    )
  }

  inspect(path: string, full = false): Promise<Inspection> {
    const idlest = this.workers.reduce((best, worker) => (worker.load < best.load ? worker : best))
    return idlest.run({ path, full })
  }

  /** The process id of the first parser child that runs (tests watch it). */
  get pid(): number | undefined {
    return this.workers.find((worker) => worker.pid !== undefined)?.pid
  }

  close(): void {
    for (const worker of this.workers) worker.close()
  }
}
