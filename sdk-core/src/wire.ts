/**
 * Turning a batch into bytes for the collector: standard MessagePack (no extensions), so any
 * msgpack library can speak the protocol.
 */
import { Packr } from 'msgpackr';
import type { WireBatch } from './schema/index.js';

/** The content type of a msgpack batch. */
export const MSGPACK_CONTENT_TYPE = 'application/msgpack';

const packr = new Packr({ useRecords: false, variableMapSize: true });

/** Encode a wire batch as MessagePack bytes. */
export function encodeBatchBytes(batch: WireBatch): Uint8Array {
  return packr.pack(batch);
}
