import { Type } from '@sinclair/typebox'

import { BOOK_CLASSES, BOOK_ORDER_BY, BOOK_TYPES, SORT_ORDERS } from './book-values.js'

const pkOrUuid = (description: string) =>
  Type.Optional(Type.Union([Type.Integer(), Type.String()], { description }))

/** Any of the identifier aliases real clients send (reference §10). */
export const BookRefParams = {
  pk: pkOrUuid('Book pk (a uuid is accepted too)'),
  book_pk: pkOrUuid('Alias of pk'),
  book_id: pkOrUuid('Alias of pk'),
  book_uuid: Type.Optional(Type.String({ description: 'Book uuid' })),
  uuid: Type.Optional(Type.String({ description: 'Alias of book_uuid' })),
}

export const BookRefQuery = Type.Object(BookRefParams, { additionalProperties: true })

/** One of `values` in any letter case, as clients send them (`order=asc`); read by readEnum. */
const stringEnum = (values: readonly string[], description: string) =>
  Type.Optional(
    Type.String({
      pattern: `^(?:${values.map(anyCase).join('|')})$`,
      description: `${description}; one of ${values.join(', ')}, in any case`,
    }),
  )

function anyCase(value: string): string {
  return [...value]
    .map((c) =>
      c.toLowerCase() === c.toUpperCase() ? c : `[${c.toUpperCase()}${c.toLowerCase()}]`,
    )
    .join('')
}

export const BookFields = {
  name: Type.String({ minLength: 1, maxLength: 255 }),
  book_class: stringEnum(BOOK_CLASSES, 'Processing mode; COMPLETE by default'),
  book_type: stringEnum(BOOK_TYPES, 'DEFAULT by default'),
  is_public: Type.Optional(
    Type.Union([Type.Boolean(), Type.String()], { description: 'true or false' }),
  ),
  xid: Type.Optional(
    Type.Union([Type.String({ maxLength: 255 }), Type.Null()], { description: 'Your own id' }),
  ),
}

export const AddBookBody = Type.Object(BookFields, { additionalProperties: true })

export const UpdateBookBody = Type.Object(
  { ...BookRefParams, ...BookFields, name: Type.Optional(BookFields.name) },
  { additionalProperties: true },
)

export const RemoveBookBody = Type.Object(BookRefParams, { additionalProperties: true })

export const ListBooksQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        description: 'Page size; answers the paginated object',
      }),
    ),
    offset: Type.Optional(Type.Integer({ minimum: 0, description: 'Zero-based offset' })),
    order: stringEnum(SORT_ORDERS, 'DESC by default'),
    order_by: Type.Optional(
      Type.String({ enum: [...BOOK_ORDER_BY], description: 'pk by default' }),
    ),
    name: Type.Optional(Type.String({ description: 'Exact name' })),
    search: Type.Optional(
      Type.String({ description: 'Part of the name, any case; not with name' }),
    ),
    xid: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
)

/** The Ocrolus envelope, documented for every v1 answer. */
export const Envelope = Type.Object({
  status: Type.Integer({ examples: [200] }),
  message: Type.String({ examples: ['OK'] }),
  response: Type.Unknown(),
})
