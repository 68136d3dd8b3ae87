import { IsolatedWorker, type IsolationLimits } from '../analysis/isolated-worker.js'
import type { ImagePdfRequest, ImagePdfResult } from './image-pdf.js'

/**
 * Builds the PDF of an image group in a child process that is killed past a memory ceiling or a
 * deadline, as every parse of an uploaded file is.
 */
export class ImagePdfBuilder {
  private readonly worker: IsolatedWorker<ImagePdfRequest, ImagePdfResult>

  constructor(limits: IsolationLimits) {
    this.worker = new IsolatedWorker<ImagePdfRequest, ImagePdfResult>(
      new URL('./image-pdf-child.js', import.meta.url),
      limits,
      () => ({ ok: false, failure: 'too_costly' }),
    )
  }

  build(request: ImagePdfRequest): Promise<ImagePdfResult> {
    return this.worker.run(request)
  }

  close(): void {
    this.worker.close()
  }
}
