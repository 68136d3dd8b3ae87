import { Type, type Static } from '@sinclair/typebox'

import { WEBHOOK_DELIVERY_STATUSES } from '../db/schema.js'
import {
  DELIVERIES_PAGE_MAX,
  DESCRIPTION_MAX,
  DESCRIPTION_MIN,
  SECRET_MAX,
  SECRET_MIN,
  URL_MAX,
} from './webhook-values.js'

export { Envelope } from '../books/book-schemas.js'

export const WebhookUuidParams = Type.Object({
  webhook_uuid: Type.String({ description: 'The webhook uuid' }),
})
export type WebhookUuidParams = Static<typeof WebhookUuidParams>

const WebhookFields = {
  url: Type.String({
    maxLength: URL_MAX,
    description: 'http or https; may embed user:password for Basic authentication',
  }),
  description: Type.Optional(
    Type.Union([
      Type.String({ minLength: DESCRIPTION_MIN, maxLength: DESCRIPTION_MAX }),
      Type.Null(),
    ]),
  ),
  is_active: Type.Optional(Type.Boolean({ description: 'true by default' })),
}

const EventNames = Type.Array(Type.String(), {
  minItems: 1,
  description: 'Events to deliver; replaces every earlier subscription',
})

export const CreateWebhookBody = Type.Object(
  {
    webhook: Type.Object(WebhookFields, { additionalProperties: true }),
    event_names: EventNames,
  },
  { additionalProperties: true },
)
export type CreateWebhookBody = Static<typeof CreateWebhookBody>

export const UpdateWebhookBody = Type.Object(
  {
    webhook: Type.Optional(
      Type.Object(
        { ...WebhookFields, url: Type.Optional(WebhookFields.url) },
        {
          additionalProperties: true,
        },
      ),
    ),
    event_names: Type.Optional(EventNames),
  },
  { additionalProperties: true },
)
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>

export const TestWebhookBody = Type.Object(
  {
    event_uuid: Type.String({
      description: 'An event uuid from …/events (an event name is accepted too)',
    }),
  },
  { additionalProperties: true },
)

export const RotateSecretBody = Type.Object(
  { secret_key: Type.String({ minLength: SECRET_MIN, maxLength: SECRET_MAX }) },
  { additionalProperties: true },
)

/** The bare answers of rotate-secret (reference §8.1), not in the envelope. */
export const RotateSecretAnswer = Type.Object({
  status: Type.String({ examples: ['success'] }),
  message: Type.String({ examples: ['Webhook secret rotated successfully'] }),
})
export const WebhookNotFoundAnswer = Type.Object({
  error: Type.String({ examples: ['Webhook not found'] }),
})

export const DeliveriesQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ enum: [...WEBHOOK_DELIVERY_STATUSES] })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: DELIVERIES_PAGE_MAX })),
    offset: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: true },
)

const EventList = Type.Union([Type.Array(Type.String()), Type.String()], {
  description: 'Event names, repeated or comma-separated; an empty list deregisters',
})

/** JSON, a form or multipart, as the legacy reference shows all three. */
export const RegisterAccountWebhookBody = Type.Object(
  {
    webhook_endpoint: Type.Optional(Type.String({ maxLength: URL_MAX })),
    event: Type.Optional(EventList),
    'event[]': Type.Optional(EventList),
  },
  { additionalProperties: true },
)
