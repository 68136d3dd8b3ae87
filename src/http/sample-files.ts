/**
 * Small files written as text, so the Postman collection can upload them with no file on the
 * user's disk. Postman sends a raw body as UTF-8, so every byte here is below 0x80.
 */

/** A 4×4 24-bit BMP in shades of gray: header fields and pixels all fit in 7 bits. */
export function sampleBmp(): string {
  const width = 4
  const height = 4
  const stride = width * 3
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

  const pixels = Buffer.alloc(stride * height)
  for (let i = 0; i < pixels.length; i++) pixels[i] = 0x30 + ((i * 7) % 0x40)
  return Buffer.concat([header, pixels]).toString('latin1')
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
