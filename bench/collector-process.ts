/**
 * The collector under test: `node --max-semi-space-size=64 collector/dist/cli.js serve` in a child
 * process on PostgreSQL, as `npm start` and the Docker image run it. It listens on a free port
 * (`PORT=0`: the collector prints the address it got) and, on its first start on the fresh
 * database, prints the demo project's keys once.
 */
import { join } from 'node:path';
import { COLLECTOR_NODE_FLAGS } from '@vantage/collector';
import { REPO_ROOT, spawnChild, type BenchChild } from './processes.js';

/** A started collector and what it printed. */
export interface CollectorProcess {
  readonly child: BenchChild;
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly projectId: string;
  /** The demo project's publishable key. */
  readonly publishableKey: string;
  /** The demo project's secret key (for the query API). */
  readonly secretKey: string;
}

/** Where and how to start it. */
export interface CollectorOptions {
  /** A fresh database on the benchmark's PostgreSQL server. */
  databaseUrl: string;
  /** `VANTAGE_DATA_DIR` (a temporary folder; nothing should be written with `DATABASE_URL`). */
  dataDir: string;
  /** Write a V8 CPU profile of the collector here when it exits. */
  cpuProfileDir?: string | undefined;
  /**
   * The demo project of a collector already started on the same database: a second collector
   * does not create (nor print) it again, so it is passed on instead of read from stdout.
   */
  joining?: Pick<CollectorProcess, 'projectId' | 'publishableKey' | 'secretKey'>;
  /** Collector settings on top of the benchmark's (e.g. `TRUST_PROXY`, `ENABLE_RAW_SESSION_RETENTION`). */
  env?: Readonly<Record<string, string>>;
  /** Node flags after the collector's own (e.g. the soak's heap probe). */
  nodeFlags?: readonly string[];
}

/** Collector settings that could come from the caller's environment and change what is measured. */
const COLLECTOR_VARIABLES = [
  'PORT', 'HOST', 'DATABASE_URL', 'VANTAGE_DATA_DIR', 'ENABLE_RAW_SESSION_RETENTION', 'COLLECTOR_CORS_ORIGINS',
  'HASH_ROTATION_HOURS', 'PRIVACY_MODE', 'RETENTION_DAYS', 'DLQ_RETENTION_DAYS', 'TRUST_PROXY', 'COLLECTOR_MAX_BODY_BYTES', 'LOG_LEVEL',
  'RATE_LIMIT_COLLECT_PER_SECOND', 'RATE_LIMIT_COLLECT_BURST', 'RATE_LIMIT_API_PER_SECOND', 'RATE_LIMIT_API_BURST',
];

/**
 * Rate limits of the collector under test. The load generator sends several thousand requests
 * per second with one publishable key, far over the default limit (1000/s): limits this high
 * never reject, yet every request still goes through the limiter (a lease of 50,000 tokens per
 * round trip), so its cost is part of what is measured.
 */
const BENCH_RATE_LIMITS = {
  RATE_LIMIT_COLLECT_PER_SECOND: '1000000',
  RATE_LIMIT_COLLECT_BURST: '1000000',
  RATE_LIMIT_API_PER_SECOND: '1000000',
  RATE_LIMIT_API_BURST: '1000000',
};

/** Longest wait for the collector to migrate the database and listen (ms). */
const START_TIMEOUT_MS = 60_000;

/** The first group of a match whose pattern has one. */
function captured(match: RegExpExecArray): string {
  const value = match[1];
  if (value === undefined) throw new Error(`bench: no value in the collector's line "${match.input}"`);
  return value;
}

/** Start the collector and read its address, project and publishable key from its stdout. */
export async function startCollectorProcess(options: CollectorOptions): Promise<CollectorProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of COLLECTOR_VARIABLES) delete env[name];
  Object.assign(env, { DATABASE_URL: options.databaseUrl, VANTAGE_DATA_DIR: options.dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...BENCH_RATE_LIMITS, ...options.env });
  const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
  // The flags `npm start` and the Docker image use (see COLLECTOR_NODE_FLAGS).
  const child = spawnChild('collector', process.execPath, [...COLLECTOR_NODE_FLAGS, ...profile, ...(options.nodeFlags ?? []), join(REPO_ROOT, 'collector/dist/cli.js'), 'serve'], env);
  try {
    const url = captured(await child.waitForLine(/^Vantage collector on (http:\/\/127\.0\.0\.1:\d+) /, START_TIMEOUT_MS));
    if (options.joining) return { child, url, ...options.joining };
    const projectId = captured(await child.waitForLine(/^Created the demo project ".*" \(([0-9a-f-]{36})\)\.$/, START_TIMEOUT_MS));
    const publishableKey = captured(await child.waitForLine(/publishable key \(browsers\): (pk_\S+)/, START_TIMEOUT_MS));
    const secretKey = captured(await child.waitForLine(/secret key \(servers\): +(sk_\S+)/, START_TIMEOUT_MS));
    return { child, url, projectId, publishableKey, secretKey };
  } catch (error) {
    await child.stop(5_000);
    throw error;
  }
}
