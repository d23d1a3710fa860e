/**
 * Replay seeking: how long the player core (`@vantage/replay-viewer`, Node, no browser) takes to
 * produce the state at a random moment of a simulated one-hour session, next to the same seek
 * done by replaying every event from the start (what seeking costs without keyframes), and how
 * long building the index takes.
 */
import { simulateSessionDetails } from '@vantage/fixtures';
import { createPlayer, createReplayIndex, createReplayState } from '@vantage/replay-viewer';
import { replayFromStart, streamFromBatches } from '@vantage/replay-viewer/testing';
import { median, percentile } from './stats.js';

/** Goal: a seek anywhere in a one-hour session under this (ms). */
export const SEEK_GOAL_MS = 50;

/** Latencies of one kind of seek (ms). */
export interface SeekLatency {
  readonly seeks: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
}

/** What {@link measureReplay} found. */
export interface ReplayBenchResult {
  readonly sessionMinutes: number;
  readonly events: number;
  readonly keyframes: number;
  /** Building the index of the whole session (median of several builds, ms). */
  readonly buildMs: number;
  /** One replay of every event, start to end, without keyframes: the index build's baseline (median, ms). */
  readonly fullReplayMs: number;
  /** Keyframe seeks (`stateAt`). */
  readonly seek: SeekLatency;
  /** The baseline: replay from the start to the same kind of moments. */
  readonly replayFromStart: SeekLatency;
  /** Most events a keyframe seek replayed. */
  readonly maxReplayedEvents: number;
}

/** Options of {@link measureReplay}. */
export interface ReplayBenchOptions {
  seed: number;
  /** Default 60. */
  minutes?: number;
  /** Keyframe seeks; default 5,000. */
  seeks?: number;
  /** Replay-from-start seeks; default 200. */
  baselineSeeks?: number;
  progress?: (line: string) => void;
}

/** Mulberry32, so the seek times are the same run after run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let r = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

function latency(samples: readonly number[]): SeekLatency {
  return { seeks: samples.length, p50Ms: percentile(samples, 0.5), p95Ms: percentile(samples, 0.95), maxMs: Math.max(...samples) };
}

/** Measure index building and seeking on a simulated session (every opt-in channel on). */
export function measureReplay(options: ReplayBenchOptions): ReplayBenchResult {
  const minutes = options.minutes ?? 60;
  const log = options.progress ?? (() => {});
  const session = simulateSessionDetails({ seed: options.seed, durationMs: minutes * 60_000, optIn: true, device: 'desktop' });
  const stream = streamFromBatches(session.batches, session.startMs);
  log(`simulated a ${minutes}-minute session: ${stream.events.length} events`);

  const builds: number[] = [];
  for (let i = 0; i < 7; i++) {
    const began = performance.now();
    createReplayIndex(stream);
    builds.push(performance.now() - began);
  }
  const player = createPlayer(stream);
  const { index } = player;
  const span = index.end - index.start;
  const rnd = random(options.seed);
  const out = createReplayState();
  // Warm-up, then measure.
  for (let i = 0; i < 500; i++) player.stateAt(index.start + rnd() * span, out);
  const seeks: number[] = [];
  let maxReplayed = 0;
  for (let i = 0; i < (options.seeks ?? 5000); i++) {
    const t = index.start + rnd() * span;
    const began = performance.now();
    player.stateAt(t, out);
    seeks.push(performance.now() - began);
    maxReplayed = Math.max(maxReplayed, player.replayed);
  }
  const fullReplays: number[] = [];
  for (let i = 0; i < 7; i++) {
    const began = performance.now();
    replayFromStart(index, index.end, out);
    fullReplays.push(performance.now() - began);
  }
  const baseline: number[] = [];
  for (let i = 0; i < (options.baselineSeeks ?? 200); i++) {
    const t = index.start + rnd() * span;
    const began = performance.now();
    replayFromStart(index, t, out);
    baseline.push(performance.now() - began);
  }
  const result: ReplayBenchResult = {
    sessionMinutes: minutes,
    events: index.events.length,
    keyframes: index.keyframes.length,
    buildMs: median(builds),
    fullReplayMs: median(fullReplays),
    seek: latency(seeks),
    replayFromStart: latency(baseline),
    maxReplayedEvents: maxReplayed,
  };
  log(`index: ${result.keyframes} keyframes, built in ${result.buildMs.toFixed(1)} ms (median of ${builds.length}; one replay start to end: ${result.fullReplayMs.toFixed(1)} ms)`);
  log(`seek (keyframes): p50 ${result.seek.p50Ms.toFixed(4)} ms, p95 ${result.seek.p95Ms.toFixed(4)} ms, max ${result.seek.maxMs.toFixed(3)} ms over ${result.seek.seeks} seeks; at most ${maxReplayed} events replayed`);
  log(`seek (replay from the start): p50 ${result.replayFromStart.p50Ms.toFixed(3)} ms, p95 ${result.replayFromStart.p95Ms.toFixed(3)} ms, max ${result.replayFromStart.maxMs.toFixed(3)} ms over ${result.replayFromStart.seeks} seeks`);
  return result;
}
