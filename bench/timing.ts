/**
 * Timing of CPU-bound steps: each contender processes the whole sample per run; runs are
 * repeated to fill a round of about `roundMs`, rounds of all contenders are interleaved (so a
 * slow drift of the machine hits everyone alike), warm-up rounds let the JIT settle, and the
 * median round is reported.
 */
import { performance } from 'node:perf_hooks';
import { summariseRounds, type RoundSummary } from './stats.js';

/** One thing to time. */
export interface Contender {
  readonly name: string;
  /** Process the whole sample once and return a checksum (the same on every run). */
  run(): number;
}

/** How long and how often to time. */
export interface TimingOptions {
  /** Timed rounds per contender; the median is reported. */
  rounds: number;
  /** Rounds run first and thrown away. */
  warmupRounds: number;
  /** Target length of one round (ms). */
  roundMs: number;
  /** Units (e.g. batches) one run processes; results are per unit. */
  unitsPerRun: number;
}

/** Per contender: microseconds per unit over the timed rounds, and the run checksum. */
export interface TimingResult {
  readonly name: string;
  readonly microsPerUnit: RoundSummary;
  /** Every timed round (µs per unit), in order. */
  readonly rounds: readonly number[];
  readonly checksum: number;
  readonly runsPerRound: number;
}

/** Keeps the JIT from discarding work whose result is never used. */
let sink = 0;

function timeRuns(contender: Contender, runs: number, checksum: number): number {
  const started = performance.now();
  for (let i = 0; i < runs; i++) {
    const value = contender.run();
    if (value !== checksum) throw new Error(`bench: ${contender.name} returned ${value}, expected ${checksum}: its work changed between runs`);
    sink += value;
  }
  return performance.now() - started;
}

/** Time every contender; throws if a contender's checksum changes between runs. */
export function timeContenders(contenders: readonly Contender[], options: TimingOptions): TimingResult[] {
  const plans = contenders.map((contender) => {
    const checksum = contender.run();
    // Calibrate: how many runs fill a round.
    let runs = 0;
    const started = performance.now();
    while (performance.now() - started < options.roundMs) {
      timeRuns(contender, 1, checksum);
      runs++;
    }
    return { contender, checksum, runs: Math.max(1, runs), rounds: [] as number[] };
  });
  for (let round = 0; round < options.warmupRounds + options.rounds; round++) {
    for (const plan of plans) {
      const ms = timeRuns(plan.contender, plan.runs, plan.checksum);
      if (round >= options.warmupRounds) plan.rounds.push((ms * 1000) / (plan.runs * options.unitsPerRun));
    }
  }
  if (!Number.isFinite(sink)) throw new Error('bench: checksum overflow');
  return plans.map((p) => ({ name: p.contender.name, microsPerUnit: summariseRounds(p.rounds), rounds: p.rounds, checksum: p.checksum, runsPerRound: p.runs }));
}
