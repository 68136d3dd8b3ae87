/** What inspecting a file found; shared by the inspector child and its parent. */
export type InspectionFailure = 'not_pdf' | 'encrypted' | 'damaged' | 'too_costly'

export type Inspection =
  | { ok: true; pages: number; textPages: number | undefined }
  | { ok: false; failure: InspectionFailure }

export interface InspectionRequest {
  path: string
  /** Also count the pages that carry a text layer (reads every page). */
  full: boolean
}
