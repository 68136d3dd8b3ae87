import dns from 'node:dns'

import ipaddr from 'ipaddr.js'

export interface AddressPolicySettings {
  /** Every address allowed: for a development machine only. */
  allowPrivate: boolean
  /** Host names, addresses and CIDR ranges allowed although private. */
  allowedHosts: readonly string[]
}

export type HostCheck =
  | { ok: true }
  | { ok: false; reason: 'refused'; address: string }
  | { ok: false; reason: 'unresolved'; detail: string }

/** Resolves a host name to every address it has. */
export type Lookup = (host: string) => Promise<string[]>

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number]

const HOST_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/i

/**
 * Which hosts a webhook may reach. A webhook is a request the server makes on a tenant's
 * behalf, so by default it may only reach public unicast addresses: never loopback, RFC 1918
 * or ULA networks, link-local (cloud metadata at 169.254.169.254), CGNAT, unspecified,
 * multicast or reserved ones. A host passes only when every address it resolves to does.
 */
export class AddressPolicy {
  private readonly names = new Set<string>()
  private readonly ranges: Range[] = []

  constructor(
    private readonly settings: AddressPolicySettings,
    private readonly lookup: Lookup = systemLookup,
  ) {
    for (const entry of settings.allowedHosts) this.allow(entry.trim().toLowerCase())
  }

  isAllowedAddress(address: string): boolean {
    if (this.settings.allowPrivate) return true

    // process() turns an IPv4-mapped IPv6 address (::ffff:10.0.0.1) into the IPv4 it carries.
    const ip = ipaddr.process(address)
    if (this.ranges.some(([net, bits]) => net.kind() === ip.kind() && ip.match(net, bits)))
      return true
    return ip.range() === 'unicast'
  }

  /** Resolves `host` (within `timeoutMs`) and checks each of its addresses. */
  async check(host: string, timeoutMs: number): Promise<HostCheck> {
    const name = host.toLowerCase().replace(/\.$/, '')
    if (this.settings.allowPrivate || this.names.has(name)) return { ok: true }

    const addresses = ipaddr.isValid(host) ? [host] : await this.resolve(host, timeoutMs)
    if (!Array.isArray(addresses)) return addresses

    const refused = addresses.find((address) => !this.isAllowedAddress(address))
    return refused === undefined ? { ok: true } : { ok: false, reason: 'refused', address: refused }
  }

  private async resolve(host: string, timeoutMs: number): Promise<string[] | HostCheck> {
    try {
      const addresses = await withTimeout(this.lookup(host), timeoutMs)
      if (addresses.length > 0) return addresses
      return { ok: false, reason: 'unresolved', detail: 'no address' }
    } catch (error) {
      const code = (error as { code?: unknown }).code
      return { ok: false, reason: 'unresolved', detail: typeof code === 'string' ? code : 'failed' }
    }
  }

  /** An operator's allow-list entry: a CIDR range, one address, or a host name. */
  private allow(entry: string): void {
    if (ipaddr.isValidCIDR(entry)) this.ranges.push(ipaddr.parseCIDR(entry))
    else if (ipaddr.isValid(entry)) {
      const ip = ipaddr.parse(entry)
      this.ranges.push([ip, ip.kind() === 'ipv4' ? 32 : 128])
    } else if (HOST_NAME.test(entry)) this.names.add(entry.replace(/\.$/, ''))
    else {
      throw new TypeError(
        `QUIRE_WEBHOOK_ALLOWED_HOSTS: "${entry}" is not a host name, an address or a CIDR range`,
      )
    }
  }
}

async function systemLookup(host: string): Promise<string[]> {
  const results = await dns.promises.lookup(host, { all: true, verbatim: true })
  return results.map((r) => r.address)
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
