import type { FastifyRequest } from 'fastify'

import { ApiError } from '../http/api-errors.js'
import { cleanFileName, multipartError } from './read-upload.js'

/** One part of a JSON upload, a file or a text field alike: both carry JSON. */
export interface JsonPart {
  field: string
  /** The client's file name, or the field's name for a text field. */
  label: string
  content: Buffer
}

export interface ReceivedJsonUpload {
  /** Plain fields (pk, uuid, doc_name …), each with its last value. */
  fields: Record<string, string>
  parts: JsonPart[]
}

const JSON_FIELDS = new Set([
  'upload',
  'file',
  'accounts',
  'transactions',
  'customers',
  'institutions',
])
const LIMITS = { fields: 50, files: 20, parts: 70, headerPairs: 100 }

/**
 * Reads a multipart JSON upload into memory, as the data is parsed whole anyway; every file
 * and every JSON-carrying field (the Finicity parts may be sent either way, and repeated) is a
 * part. The whole body is held to `maxBytes`.
 */
export async function readJsonUpload(
  request: FastifyRequest,
  maxBytes: number,
): Promise<ReceivedJsonUpload> {
  if (!request.isMultipart()) throw new ApiError(1104, 'The request must be multipart/form-data')

  const fields: Record<string, string> = {}
  const parts: JsonPart[] = []
  let total = 0
  const count = (bytes: number) => {
    total += bytes
    if (total > maxBytes) throw tooLarge(maxBytes)
  }

  try {
    for await (const part of request.parts({
      limits: { ...LIMITS, fieldSize: maxBytes + 1, fileSize: maxBytes + 1 },
    })) {
      if (part.type === 'file') {
        const content = await part.toBuffer()
        count(content.length)
        parts.push({
          field: part.fieldname,
          label: cleanFileName(part.filename, 'upload.json'),
          content,
        })
        continue
      }
      if (part.valueTruncated) throw tooLarge(maxBytes)
      const value = String(part.value)
      count(Buffer.byteLength(value))
      if (JSON_FIELDS.has(part.fieldname))
        parts.push({ field: part.fieldname, label: part.fieldname, content: Buffer.from(value) })
      else fields[part.fieldname] = value
    }
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 413) throw tooLarge(maxBytes)
    throw multipartError(error, maxBytes)
  }
  return { fields, parts }
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(1105, `Upload too large: the limit for JSON uploads is ${maxBytes} bytes`)
}
