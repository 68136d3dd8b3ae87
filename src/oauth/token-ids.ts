import crypto from 'node:crypto'

const ID_BYTES = 16
const IDS_PER_FILL = 256

let pool = Buffer.alloc(0)
let offset = 0

/**
 * A fresh 128-bit random `jti` (RFC 7519 §4.1.7), base64url. Asking the CSPRNG for 16 bytes at a
 * time cost more than a tenth of a token request, so bytes are drawn 4 KiB at a time, the way
 * crypto.randomUUID() does; each byte serves one token only and the pool is never reused.
 */
export function newTokenId(): string {
  if (offset + ID_BYTES > pool.length) {
    pool = crypto.randomBytes(ID_BYTES * IDS_PER_FILL)
    offset = 0
  }

  const id = pool.toString('base64url', offset, offset + ID_BYTES)
  offset += ID_BYTES
  return id
}
