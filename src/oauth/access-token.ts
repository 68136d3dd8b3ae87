import crypto from 'node:crypto'

import { LRUCache } from 'lru-cache'

import { epochSeconds, type Clock } from '../clock.js'
import type { CredentialEventFeed } from '../credentials/credential-events.js'
import { SIGNING_ALG, type SigningKeyStore } from './signing-keys.js'
import { newTokenId } from './token-ids.js'

/** The claims of an RFC 9068 JWT access token, plus the organization it acts for. */
export interface AccessTokenClaims {
  iss: string
  sub: string
  aud: string
  client_id: string
  org_id: string
  scope: string
  jti: string
  iat: number
  exp: number
}

export interface IssueRequest {
  clientId: string
  orgId: string
  scope: string
  audience: string
}

export interface AccessTokenSettings {
  issuer: string
  audiences: readonly string[]
  ttlSeconds: number
  clockToleranceSeconds: number
}

/** Why a token was refused; logged, never sent (the client sees only invalid_token). */
export type TokenRejection =
  | 'malformed'
  | 'unsupported_header'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'client_revoked'

export type VerifyResult =
  { ok: true; claims: AccessTokenClaims } | { ok: false; reason: TokenRejection }

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/
const CACHE_SIZE = 50_000

/**
 * Issues and verifies JWT access tokens (RFC 9068), signed ES256 with node:crypto, whose
 * IEEE P1363 signature encoding is exactly the JWS form (RFC 7518 §3.4).
 */
export class AccessTokens {
  /** Tokens whose signature and fixed claims were checked once; expiry is rechecked per use. */
  private readonly verified = new LRUCache<string, AccessTokenClaims>({ max: CACHE_SIZE })
  private readonly headers = new Map<string, string>()

  constructor(
    private readonly keys: SigningKeyStore,
    private readonly feed: CredentialEventFeed,
    private readonly clock: Clock,
    private readonly settings: AccessTokenSettings,
  ) {}

  get ttlSeconds(): number {
    return this.settings.ttlSeconds
  }

  issue(request: IssueRequest): { token: string; claims: AccessTokenClaims } {
    const key = this.keys.signingKey()
    const iat = epochSeconds(this.clock.now())
    const claims: AccessTokenClaims = {
      iss: this.settings.issuer,
      sub: request.clientId,
      aud: request.audience,
      client_id: request.clientId,
      org_id: request.orgId,
      scope: request.scope,
      jti: newTokenId(),
      iat,
      exp: iat + this.settings.ttlSeconds,
    }

    const input = `${this.header(key.kid)}.${encode(claims)}`
    const signature = crypto.sign('sha256', Buffer.from(input), {
      key: key.privateKey,
      dsaEncoding: 'ieee-p1363',
    })
    return { token: `${input}.${signature.toString('base64url')}`, claims }
  }

  /** Checks a bearer token; a token seen before skips the signature check. */
  async verify(token: string): Promise<VerifyResult> {
    const cached = this.verified.get(token)
    const result =
      cached !== undefined ? { ok: true as const, claims: cached } : await this.check(token)
    if (!result.ok) return result

    return this.checkLiveness(result.claims)
  }

  /** Claims of a token this server signed, still valid or not; for revocation. */
  async decodeOwn(token: string): Promise<AccessTokenClaims | undefined> {
    const result = await this.check(token)
    return result.ok ? result.claims : undefined
  }

  private checkLiveness(claims: AccessTokenClaims): VerifyResult {
    const now = epochSeconds(this.clock.now())
    const leeway = this.settings.clockToleranceSeconds

    if (claims.exp + leeway <= now) return { ok: false, reason: 'expired' }
    if (claims.iat - leeway > now) return { ok: false, reason: 'not_yet_valid' }
    if (this.feed.isTokenRevoked(claims.jti)) return { ok: false, reason: 'revoked' }
    if (this.feed.isClientRevoked(claims.client_id)) return { ok: false, reason: 'client_revoked' }
    return { ok: true, claims }
  }

  private async check(token: string): Promise<VerifyResult> {
    if (token.length > 4096 || !JWT_SHAPE.test(token)) return { ok: false, reason: 'malformed' }
    const [headerPart, payloadPart, signaturePart] = token.split('.') as [string, string, string]

    const header = decode(headerPart)
    if (!isHeader(header)) return { ok: false, reason: 'unsupported_header' }

    const key =
      this.keys.cachedVerificationKey(header.kid) ?? (await this.keys.verificationKey(header.kid))
    if (key === undefined) return { ok: false, reason: 'unknown_key' }

    const valid = crypto.verify(
      'sha256',
      Buffer.from(`${headerPart}.${payloadPart}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signaturePart, 'base64url'),
    )
    if (!valid) return { ok: false, reason: 'bad_signature' }

    const claims = decode(payloadPart)
    if (!isClaims(claims)) return { ok: false, reason: 'malformed' }
    if (claims.iss !== this.settings.issuer) return { ok: false, reason: 'wrong_issuer' }
    if (!this.settings.audiences.includes(claims.aud))
      return { ok: false, reason: 'wrong_audience' }

    this.verified.set(token, claims)
    return { ok: true, claims }
  }

  private header(kid: string): string {
    let header = this.headers.get(kid)
    if (header === undefined) {
      // RFC 9068 §2.1: access tokens carry typ "at+jwt" so they cannot pass as ID tokens.
      header = encode({ alg: SIGNING_ALG, typ: 'at+jwt', kid })
      this.headers.set(kid, header)
    }
    return header
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url')
}

function decode(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  } catch {
    return undefined
  }
}

function isHeader(value: unknown): value is { alg: string; typ: string; kid: string } {
  if (typeof value !== 'object' || value === null) return false
  const header = value as Record<string, unknown>
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : ''
  return (
    header.alg === SIGNING_ALG &&
    (typ === 'at+jwt' || typ === 'application/at+jwt') &&
    typeof header.kid === 'string'
  )
}

function isClaims(value: unknown): value is AccessTokenClaims {
  if (typeof value !== 'object' || value === null) return false
  const claims = value as Record<string, unknown>
  const strings = ['iss', 'sub', 'aud', 'client_id', 'org_id', 'scope', 'jti'] as const
  return (
    strings.every((name) => typeof claims[name] === 'string') &&
    Number.isInteger(claims.iat) &&
    Number.isInteger(claims.exp)
  )
}
