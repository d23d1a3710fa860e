/**
 * What one flush of the write buffer costs, by its size: the collector's own write buffer on a
 * real PostgreSQL database, fed groups of 1, 4, 16 and 64 new 50-event batches, one group at a
 * time (so each group is exactly one flush: one statement, one commit). For each size: wall time
 * per flush and per event (the collector builds the statement, PostgreSQL runs and commits it),
 * and PostgreSQL's CPU per event read from /proc.
 *
 * Under load the write buffer gathers whatever arrives while a flush runs, so its flushes grow
 * with the load; this says what that growth is worth, for the capacity arithmetic in
 * docs/scaling.md. Every batch is new (fresh simulated sessions per size) and the section checks
 * that each group took exactly one flush and stored every event.
 */
import { createHash } from 'node:crypto';
import { EVENT_TYPES, createWireValidators, type CaptureFlags } from '@vantage/sdk-core/schema';
import { createWriteBuffer } from '../collector/src/ingest/write-buffer.js';
import type { AcceptedBatch } from '../collector/src/ingest/types.js';
import { validateEvents } from '../collector/src/ingest/validate-events.js';
import { openStore } from '../collector/src/storage/index.js';
import { createProject } from '../collector/src/tenants/projects.js';
import { startPostgres } from '../test/postgres-server.js';
import type { Cleanup } from './cleanup.js';
import { countFlushes, createDatabase, trackFlushes } from './database-counts.js';
import { postgresCpuMs, postmasterPid } from './postgres-cpu.js';
import { row, type TableRow } from './report.js';
import { BATCH_EVENTS, simulateBatches } from './sample.js';

/** The flush sizes measured, in batches. */
export const FLUSH_SIZES = [1, 4, 16, 64] as const;

export interface FlushSizeRow {
  /** Batches per flush. */
  batches: number;
  /** Flushes measured (after the warm-up ones). */
  flushes: number;
  msPerFlush: number;
  /** Wall time per event: building the statement in the collector plus running it. */
  wallUsPerEvent: number;
  /** PostgreSQL's CPU per event (all its processes), null where /proc cannot be read. */
  postgresCpuUsPerEvent: number | null;
}

export interface FlushSizeOptions {
  /** Events measured per size (default 64,000: 1,280 flushes of one batch, 20 of 64). */
  eventsPerSize?: number;
  /** The database created for it (default `vantage_bench_flush`). */
  database?: string;
  progress(line: string): void;
}

/** Flushes per size run before measuring: PostgreSQL prepares the statement and settles its plan. */
const WARMUP_FLUSHES = 6;

/** Start a PostgreSQL server of its own, measure every flush size on it, stop it. */
export async function runFlushSizes(options: FlushSizeOptions & { cleanup: Cleanup }): Promise<FlushSizeRow[]> {
  options.progress('starting PostgreSQL (initdb in a temporary folder)');
  const pg = await startPostgres();
  const stopPostgres = options.cleanup.defer('stop PostgreSQL', () => pg.stop());
  try {
    return await measureFlushSizes(pg.url, options);
  } finally {
    await stopPostgres();
  }
}

/** Table rows: each larger flush's cost per event next to the one-batch flush's. */
export function flushSizeRows(rows: readonly FlushSizeRow[]): TableRow[] {
  const one = rows.find((r) => r.batches === 1);
  if (!one) return [];
  const base = 'flushes of 1 batch';
  const out: TableRow[] = [];
  for (const r of rows) {
    if (r === one) continue;
    if (r.postgresCpuUsPerEvent !== null && one.postgresCpuUsPerEvent !== null) {
      out.push(row(`flush of ${r.batches} batches, PostgreSQL CPU per event (µs)`, r.postgresCpuUsPerEvent, one.postgresCpuUsPerEvent, base, 2));
    }
  }
  const largest = rows[rows.length - 1];
  if (largest && largest !== one) {
    out.push(row(`flush of ${largest.batches} batches, wall time per event (µs; collector builds, PostgreSQL runs)`, largest.wallUsPerEvent, one.wallUsPerEvent, base, 2));
  }
  return out;
}

/** Measure every size of {@link FLUSH_SIZES} in a fresh database on the server at `serverUrl`. */
export async function measureFlushSizes(serverUrl: string, options: FlushSizeOptions): Promise<FlushSizeRow[]> {
  const databaseUrl = await createDatabase(serverUrl, options.database ?? 'vantage_bench_flush');
  await trackFlushes(databaseUrl);
  let expectedFlushes = 0;
  const rows: FlushSizeRow[] = [];
  // The embedded store's folder is not used when a database URL is given.
  const store = await openStore({ databaseUrl, dataDir: '', maxConnections: 2 });
  try {
    const { project } = await createProject(store, { name: 'flush sizes', privacyMode: 'standard', retentionDays: 90 }, 'system');
    const postmaster = await postmasterPid(databaseUrl);
    const validators = createWireValidators();
    // Every channel on, so the opt-in channels' rollups are part of the flush too.
    const capture = Object.fromEntries(EVENT_TYPES.map((t) => [t, true])) as CaptureFlags;
    const eventsPerSize = options.eventsPerSize ?? 64_000;
    let seed = 7_000;
    for (const size of FLUSH_SIZES) {
      const flushes = Math.max(4, Math.round(eventsPerSize / (size * BATCH_EVENTS)));
      const batches = acceptedBatches((flushes + WARMUP_FLUSHES) * size, seed++, project.id, capture, validators);
      const buffer = createWriteBuffer(store, { concurrency: 1 });
      const groups: AcceptedBatch[][] = [];
      for (let i = 0; i < batches.length; i += size) groups.push(batches.slice(i, i + size));
      for (const group of groups.slice(0, WARMUP_FLUSHES)) await writeGroup(buffer, group);
      const before = buffer.stats();
      const cpuBefore = postgresCpuMs(postmaster);
      const started = process.hrtime.bigint();
      for (const group of groups.slice(WARMUP_FLUSHES)) await writeGroup(buffer, group);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      const cpuAfter = postgresCpuMs(postmaster);
      const after = buffer.stats();
      const events = after.events - before.events;
      const expected = groups.slice(WARMUP_FLUSHES).reduce((n, g) => n + g.reduce((m, b) => m + b.events.length, 0), 0);
      if (after.flushes - before.flushes !== flushes || events !== expected) {
        throw new Error(`bench: ${size}-batch groups took ${after.flushes - before.flushes} flushes for ${flushes} groups and stored ${events} of ${expected} events`);
      }
      expectedFlushes += groups.length;
      const row: FlushSizeRow = {
        batches: size,
        flushes,
        msPerFlush: wallMs / flushes,
        wallUsPerEvent: (wallMs * 1000) / events,
        postgresCpuUsPerEvent: cpuBefore === null || cpuAfter === null ? null : ((cpuAfter - cpuBefore) * 1000) / events,
      };
      options.progress(describeFlushSize(row));
      rows.push(row);
    }
  } finally {
    await store.close();
  }
  // PostgreSQL's own count of flush statements: one per group, nothing split or merged.
  const counted = await countFlushes(databaseUrl, expectedFlushes);
  if (counted !== expectedFlushes) throw new Error(`bench: PostgreSQL ran ${String(counted)} flush statements for ${expectedFlushes} groups`);
  return rows;
}

/** Write a group of batches in one turn of the event loop: the buffer flushes them together. */
async function writeGroup(buffer: ReturnType<typeof createWriteBuffer>, group: readonly AcceptedBatch[]): Promise<void> {
  const results = await Promise.all(group.map((b) => buffer.write(b)));
  if (results.some((r) => r.duplicate)) throw new Error('bench: a fresh batch was taken for a duplicate');
}

/** `count` full batches of fresh simulated sessions, as the collector accepts them. */
function acceptedBatches(count: number, seed: number, projectId: string, capture: CaptureFlags, validators: ReturnType<typeof createWireValidators>): AcceptedBatch[] {
  // Enough simulated sessions for `count` full batches (about 20 each), then only those validated.
  let wires = simulateBatches(50, seed).batches;
  for (let sessions = 100; wires.length < count; sessions *= 2) wires = simulateBatches(sessions, seed).batches;
  return wires.slice(0, count).map((wire) => {
    const { batch } = validateEvents(wire, { projectId, capture, validators, receivedAt: wire.sentAt, contentType: 'application/msgpack', privacyMode: 'standard' });
    batch.fold = { deviceType: 'desktop', browser: 'Chrome', voxelMm: 250, visitorHashTtlMs: 86_400_000 };
    batch.session = {
      privacyMode: 'standard',
      visitorHash: createHash('sha256').update(wire.sid).digest('hex'),
      previousVisitorHash: null,
      ipHash: null,
      context: { browser: 'Chrome', os: 'Windows', deviceType: 'desktop' },
      segment: { deviceType: 'desktop', browser: 'Chrome' },
      anonymousId: null,
      userId: null,
    };
    return batch;
  });
}

export function describeFlushSize(row: FlushSizeRow): string {
  const cpu = row.postgresCpuUsPerEvent === null ? 'PostgreSQL CPU n/a' : `PostgreSQL ${row.postgresCpuUsPerEvent.toFixed(2)} µs CPU/event`;
  return `  ${String(row.batches).padStart(2)} batch${row.batches === 1 ? '' : 'es'} per flush: ${row.msPerFlush.toFixed(2)} ms per flush, ${row.wallUsPerEvent.toFixed(2)} µs/event wall, ${cpu} (${row.flushes} flushes)`;
}
