/**
 * Batches as bytes: standard MessagePack through the SDK's own small encoder, the exact bytes
 * the client sends. (Equal to msgpackr's `pack` on every wire batch — see `msgpack.test.ts` —
 * without its 12 KB gzipped in every page that loads the SDK.)
 */
import type { WireBatch } from '../schema/envelope.js';
import { encodeMsgpack } from './msgpack.js';

/** The content type of a msgpack batch. */
export const MSGPACK_CONTENT_TYPE = 'application/msgpack';

/** Encode a wire batch as MessagePack bytes. */
export function encodeBatchBytes(batch: WireBatch): Uint8Array {
  return encodeMsgpack(batch);
}
