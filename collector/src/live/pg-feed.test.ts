/**
 * NOTIFY payloads: keys only, split so that none reaches PostgreSQL's 8000-byte limit, and read
 * back to the same batches; a real round trip between two feeds is in live-processes.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { CommittedBatch } from './feed.js';
import { decodePayload, encodePayloads, MAX_PAYLOAD_BYTES } from './pg-feed.js';

describe('live NOTIFY payloads', () => {
  it('split a large flush into payloads under the limit that read back to the same batches', () => {
    const batches: CommittedBatch[] = Array.from({ length: 400 }, (_, i) => ({
      projectId: '0b6f1a52-8c1e-4b0e-9a55-3f1d2c4b5a69',
      sessionId: `s${String(i).padStart(63, 'x')}`,
      seq: i * 1000,
      sceneId: `scene/${'y'.repeat(120)}${i}`.slice(0, 128),
    }));
    const payloads = encodePayloads('origin-1', batches);
    expect(payloads.length).toBeGreaterThan(10);
    for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    const decoded = payloads.map((p) => decodePayload(p));
    expect(decoded.every((d) => d?.origin === 'origin-1')).toBe(true);
    expect(decoded.flatMap((d) => d?.batches ?? [])).toEqual(batches);
  });

  it('skip what is not a payload of theirs', () => {
    expect(decodePayload('not json')).toBeNull();
    expect(decodePayload('{"o":1}')).toBeNull();
    expect(decodePayload('{"o":"x","b":[["p","s","1","sc"],["p","s",2,"sc"]]}')).toEqual({ origin: 'x', batches: [{ projectId: 'p', sessionId: 's', seq: 2, sceneId: 'sc' }] });
  });
});
