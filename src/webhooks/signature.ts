import crypto from 'node:crypto'

/**
 * The hex HMAC-SHA256 of reference §8.4, keyed with the webhook's secret (its UTF-8 bytes),
 * over `{timestamp}.{request_id}.{raw body}`.
 */
export function computeSignature(
  secret: string,
  timestamp: number,
  requestId: string,
  body: string,
): string {
  return crypto
    .createHmac('sha256', secret)
    .update(`${timestamp}.${requestId}.${body}`)
    .digest('hex')
}

/**
 * The three signing headers. `Webhook-Request-Id` is the delivery's uuid, the same on every
 * retry of one event, so a receiver can drop a repeat; the timestamp is the attempt's own.
 */
export function signatureHeaders(
  secret: string,
  timestamp: number,
  requestId: string,
  body: string,
): Record<string, string> {
  return {
    'webhook-signature': computeSignature(secret, timestamp, requestId, body),
    'webhook-timestamp': String(timestamp),
    'webhook-request-id': requestId,
  }
}
