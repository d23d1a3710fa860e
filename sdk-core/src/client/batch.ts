/**
 * Cutting the queue into wire batches. A batch holds events of one session, at most
 * `maxEvents` of them, within the wire's limits (one hour from `t0`, 1,024 mesh ids, 1,000
 * events), and its encoding stays under `maxBytes` — below the 64 KB that browsers allow for
 * `keepalive` requests and beacons in flight. A batch too large is halved until it fits.
 */
import type { WireBatch } from '../schema/envelope.js';
import { IdTable } from '../schema/id-table.js';
import { MAX_BATCH_EVENTS, MAX_EVENT_OFFSET_MS, MAX_MESH_IDS, SCHEMA_VERSION } from '../schema/scalars.js';
import { SPEC_BY_CODE, type FieldRule } from './events.js';
import { utf8Length } from './msgpack.js';
import type { BoundedQueue } from './queue.js';
import type { Session } from './session.js';
import type { QueuedTuple } from './tuple.js';

/** Browsers refuse `keepalive` fetches and beacons beyond 64 KiB of bodies in flight per page. */
export const BEACON_LIMIT_BYTES = 65_536;

/** How large a batch may grow. */
export interface BatchLimits {
  /** Most events per batch (at most the wire's 1,000). */
  maxEvents: number;
  /** Most bytes of one encoded batch. */
  maxBytes: number;
}

/** The envelope fields that do not come from the queue. */
export interface BatchContext {
  scene: string;
  /** Epoch ms of sending. */
  sentAt: number;
  /** The key in the body, for beacons (which cannot send headers). */
  key?: string;
  anon?: string;
  user?: string;
}

/** A batch cut from the queue, with its session and its encoding. */
export interface TakenBatch<P> {
  kind: 'batch';
  session: Session;
  batch: WireBatch;
  payload: P;
  bytes: number;
}

/**
 * The outcome of {@link takeBatch}: a batch (removed from the queue), or the head event alone
 * is over `maxBytes` (left in the queue: the caller decides to drop it or to wait), or `null`
 * for an empty queue.
 */
export type TakeResult<P> = TakenBatch<P> | { kind: 'too_large'; bytes: number } | null;

/** Size of an encoded payload in bytes. */
export function payloadBytes(payload: Uint8Array | string): number {
  return typeof payload === 'string' ? utf8Length(payload) : payload.byteLength;
}

/** Calls `fn` with each mesh id of a queued tuple and its position in the tuple. */
function forEachMesh(tuple: QueuedTuple, fn: (mesh: string, at: number) => void): void {
  const fields = SPEC_BY_CODE[tuple[0] as number]?.fields ?? [];
  for (let i = 0; i < fields.length; i++) {
    const mesh = tuple[i + 2];
    if ((fields[i] as FieldRule)[1] === 'mesh' && typeof mesh === 'string') fn(mesh, i + 2);
  }
}

/** How many events from the head of the queue may share one batch, ignoring bytes. */
function runLength(queue: BoundedQueue<Session, QueuedTuple>, maxEvents: number): number {
  const session = queue.ownerAt(0);
  const t0 = Math.round(queue.itemAt(0)[1] as number);
  const limit = Math.min(queue.length, maxEvents, MAX_BATCH_EVENTS);
  const meshIds = new Set<string>();
  let n = 0;
  for (; n < limit; n++) {
    if (queue.ownerAt(n) !== session) break;
    const tuple = queue.itemAt(n);
    if (Math.round(tuple[1] as number) - t0 > MAX_EVENT_OFFSET_MS) break;
    let full = false;
    forEachMesh(tuple, (mesh) => {
      if (meshIds.has(mesh)) return;
      if (meshIds.size === MAX_MESH_IDS) full = true;
      else meshIds.add(mesh);
    });
    if (full) break;
  }
  return n;
}

/** The wire batch of the first `n` queued events. */
function assemble(queue: BoundedQueue<Session, QueuedTuple>, n: number, seq: number, context: BatchContext): WireBatch {
  const session = queue.ownerAt(0);
  const t0 = Math.round(queue.itemAt(0)[1] as number);
  const ids = new IdTable();
  const events: unknown[][] = new Array<unknown[]>(n);
  for (let i = 0; i < n; i++) {
    const wire = queue.itemAt(i).slice();
    wire[1] = Math.max(0, Math.round(wire[1] as number) - t0);
    forEachMesh(wire, (mesh, at) => {
      wire[at] = ids.intern(mesh);
    });
    events[i] = wire;
  }
  const { scene, sentAt, key, anon, user } = context;
  // Absent fields stay `undefined`: neither msgpack nor JSON writes them.
  return { v: SCHEMA_VERSION, sid: session.id, seq, scene, sentAt: Math.round(sentAt), t0, ids: ids.ids.length > 0 ? ids.ids : undefined, key, anon, user, events };
}

/**
 * Cut the next batch from the head of the queue and encode it with `encode`; removes what it
 * took and uses up the session's next `seq`.
 */
export function takeBatch<P extends Uint8Array | string>(
  queue: BoundedQueue<Session, QueuedTuple>,
  context: BatchContext,
  limits: BatchLimits,
  encode: (batch: WireBatch) => P,
): TakeResult<P> {
  if (queue.length === 0) return null;
  const session = queue.ownerAt(0);
  let n = runLength(queue, Math.max(1, limits.maxEvents));
  for (;;) {
    const batch = assemble(queue, n, session.nextSeq, context);
    const payload = encode(batch);
    const bytes = payloadBytes(payload);
    if (bytes <= limits.maxBytes) {
      queue.shift(n);
      session.nextSeq++;
      return { kind: 'batch', session, batch, payload, bytes };
    }
    if (n === 1) return { kind: 'too_large', bytes };
    n = Math.ceil(n / 2);
  }
}
