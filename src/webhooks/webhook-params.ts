import type { FastifyRequest } from 'fastify'

import type { Multipart } from '@fastify/multipart'

import { ApiError } from '../http/api-errors.js'
import { readParams, type Params } from '../http/request-params.js'
import type { CreateWebhookBody, UpdateWebhookBody } from './webhook-schemas.js'
import type { WebhookInput } from './webhook-service.js'
import { invalidInput } from './webhook-url.js'

/** The org-level body `{webhook: {url, description, is_active}, event_names}` as service input. */
export function webhookInput(body: CreateWebhookBody | UpdateWebhookBody): WebhookInput {
  return {
    url: body.webhook?.url,
    description: body.webhook?.description,
    isActive: body.webhook?.is_active,
    eventNames: body.event_names,
  }
}

const MULTIPART_LIMITS = { fields: 100, fieldSize: 8 * 1024, files: 0, parts: 100 }

/**
 * The legacy registration's parameters from JSON, a form or multipart (reference §8.1 shows
 * multipart). Only fields are read from multipart; a file part is refused.
 */
export async function readRegistration(request: FastifyRequest): Promise<Params> {
  if (!request.isMultipart()) return readParams(request)

  const fields: Record<string, string[]> = {}
  try {
    for await (const part of request.parts({ limits: MULTIPART_LIMITS })) {
      if (part.type === 'file') {
        part.file.resume()
        throw invalidInput('this endpoint takes no file')
      }
      ;(fields[part.fieldname] ??= []).push(fieldText(part))
    }
  } catch (error) {
    // A body the multipart parser cannot follow is the client's to fix, never a 500.
    if (error instanceof ApiError) throw error
    throw invalidInput('the multipart body is malformed or has too many parts')
  }
  return fields
}

/** `event`, `event[]`: repeated, a JSON array, or comma-separated, as clients send lists. */
export function readEventList(params: Params): string[] | undefined {
  const raw = params.event ?? params['event[]']
  if (raw === undefined || raw === null) return undefined

  const values = Array.isArray(raw) ? raw : [raw]
  if (values.some((v) => typeof v !== 'string')) throw invalidInput('"event" must list names')
  return (values as string[]).flatMap((v) => v.split(',')).map((v) => v.trim())
}

export function readEndpoint(params: Params): string | undefined {
  const raw = params.webhook_endpoint
  const value = Array.isArray(raw) ? raw[0] : raw
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw invalidInput('"webhook_endpoint" must be a string')
  return value
}

function fieldText(part: Multipart): string {
  const value = (part as { value?: unknown }).value
  return typeof value === 'string' ? value : String(value ?? '')
}
