/**
 * The two keyed hashes of the privacy module, as pure functions of a salt. The salts themselves
 * live in the store (`salts.ts`) and rotate; {@link createVisitorHasher} in `visitor-hash.ts`
 * picks the right one.
 */
import { createHmac } from 'node:crypto';

/**
 * Visitor hash: HMAC-SHA256 under `salt` over the project id, the IP address and the user agent,
 * each as a 4-byte big-endian UTF-8 byte length followed by its bytes, so no two different
 * inputs run together into the same bytes (`('ab', 'c')` ≠ `('a', 'bc')`). Lower-case hex, 64
 * characters. Callers pass the IP in canonical form (`normaliseIp`) so one visitor has one hash.
 */
export function visitorHmac(salt: Uint8Array, projectId: string, ip: string, userAgent: string): string {
  const hmac = createHmac('sha256', salt);
  for (const part of [projectId, ip, userAgent]) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32BE(bytes.length, 0);
    hmac.update(length);
    hmac.update(bytes);
  }
  return hmac.digest('hex');
}

/** `ip_hash`: HMAC-SHA256 of the IP address (UTF-8) under `salt`, its first 16 bytes as 32 hex characters. */
export function ipHmac(salt: Uint8Array, ip: string): string {
  return createHmac('sha256', salt).update(ip, 'utf8').digest().subarray(0, 16).toString('hex');
}
