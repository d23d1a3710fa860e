/**
 * Broken copies of real batches, so the validators are compared on what they refuse as well as
 * on what they accept: fields of the wrong type or outside their limits, bad codes and time
 * offsets, wrong field counts, dangling mesh references, and broken envelopes. Deterministic
 * for a seed.
 */
import { createRng, type Rng } from '@vantage/fixtures';
import { EVENT_BY_CODE, type WireBatch } from '@vantage/sdk-core/schema';

/** Values put in place of one field of an event. */
const BAD_FIELD_VALUES: readonly unknown[] = [
  3_000_000_000,
  -3_000_000_000,
  '7',
  true,
  {},
  [],
  'x'.repeat(5000),
  'a\u0000b',
  '',
  'not-an-enum-value',
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];

/** Envelope changes; each breaks the envelope or stays valid (an unknown key is allowed). */
const ENVELOPE_CHANGES: ReadonlyArray<(batch: Record<string, unknown>) => void> = [
  (b) => (b.sid = 'short'),
  (b) => (b.sid = 'has spaces in it'),
  (b) => (b.seq = -1),
  (b) => (b.seq = 1.5),
  (b) => (b.v = 2),
  (b) => (b.sentAt = 0),
  (b) => (b.t0 = '1700000000000'),
  (b) => delete b.scene,
  (b) => (b.scene = 'no spaces allowed'),
  (b) => (b.ids = ['']),
  (b) => (b.events = 'none'),
  (b) => (b.anon = ''),
  (b) => (b.projectId = 'ignored-but-allowed'),
];

function clone<T>(value: T): T {
  return structuredClone(value);
}

function breakEvent(raw: unknown[], batch: WireBatch, rng: Rng): unknown {
  const tuple = [...raw];
  const def = typeof tuple[0] === 'number' ? EVENT_BY_CODE[tuple[0]] : undefined;
  switch (rng.int(0, 9)) {
    case 0:
      tuple[0] = rng.pick([99, 0, '3', 3.5]);
      return tuple;
    case 1:
      tuple[1] = rng.pick([-5, 3_600_001, 1.5, '10', null]);
      return tuple;
    case 2:
      return tuple.slice(0, rng.int(0, 2));
    case 3:
      return [...tuple, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    case 4: {
      const meshAt = def ? def.keys.indexOf('mesh') : -1;
      if (meshAt >= 0) tuple[meshAt + 2] = (batch.ids?.length ?? 0) + rng.int(0, 5);
      else tuple[2] = rng.pick(BAD_FIELD_VALUES);
      return tuple;
    }
    case 5:
      return rng.pick([{ code: tuple[0] }, 'event', 42]);
    default: {
      const at = rng.int(2, Math.max(2, tuple.length - 1));
      const old = tuple[at];
      tuple[at] = typeof old === 'number' && rng.chance(0.3) ? old + 0.5 : rng.pick(BAD_FIELD_VALUES);
      return tuple;
    }
  }
}

/**
 * Broken copies of `batches`: every batch gets about a third of its events broken; every fourth
 * also gets one envelope change. The originals are not touched.
 */
export function breakBatches(batches: readonly WireBatch[], seed: number): unknown[] {
  const rng = createRng(seed);
  return batches.map((batch, index) => {
    const copy = clone(batch);
    copy.events = copy.events.map((raw) => (Array.isArray(raw) && rng.chance(0.35) ? breakEvent(raw, batch, rng) : raw));
    if (index % 4 === 3) rng.pick(ENVELOPE_CHANGES)(copy as unknown as Record<string, unknown>);
    return copy;
  });
}
