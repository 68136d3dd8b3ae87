/**
 * Small files written as text, so the Postman collection can upload them with no file on the
 * user's disk. Postman sends a raw body as UTF-8, so every byte here is below 0x80.
 */

/** A 4×4 24-bit BMP in shades of gray: header fields and pixels all fit in 7 bits. */
export function sampleBmp(): string {
  return bmpBytes(4, 4, (x, y) => {
    const level = 0x30 + ((x * 7 + y * 13) % 0x40)
    return [level, level, level]
  }).toString('latin1')
}

/** A 24-bit bottom-up BMP (BITMAPINFOHEADER) with each pixel's colour from `colorAt`. */
export function bmpBytes(
  width: number,
  height: number,
  colorAt: (x: number, y: number) => [number, number, number],
): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4
  const header = Buffer.alloc(54)
  header.write('BM', 0, 'latin1')
  header.writeUInt32LE(54 + stride * height, 2)
  header.writeUInt32LE(54, 10)
  header.writeUInt32LE(40, 14)
  header.writeInt32LE(width, 18)
  header.writeInt32LE(height, 22)
  header.writeUInt16LE(1, 26)
  header.writeUInt16LE(24, 28)
  header.writeUInt32LE(stride * height, 34)

  // Rows are stored bottom up, each colour as blue, green, red.
  const pixels = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colorAt(x, height - 1 - y)
      pixels.set([b, g, r], y * stride + x * 3)
    }
  }
  return Buffer.concat([header, pixels])
}

/** The shape of Plaid's /transactions/get answer, with made-up values. */
export function samplePlaidTransactions(requestId: string): string {
  const account_id = 'sample-checking'
  return JSON.stringify({
    accounts: [{ account_id, name: 'Sample Checking', type: 'depository', subtype: 'checking' }],
    transactions: [
      { account_id, transaction_id: 'sample-1', amount: 42.5, date: '2026-05-03', name: 'Grocer' },
      {
        account_id,
        transaction_id: 'sample-2',
        amount: -1200,
        date: '2026-05-15',
        name: 'Payroll',
      },
    ],
    total_transactions: 2,
    request_id: requestId,
  })
}
