import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const KEY_FILE = 'server.key'

/**
 * The server key keys the hash of API secrets and seals private signing keys. It comes from
 * QUIRE_SECRET_KEY, else from a file in the data dir made on first start. Every node of one
 * deployment must share it.
 */
export function loadServerKey(secretKey: string | undefined, dataDir: string): Buffer {
  if (secretKey !== undefined) {
    if (secretKey.length < 32)
      throw new TypeError('QUIRE_SECRET_KEY must be at least 32 characters')
    return Buffer.from(secretKey, 'utf8')
  }

  const file = path.join(dataDir, KEY_FILE)
  fs.mkdirSync(dataDir, { recursive: true })
  try {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64url'), {
      flag: 'wx',
      mode: 0o600,
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'utf8')
}

/** Derives a purpose-bound subkey so one server key never serves two uses directly. */
export function deriveKey(serverKey: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', serverKey, Buffer.alloc(0), purpose, 32))
}
