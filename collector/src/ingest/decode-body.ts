/**
 * Step 1 of ingest: bytes to a value. MessagePack (standard, no extensions) or JSON; `text/plain`
 * is read as JSON because `navigator.sendBeacon` may only send CORS-safelisted types.
 */
import { Packr, Unpackr } from 'msgpackr';

/** Content types the collect endpoint decodes. */
export const SUPPORTED_CONTENT_TYPES = ['application/msgpack', 'application/x-msgpack', 'application/json', 'text/plain'] as const;

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });
const packr = new Packr({ useRecords: false });

/** The decoded value, or why it could not be decoded. */
export type BodyDecodeResult = { ok: true; value: unknown } | { ok: false; detail: string };

/** The media type without parameters, lower-case (`application/json; charset=utf-8` → `application/json`). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Decode a request body according to its media type. */
export function decodeBody(body: Uint8Array, contentType: string): BodyDecodeResult {
  const type = mediaType(contentType);
  if (body.length === 0) return { ok: false, detail: 'empty body' };
  try {
    if (type === 'application/msgpack' || type === 'application/x-msgpack') {
      return { ok: true, value: unpackr.unpack(body) };
    }
    if (type === 'application/json' || type === 'text/plain') {
      return { ok: true, value: JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')) };
    }
    return { ok: false, detail: `unsupported content type "${type || '(none)'}"; send application/msgpack or application/json` };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, detail: `body cannot be decoded as ${type}: ${reason.slice(0, 200)}` };
  }
}

/** Encode `value` in the media type a body came in (msgpack, else JSON as UTF-8), e.g. to keep a cleaned copy of it. */
export function encodeBody(value: unknown, contentType: string): Uint8Array {
  const type = mediaType(contentType);
  if (type === 'application/msgpack' || type === 'application/x-msgpack') return packr.pack(value);
  return new TextEncoder().encode(JSON.stringify(value));
}
