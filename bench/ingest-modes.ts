/**
 * Ingest with raw session retention on and off: the collector with `ENABLE_RAW_SESSION_RETENTION`
 * (one compressed `session_chunks` row per accepted batch) next to the same collector without it
 * and the bare server, all loaded with the same msgpack bodies in the same run; and what each mode
 * stores on disk per event. The runs themselves are made by `ingest.ts`.
 */
import type { ServerRun } from './ingest.js';
import { row, type TableRow } from './report.js';

/** The msgpack runs of the three servers, when all three were measured. */
export function rawRetentionRuns(runs: readonly ServerRun[]): { bare: ServerRun; off: ServerRun; on: ServerRun } | null {
  const contentType = runs.find((r) => r.rawRetention)?.contentType;
  if (contentType === undefined) return null;
  const bare = runs.find((r) => r.server === 'bare' && r.contentType === contentType);
  const off = runs.find((r) => r.server === 'vantage' && !r.rawRetention && r.contentType === contentType);
  const on = runs.find((r) => r.server === 'vantage' && r.rawRetention && r.contentType === contentType);
  return bare && off && on ? { bare, off, on } : null;
}

/**
 * The rows for raw retention on, and the stored bytes per event of both modes.
 * `wireBytesPerEvent`: msgpack on the wire (B/event) of the same run, what a stream is compared with.
 */
export function rawRetentionRows(runs: readonly ServerRun[], wireBytesPerEvent: number): TableRow[] {
  const found = rawRetentionRuns(runs);
  if (!found) return [];
  const { bare, off, on } = found;
  const base = 'bare node:http + decode';
  const rows: TableRow[] = [
    row('ingest msgpack, raw retention ON, events/s (collector on PostgreSQL)', on.measured.eventsPerSecond, bare.measured.eventsPerSecond, base, 0),
    row('ingest msgpack, raw retention ON vs OFF, events/s', on.measured.eventsPerSecond, off.measured.eventsPerSecond, 'collector, raw retention off', 0),
    row('ingest msgpack, raw retention ON, p50 latency (ms)', on.measured.latencyP50Ms, bare.measured.latencyP50Ms, base, 1),
    row('ingest msgpack, raw retention ON, p99 latency (ms)', on.measured.latencyP99Ms, bare.measured.latencyP99Ms, base, 1),
  ];
  if (on.stored) {
    rows.push(row('ingest msgpack, raw retention ON, events stored / acknowledged', on.stored.hourlyEvents, on.stored.acknowledgedEvents, 'acknowledged with 202', 0, {
      text: '= 1 (exactly)',
      met: (r) => r === 1,
    }));
  }
  if (on.storedBytes) {
    rows.push(row('raw stream bytes stored per event (session_chunks.data, DEFLATE)', on.storedBytes.streamBytesPerEvent, wireBytesPerEvent, 'msgpack on the wire', 1));
  }
  if (off.storedBytes) {
    rows.push(row('stored bytes per event, raw retention OFF (every table and index)', off.storedBytes.totalBytesPerEvent, wireBytesPerEvent, 'msgpack on the wire', 1));
  }
  if (on.storedBytes && off.storedBytes) {
    rows.push(row('stored bytes per event, raw retention ON (every table and index)', on.storedBytes.totalBytesPerEvent, off.storedBytes.totalBytesPerEvent, 'raw retention off', 1));
  }
  return rows;
}
