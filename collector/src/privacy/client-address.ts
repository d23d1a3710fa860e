/**
 * Which address a request came from, given `TRUST_PROXY`. `X-Forwarded-For` is written by
 * whoever sent the request, so it is believed only as far as the configuration says proxies we
 * run appended to it: not at all when `TRUST_PROXY` is off, for a fixed number of hops, or for as
 * long as the hops are inside trusted networks.
 */
import type * as Ipaddr from 'ipaddr.js';
import type { TrustProxy } from '../config.js';
import { PrivacyError } from './errors.js';
import { formatIp, ipaddr, parseIp, stripPort, type IpAddress } from './ip.js';

/** Trusted proxy networks, parsed once: see {@link parseTrustedProxies}. */
export interface TrustedProxies {
  /** Whether `address` is inside one of the networks. */
  contains(address: IpAddress): boolean;
  /** The networks in canonical `address/prefix` form, IPv4-mapped ranges as IPv4. */
  readonly cidrs: readonly string[];
}

/**
 * Parse `TRUST_PROXY` networks: CIDRs (`10.0.0.0/8`, `2001:db8::/32`) or single addresses
 * (`/32` or `/128`). An IPv4-mapped IPv6 range (`::ffff:10.0.0.0/104`) is read as the IPv4 range
 * it maps. Throws a {@link PrivacyError} (`invalid_trusted_proxy`) naming the first entry that is
 * not a network; the configuration calls this at start so a typo stops the collector there.
 */
export function parseTrustedProxies(cidrs: readonly string[]): TrustedProxies {
  const networks: { address: IpAddress; bits: number }[] = [];
  for (const entry of cidrs) {
    const network = parseNetwork(entry.trim());
    if (!network) {
      throw new PrivacyError('invalid_trusted_proxy', `"${entry}" is not an IP address or a CIDR range like 10.0.0.0/8 or 2001:db8::/32`);
    }
    networks.push(network);
  }
  return {
    cidrs: networks.map((n) => `${formatIp(n.address)}/${n.bits}`),
    contains: (address) => networks.some((n) => n.address.kind() === address.kind() && address.match(n.address, n.bits)),
  };
}

function parseNetwork(text: string): { address: IpAddress; bits: number } | null {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const bitsText = slash === -1 ? undefined : text.slice(slash + 1);
  if (addressText.includes('%')) return null;
  const v6 = addressText.includes(':');
  const parsed = v6 && ipaddr.IPv6.isValid(addressText) ? ipaddr.IPv6.parse(addressText) : parseIp(addressText);
  if (!parsed) return null;
  const max = parsed.kind() === 'ipv4' ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return null;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return null;
  if (parsed.kind() === 'ipv6' && (parsed as Ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    return { address: (parsed as Ipaddr.IPv6).toIPv4Address(), bits: bits - 96 };
  }
  return { address: parsed, bits };
}

/** Finds the client address of a request: see {@link createClientAddressResolver}. */
export type ClientAddressResolver = (socketAddress: string | undefined, forwardedFor: string | readonly string[] | undefined) => string | null;

/**
 * Compile `TRUST_PROXY` once into a resolver for the request path. The resolver returns the
 * client's address in canonical form (IPv4 dotted quad, IPv4-mapped IPv6 as IPv4, RFC 5952
 * IPv6), or null when not even the socket address is an IP address (a closed socket). It never
 * throws. The chain is the `X-Forwarded-For` entries, left to right, then the socket address:
 *
 * - `off`: the socket address; `X-Forwarded-For` is ignored.
 * - `hops` N: N proxies of ours are in front, the nearest being the socket peer, so the client
 *   is N places left of the socket address in the chain (N = 0 is the socket address). A chain
 *   shorter than that gives its leftmost entry.
 * - `cidrs`: walking from the socket address leftwards, every address inside a trusted network
 *   is one of our proxies; the first address that is not is the client. An untrusted socket
 *   peer is the client itself, whatever `X-Forwarded-For` it sent. A chain that is trusted all
 *   the way gives its leftmost entry.
 *
 * An entry that is not an IP address (`unknown`, garbage a client sent through a proxy) stops
 * the walk: the answer is then the last address that was, i.e. the proxy that passed it on.
 * Entries may carry a port (`203.0.113.7:4711`, `[2001:db8::1]:443`).
 *
 * Throws a {@link PrivacyError} when `trustProxy` holds a network that is not one.
 */
export function createClientAddressResolver(trustProxy: TrustProxy): ClientAddressResolver {
  if (trustProxy.kind === 'off') {
    return (socketAddress) => socketClient(socketAddress);
  }
  const trusted = trustProxy.kind === 'cidrs' ? parseTrustedProxies(trustProxy.cidrs) : undefined;
  const hops = trustProxy.kind === 'hops' ? trustProxy.hops : Number.POSITIVE_INFINITY;
  return (socketAddress, forwardedFor) => {
    const socket = typeof socketAddress === 'string' ? parseIp(socketAddress) : null;
    if (!socket) return null;
    const chain = forwardedEntries(forwardedFor);
    let client = socket;
    // `client` is trusted (a proxy of ours) while we step left; position 0 is the socket peer.
    for (let position = 0; position < hops; position++) {
      if (trusted && !trusted.contains(client)) break;
      const entry = chain.pop();
      if (entry === undefined) break;
      const next = parseIp(stripPort(entry));
      if (!next) break;
      client = next;
    }
    return formatIp(client);
  };
}

function socketClient(socketAddress: string | undefined): string | null {
  const socket = typeof socketAddress === 'string' ? parseIp(socketAddress) : null;
  return socket ? formatIp(socket) : null;
}

/** Most entries read from one request's `X-Forwarded-For`; a longer chain keeps its right end. */
const MAX_FORWARDED_ENTRIES = 32;

function forwardedEntries(header: string | readonly string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = typeof header === 'string' ? header : Array.isArray(header) ? header.filter((h) => typeof h === 'string').join(',') : '';
  const entries = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return entries.length > MAX_FORWARDED_ENTRIES ? entries.slice(-MAX_FORWARDED_ENTRIES) : entries;
}

const resolvers = new WeakMap<TrustProxy, ClientAddressResolver>();

/**
 * The client address of one request: {@link createClientAddressResolver} for `trustProxy`
 * (compiled once per configuration object and kept), applied to the socket's remote address and
 * the `X-Forwarded-For` header (a string, or the list of repeated headers). Null when the socket
 * has no address. Never throws for request input; throws a {@link PrivacyError} for an invalid
 * `trustProxy` network.
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | readonly string[] | undefined, trustProxy: TrustProxy): string | null {
  let resolve = resolvers.get(trustProxy);
  if (!resolve) {
    resolve = createClientAddressResolver(trustProxy);
    resolvers.set(trustProxy, resolve);
  }
  return resolve(socketAddress, forwardedFor);
}
