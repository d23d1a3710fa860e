/**
 * Parsing IP addresses strictly, with `ipaddr.js`. Internal to the privacy module. IPv4-mapped
 * IPv6 addresses (`::ffff:203.0.113.7`, what a dual-stack socket reports for IPv4 peers) become
 * plain IPv4, so one visitor has one address whichever way the socket saw them.
 */
import { createRequire } from 'node:module';
import type * as Ipaddr from 'ipaddr.js';

/**
 * `ipaddr.js` itself. It is CommonJS (`module.exports = ipaddr`) with `export =` types, which
 * this repository's settings (no `esModuleInterop`) cannot default-import, so it is required.
 */
export const ipaddr = createRequire(import.meta.url)('ipaddr.js') as typeof Ipaddr;

/** An address as `ipaddr.js` models it. */
export type IpAddress = Ipaddr.IPv4 | Ipaddr.IPv6;

/**
 * `value` as an address, or null. Only dotted-quad IPv4 (no `127.1`, hex or octal forms) and
 * IPv6 are accepted; a zone id (`fe80::1%eth0`) is dropped. Never throws: `ipaddr.js` errors
 * can quote their input, so none escapes from here.
 */
export function parseIp(value: string): IpAddress | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '' || text.length > 64) return null;
  try {
    if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
    if (!ipaddr.IPv6.isValid(text)) return null;
    const v6 = ipaddr.IPv6.parse(text);
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
    return new ipaddr.IPv6(v6.parts);
  } catch {
    return null;
  }
}

/** The canonical text of an address: dotted quad, or RFC 5952 IPv6 (lower-case, `::`). */
export function formatIp(address: IpAddress): string {
  return address.kind() === 'ipv4' ? address.toString() : (address as Ipaddr.IPv6).toRFC5952String();
}

/** `value` in canonical form ({@link formatIp}), or null when it is not an IP address. */
export function normaliseIp(value: string): string | null {
  const address = parseIp(value);
  return address ? formatIp(address) : null;
}

/**
 * An address with a port or brackets, as some proxies write `X-Forwarded-For` entries
 * (`203.0.113.7:51234`, `[2001:db8::1]:443`, `[2001:db8::1]`), reduced to the address text.
 */
export function stripPort(value: string): string {
  const text = value.trim();
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    return end > 0 ? text.slice(1, end) : text;
  }
  const colon = text.indexOf(':');
  // One colon: IPv4 with a port. More than one: a bare IPv6 address.
  if (colon > 0 && colon === text.lastIndexOf(':')) return text.slice(0, colon);
  return text;
}
