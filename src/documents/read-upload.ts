import type {} from '@fastify/multipart'
import type { FastifyRequest } from 'fastify'

import { ApiError } from '../http/api-errors.js'
import { FileTooLarge, type Staging, type StagedFile } from './staging.js'

export interface ReceivedFile {
  staged: StagedFile
  /** The client's file name, cleaned for display; never used in a path. */
  filename: string
}

export interface ReceivedUpload {
  fields: Record<string, string>
  file: ReceivedFile | undefined
}

const FIELD_LIMITS = { fields: 50, fieldSize: 64 * 1024, files: 2, parts: 60, headerPairs: 100 }
/** The most a multipart body may carry besides its file: every field full, every part's headers. */
const PART_HEADER_BYTES = 80 * 1024
const MULTIPART_OVERHEAD =
  FIELD_LIMITS.fields * FIELD_LIMITS.fieldSize + FIELD_LIMITS.parts * PART_HEADER_BYTES

/**
 * Reads a multipart upload: its fields, and its one file streamed to staging under whatever
 * field name the client used (`upload`, `file` or the file's own name, reference §10). Fields
 * may come before or after the file. On any failure the staged file is removed.
 */
export async function readUpload(
  request: FastifyRequest,
  staging: Staging,
  maxBytes: number,
): Promise<ReceivedUpload> {
  if (!request.isMultipart()) throw new ApiError(1104, 'The request must be multipart/form-data')
  // A body declared larger than any allowed upload is refused before a byte of it is read.
  if (Number(request.headers['content-length'] ?? 0) > maxBytes + MULTIPART_OVERHEAD)
    throw tooLarge(maxBytes)

  const fields: Record<string, string> = {}
  let file: ReceivedFile | undefined
  try {
    // One byte over the limit lets the staging count, not busboy's truncation, decide.
    for await (const part of request.parts({
      limits: { ...FIELD_LIMITS, fileSize: maxBytes + 1 },
    })) {
      if (part.type === 'field') {
        const value = String(part.value)
        if (value.includes('\0') || part.fieldname.includes('\0'))
          throw new ApiError(
            1003,
            `"${part.fieldname.replace(/\0/g, '')}" must not contain a NUL character`,
          )
        fields[part.fieldname] = value
        continue
      }
      if (file !== undefined) throw new ApiError(8001)
      file = {
        staged: await staging.receive(part.file, maxBytes),
        filename: cleanFileName(part.filename),
      }
    }
  } catch (error) {
    await staging.discard(file?.staged)
    discardRest(request)
    throw multipartError(error, maxBytes)
  }
  return { fields, file }
}

/** Multipart limits @fastify/multipart reports (all with status 413), by what they limit. */
const PART_LIMITS: Record<string, string> = {
  FST_FIELDS_LIMIT: `at most ${FIELD_LIMITS.fields} form fields are allowed`,
  FST_PARTS_LIMIT: `at most ${FIELD_LIMITS.parts} parts are allowed`,
}

/**
 * What a failed read of the body means to the client. A body the parser cannot follow (no
 * boundary, a part cut short, a client that went away) is the client's fault, never a 500;
 * only storage failures, which carry a system error code, stay server errors.
 */
export function multipartError(error: unknown, maxBytes: number): unknown {
  if (error instanceof ApiError) return error
  const code = (error as { code?: unknown }).code
  if (code === 'FST_FILES_LIMIT') return new ApiError(8001)
  if (typeof code === 'string' && PART_LIMITS[code] !== undefined)
    return new ApiError(1104, `The request has too many parts: ${PART_LIMITS[code]}`)
  if (error instanceof FileTooLarge || (error as { statusCode?: number }).statusCode === 413)
    return tooLarge(maxBytes)
  const clientGone = code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE'
  if (!clientGone && typeof code === 'string' && /^E[A-Z]+$/.test(code)) return error
  return new ApiError(1104, 'The multipart body is malformed or was cut short')
}

/**
 * A body refused halfway is left paused, and Node reads no further for a request it saw being
 * read: the client would block on a full socket and never see the answer. The rest is let
 * through unstored instead, as Node does for a body nobody started reading.
 */
function discardRest(request: FastifyRequest): void {
  const raw = request.raw
  if (raw.readableEnded || raw.destroyed) return
  raw.unpipe()
  raw.resume()
}

/** A display name from a client's file name: its last path segment, printable, bounded. */
export function cleanFileName(raw: string | undefined, fallback = 'document.pdf'): string {
  const last = (raw ?? '').split(/[/\\]/).pop() ?? ''
  // eslint-disable-next-line no-control-regex
  const printable = last.replace(/[\x00-\x1f\x7f]/g, '').trim()
  return printable === '' ? fallback : printable.slice(0, 255)
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(1105, `File too large: the limit is ${maxBytes} bytes`)
}
