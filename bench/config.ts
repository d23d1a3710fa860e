/**
 * Benchmark settings from the environment, so a quick run and a long, careful run use the same
 * code. Every variable is optional; a value that cannot be used stops the run before it starts.
 */

/** What `npm run bench` does, and how long. */
export interface BenchConfig {
  /** `BENCH_SECONDS`: measured load per server and body type (s); default 10. */
  loadSeconds: number;
  /** `BENCH_WARMUP_SECONDS`: load before each measurement, not counted (s); default 2. */
  warmupSeconds: number;
  /** `BENCH_CONCURRENCY`: requests in flight from the load generator; default 48. */
  concurrency: number;
  /**
   * `BENCH_SATURATION_CONCURRENCY`: requests in flight of a second msgpack run of both servers,
   * enough to keep the collector's thread busy; default 512; 0 (or not above
   * `BENCH_CONCURRENCY`) skips it.
   */
  saturationConcurrency: number;
  /** `BENCH_SESSIONS`: simulated sessions behind every sample; default 200. */
  sessions: number;
  /** `BENCH_ROUNDS`: timed rounds of a decoder or validator per process; default 4. */
  rounds: number;
  /** `BENCH_PASSES`: processes per decoder or validator, taking turns; the median of all their rounds is reported. Default 5. */
  passes: number;
  /** `BENCH_JSON`: also load both servers with JSON bodies; default true. */
  jsonIngest: boolean;
  /** `BENCH_CPU_PROF`: a folder for the collector's V8 CPU profile (`--cpu-prof`); default none. */
  cpuProfileDir: string | undefined;
  /** `BENCH_SEED`: seed of the simulated visitors; default 2026. */
  seed: number;
  /** `BENCH_CONNECTOR`: measure the three.js connector in Chromium (per-frame cost, demo wire bytes, bundle size); default true. */
  connector: boolean;
  /** `BENCH_FRAMES`: frames measured per page in the connector's per-frame comparison; default 120. */
  frames: number;
  /** `BENCH_FRAME_ROUNDS`: pages with and without the connector, taking turns; default 2 each. */
  frameRounds: number;
  /** `BENCH_RAW`: also load a collector with raw session retention on (msgpack only); default true. */
  rawIngest: boolean;
  /** `BENCH_TWO_COLLECTORS`: also load two collector processes on one PostgreSQL; default true. */
  twoCollectors: boolean;
  /** `BENCH_FLUSH_SIZES`: also time the write buffer's flushes of 1, 4, 16 and 64 batches on PostgreSQL; default true. */
  flushSizes: boolean;
  /** `--soak 10m` or `BENCH_SOAK`: steady load on one collector for this long (ms), at most an hour; default none. */
  soakMs: number | null;
  /** `BENCH_SOAK_CONCURRENCY`: requests in flight during the soak; default 16. */
  soakConcurrency: number;
  /** `BENCH_SOAK_SAMPLE_SECONDS`: how often the collector's memory is read during the soak (s); default 5. */
  soakSampleSeconds: number;
  /** `BENCH_SOAK_MAX_GROWTH`: growth of the collector's live heap (or, without probe readings, its RSS floor) over the soak's second half that counts as unbounded (MB/min); default 2. */
  soakMaxGrowthMbPerMin: number;
  /** `BENCH_AGG_EVENTS`: simulated events ingested before the aggregate queries are timed; default 10,000,000; 0 skips that section. */
  aggEvents: number;
  /** `BENCH_AGG_SESSIONS`: simulated sessions (every opt-in channel on) whose copies make up those events; default 300. */
  aggSessions: number;
  /** `BENCH_AGG_WORKERS`: load-generator processes for that ingest; default 2. */
  aggWorkers: number;
  /** `BENCH_AGG_CONCURRENCY`: requests in flight per load-generator process; default 24. */
  aggConcurrency: number;
  /** `BENCH_AGG_SECONDS`: longest that ingest may take; it stops there with what it has (s); default 3600. */
  aggMaxSeconds: number;
  /** `BENCH_AGG_ROUNDS`: timed requests of every query (one round asks each query once); default 300. */
  aggRounds: number;
  /** `BENCH_AGG_WARMUP_ROUNDS`: rounds before those, not counted; default 20. */
  aggWarmupRounds: number;
}

/** A setting that cannot be used; the message names the variable. */
export class BenchConfigError extends Error {
  override readonly name = 'BenchConfigError';
}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number, integer: boolean): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new BenchConfigError(`${name} must be ${integer ? 'an integer' : 'a number'} in ${min}..${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new BenchConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** Longest soak: the load generator's own limit (ms). */
export const MAX_SOAK_MS = 3_600_000;

/**
 * A duration such as `10m`, `30s`, `1.5h` or `90` (seconds) in ms; throws {@link BenchConfigError}
 * naming `what` when it is not one, is not positive or is over an hour.
 */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|min|h)?$/i.exec(text.trim());
  const unit = match?.[2]?.toLowerCase() ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'h' ? 3_600_000 : 60_000;
  const ms = match ? Number(match[1]) * factor : Number.NaN;
  if (!(ms > 0 && ms <= MAX_SOAK_MS)) {
    throw new BenchConfigError(`${what} must be a duration up to 1h such as 30s, 10m or 1h, got "${text}"`);
  }
  return Math.round(ms);
}

/** The soak duration from `--soak <d>` / `--soak=<d>` in `argv`, else `BENCH_SOAK`, else null; other arguments are refused. */
export function soakSetting(argv: readonly string[], env: NodeJS.ProcessEnv): number | null {
  let fromArgs: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--soak') {
      const value = argv[++i];
      if (value === undefined) throw new BenchConfigError('--soak needs a duration, e.g. --soak 10m');
      fromArgs = value;
    } else if (arg.startsWith('--soak=')) {
      fromArgs = arg.slice('--soak='.length);
    } else {
      throw new BenchConfigError(`unknown argument "${arg}" (the only one is --soak <duration>; settings are BENCH_* variables)`);
    }
  }
  if (fromArgs !== undefined) return parseDuration(fromArgs, '--soak');
  const raw = env.BENCH_SOAK?.trim();
  return raw ? parseDuration(raw, 'BENCH_SOAK') : null;
}

/** Read the settings from `env` and `argv` (default `process.env` and this process's arguments); throws {@link BenchConfigError}. */
export function loadBenchConfig(env: NodeJS.ProcessEnv = process.env, argv: readonly string[] = process.argv.slice(2)): BenchConfig {
  return {
    loadSeconds: number(env, 'BENCH_SECONDS', 10, 0.5, 600, false),
    warmupSeconds: number(env, 'BENCH_WARMUP_SECONDS', 2, 0, 60, false),
    concurrency: number(env, 'BENCH_CONCURRENCY', 48, 1, 1024, true),
    saturationConcurrency: number(env, 'BENCH_SATURATION_CONCURRENCY', 512, 0, 4096, true),
    sessions: number(env, 'BENCH_SESSIONS', 200, 5, 20_000, true),
    rounds: number(env, 'BENCH_ROUNDS', 4, 1, 101, true),
    passes: number(env, 'BENCH_PASSES', 5, 1, 20, true),
    jsonIngest: flag(env, 'BENCH_JSON', true),
    cpuProfileDir: env.BENCH_CPU_PROF?.trim() || undefined,
    seed: number(env, 'BENCH_SEED', 2026, 0, 2 ** 31 - 1, true),
    connector: flag(env, 'BENCH_CONNECTOR', true),
    frames: number(env, 'BENCH_FRAMES', 120, 10, 10_000, true),
    frameRounds: number(env, 'BENCH_FRAME_ROUNDS', 2, 1, 20, true),
    rawIngest: flag(env, 'BENCH_RAW', true),
    twoCollectors: flag(env, 'BENCH_TWO_COLLECTORS', true),
    flushSizes: flag(env, 'BENCH_FLUSH_SIZES', true),
    soakMs: soakSetting(argv, env),
    soakConcurrency: number(env, 'BENCH_SOAK_CONCURRENCY', 16, 1, 1024, true),
    soakSampleSeconds: number(env, 'BENCH_SOAK_SAMPLE_SECONDS', 5, 0.5, 600, false),
    soakMaxGrowthMbPerMin: number(env, 'BENCH_SOAK_MAX_GROWTH', 2, 0, 1_000, false),
    aggEvents: number(env, 'BENCH_AGG_EVENTS', 10_000_000, 0, 1_000_000_000, true),
    aggSessions: number(env, 'BENCH_AGG_SESSIONS', 300, 5, 20_000, true),
    aggWorkers: number(env, 'BENCH_AGG_WORKERS', 2, 1, 16, true),
    aggConcurrency: number(env, 'BENCH_AGG_CONCURRENCY', 24, 1, 512, true),
    aggMaxSeconds: number(env, 'BENCH_AGG_SECONDS', 3600, 10, 86_400, false),
    aggRounds: number(env, 'BENCH_AGG_ROUNDS', 300, 1, 100_000, true),
    aggWarmupRounds: number(env, 'BENCH_AGG_WARMUP_ROUNDS', 20, 0, 10_000, true),
  };
}
