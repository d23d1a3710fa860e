/**
 * Messages between `run.ts` and the child processes it forks (IPC with structured clone), in
 * one place so both sides type them the same way.
 */
import type { LoadResult } from '@vantage/fixtures';
import type { WireBatch } from '@vantage/sdk-core/schema';
import type { CpuUsage } from './cpu-usage.js';
import type { TimingResult } from './timing.js';

/** The decoders and validators that can be timed, one per process so none pollutes another's JIT feedback. */
export const CONTENDER_NAMES = ['msgpack-unpack', 'json-parse', 'ours', 'typebox-objects', 'typebox-harness', 'ajv', 'zod'] as const;
/** One of {@link CONTENDER_NAMES}. */
export type ContenderName = (typeof CONTENDER_NAMES)[number];

/** To `timing-worker.ts`: time one contender over `batches`. */
export interface TimingJob {
  readonly contender: ContenderName;
  readonly batches: readonly WireBatch[];
  readonly rounds: number;
}

/** To `load-worker.ts`: warm up, then measure, against one server. */
export interface LoadJob {
  /** Collect URL on 127.0.0.1. */
  readonly url: string;
  readonly key: string;
  readonly contentType: string;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** Added to every batch's `t0` and `sentAt` (ms), so recorded sessions look recent. */
  readonly shiftMs: number;
  readonly batches: readonly WireBatch[];
  /** The server's process id, to measure its CPU time during the measured run. */
  readonly serverPid: number | undefined;
  /** Start at this wall-clock time (epoch ms), so several load generators run side by side; default at once. */
  readonly startAtMs?: number;
}

/** From `load-worker.ts`: the warm-up and the measured run, from the same body source. */
export interface LoadReport {
  readonly warmup: LoadResult | null;
  readonly measured: LoadResult;
  /** CPU time spent during the measured run. */
  readonly cpu: CpuUsage;
}

/** From `bare-server.ts` once it listens. */
export interface BareServerReady {
  readonly port: number;
}

/** What a worker answers: its result, or why it failed. */
export type WorkerAnswer<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };
