/**
 * Request bodies decoded the way the collector decodes them (collector/src/ingest/decode-body.ts):
 * msgpackr with the same settings, or UTF-8 then `JSON.parse`. Shared by the decode timing and
 * the bare baseline server, so both pay what the collector pays.
 */
import { Unpackr } from 'msgpackr';

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** Decode a msgpack body. */
export function unpackBody(body: Uint8Array): unknown {
  return unpackr.unpack(body);
}

/** Decode a JSON body from its UTF-8 bytes. */
export function parseJsonBody(body: Buffer): unknown {
  return JSON.parse(body.toString('utf8'));
}
