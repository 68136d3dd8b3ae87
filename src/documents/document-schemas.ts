import { Type } from '@sinclair/typebox'

/** Multipart bodies are read by the route, not by a schema; this text documents them. */
export const MultipartUpload =
  'multipart/form-data with the file under `upload`, `file` or any field name, and `pk` or `book_uuid` (v1), optional `form_type` and `doc_name`.'

export const UploadEnvelope = Type.Object({
  status: Type.Integer({ examples: [200] }),
  message: Type.String({ examples: ['OK'] }),
  response: Type.Unknown(),
})

export const DocRefParams = {
  doc_id: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  doc_pk: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  pk: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  doc_uuid: Type.Optional(Type.String()),
}

export const DocRefQuery = Type.Object(DocRefParams, { additionalProperties: true })
