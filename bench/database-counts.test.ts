import type { LoadResult } from '@vantage/fixtures';
import { describe, expect, it } from 'vitest';
import { storageProblems, type StoredCounts } from './database-counts.js';
import type { LoadReport } from './worker-protocol.js';

function load(events: number, ok: number, accepted: number, errors: Record<string, number> = {}): LoadResult {
  return { requests: ok, events, errors, ok, acceptedEvents: accepted, latencyP50Ms: 1, latencyP99Ms: 2, eventsPerSecond: 1, elapsedMs: 1000 };
}

const cpu = { wallMs: 1000, serverMs: 500, loadGeneratorMs: 400, machineBusyMs: 1200, otherMs: 300, cores: 2 };
const report: LoadReport = { warmup: load(500, 10, 500), measured: load(5000, 100, 5000), cpu };
const stored: StoredCounts = { acknowledgedEvents: 5500, acknowledgedBatches: 110, hourlyEvents: 5500, ledgerBatches: 110, ledgerEvents: 5500, deadLetters: 0 };

describe('storageProblems', () => {
  it('finds none when every acknowledged event and batch is stored once', () => {
    expect(storageProblems(stored, report)).toEqual([]);
  });

  it('names lost events, extra batches and dead letters', () => {
    expect(storageProblems({ ...stored, hourlyEvents: 5450, ledgerBatches: 111, deadLetters: 2 }, report)).toEqual([
      'event_counts_hourly holds 5450 events, 5500 were acknowledged',
      'ingest_batches holds 111 batches, 110 were acknowledged',
      '2 dead letters from a valid sample',
    ]);
  });

  it('notices valid events that were answered but not accepted', () => {
    const dropped: LoadReport = { ...report, measured: load(5000, 100, 4990) };
    expect(storageProblems({ ...stored, acknowledgedEvents: 5490, hourlyEvents: 5490, ledgerEvents: 5490 }, dropped)).toEqual([
      '10 of 5500 valid events were not accepted',
    ]);
  });
});
