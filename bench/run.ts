/**
 * `npm run bench`: what a 50-event batch costs Vantage, each number next to a baseline measured
 * in the same run.
 *
 * 1. wire size per event, msgpack and JSON, against a competitor's ~450 B/event of JSON;
 * 2. decode and validate per batch: msgpackr vs JSON.parse, and our validators vs ajv and zod
 *    (after checking that all of them judge real and broken batches alike);
 * 3. ingest throughput of the collector on a real PostgreSQL server against a bare node:http
 *    server, driven by the same load generator in a separate process; every acknowledged event
 *    must be in the database afterwards; the collector with raw session retention on too, the
 *    bytes each mode stores per event, and two collector processes on one PostgreSQL;
 *    and the write buffer's flushes of 1, 4, 16 and 64 batches timed one at a time;
 * 4. the three.js connector in Chromium: per-frame cost on 1,000 meshes against the same page
 *    without it, wire bytes per event of a recorded demo session, the gzipped single-file build;
 * 5. the R3F connector in Chromium: per-frame cost next to the plain R3F page;
 * 6. replay seeking in a simulated one-hour session against replaying from the start;
 * 7. the aggregates (issue 5): 10 million simulated events ingested on a fresh PostgreSQL server,
 *    then storage bytes per event and the p50/p95 of every aggregate query next to a trivial
 *    authenticated route (`BENCH_AGG_EVENTS=0` skips it);
 * 8. with `--soak 30m` (or BENCH_SOAK), steady load on one collector for that long: its live heap
 *    after forced full GCs (judged) and its RSS from /proc (for reference), nothing lost.
 *
 * Results go to bench/results/latest.json, and a markdown table for the README is printed.
 * The exit code is 1 when something is wrong (validators disagree, events lost, requests failed),
 * not when a goal is missed. Settings: see config.ts (BENCH_SECONDS, BENCH_CONCURRENCY, …).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { MSGPACK_CONTENT_TYPE } from '@vantage/sdk-core';
import { createCleanup } from './cleanup.js';
import { loadBenchConfig, type BenchConfig } from './config.js';
import { CONTENDER_LABELS } from './contenders.js';
import { measureDecodeValidate, type DecodeValidateResult } from './decode-validate.js';
import { runAggregates, type AggregatesResult } from './aggregates.js';
import { flushSizeRows, runFlushSizes, type FlushSizeRow } from './flush-size.js';
import { runIngest } from './ingest.js';
import { rawRetentionRows } from './ingest-modes.js';
import { describeMultiCollector, multiCollectorRows, runMultiCollector, type MultiCollectorResult } from './multi-collector.js';
import { describeSoak, runSoak, soakRows, type SoakResult } from './soak.js';
import { killAllChildren } from './processes.js';
import { measureConnector, type ConnectorBenchResult } from './connector.js';
import { measureReplay } from './replay.js';
import { installedTools, missingTools } from './preflight.js';
import { measureR3f, type R3fBenchResult } from './r3f.js';
import { aggregateRows, connectorRows, decodeValidateRows, describeMachine, ingestRows, saturationRows, markdownTable, r3fRows, replayRows, tableCaption, wireSizeRows } from './report.js';
import { BATCH_EVENTS, simulateBatches } from './sample.js';
import { ratio } from './stats.js';
import { CONTENDER_NAMES } from './worker-protocol.js';
import { COMPETITOR_JSON_BYTES_PER_EVENT, measureWireSizes } from './wire-size.js';

const RESULTS_FILE = fileURLToPath(new URL('./results/latest.json', import.meta.url));
const JSON_CONTENT_TYPE = 'application/json';

const cleanup = createCleanup();
const log = (line = '') => process.stdout.write(`${line}\n`);

/** Longest the cleanup may take before the remaining children are killed (ms). */
const CLEANUP_LIMIT_MS = 90_000;

/** Undo everything, then exit with `code` (the first caller's; later calls wait for the same cleanup). */
let finishing: Promise<never> | undefined;
function finish(code: number): Promise<never> {
  finishing ??= (async () => {
    setTimeout(() => {
      process.stderr.write('bench: the cleanup is stuck; killing what is left\n');
      killAllChildren();
      process.exit(code === 0 ? 1 : code);
    }, CLEANUP_LIMIT_MS).unref();
    const failures = await cleanup.runAll();
    for (const failure of failures) process.stderr.write(`bench: cleanup: ${failure}\n`);
    process.exit(code === 0 && failures.length > 0 ? 1 : code);
  })();
  return finishing;
}

/** An upper bound on the whole run, so it always stops by itself (ms). */
function runBudgetMs(config: BenchConfig): number {
  const loads = (config.jsonIngest ? 4 : 2) + (config.rawIngest ? 1 : 0) + (config.twoCollectors ? 1 : 0);
  const soak = config.soakMs === null ? 0 : config.soakMs + 180_000;
  const timingProcesses = config.passes * CONTENDER_NAMES.length;
  const connector = config.connector ? 2 * (240_000 + config.frameRounds * 2 * config.frames * 1000) : 0;
  // The aggregates: ingest at most aggMaxSeconds, then every query's rounds at up to 0.5 s a request.
  const aggregates = config.aggEvents > 0 ? 300_000 + config.aggMaxSeconds * 1000 + (config.aggRounds + config.aggWarmupRounds) * 19 * 500 : 0;
  const flushSizes = config.flushSizes ? 120_000 : 0;
  return 300_000 + connector + aggregates + flushSizes + soak + loads * (config.warmupSeconds + config.loadSeconds + 60) * 1000 + timingProcesses * (5 + config.rounds) * 1000;
}

async function main(config: BenchConfig): Promise<number> {
  const started = new Date();
  const machine = describeMachine();
  log(`Vantage benchmark — ${machine.cpuCount} × ${machine.cpuModel}, ${machine.os}, Node ${machine.node}, load average ${machine.loadAverage}`);
  log();

  log(`Simulating ${config.sessions} visitor sessions (seed ${config.seed}), batched by 50 events…`);
  const sample = simulateBatches(config.sessions, config.seed);
  const events = sample.batches.length * BATCH_EVENTS;
  const shorter = sample.allBatches - sample.batches.length;
  log(`  ${sample.batches.length} batches of ${BATCH_EVENTS} events (${events} events; ${shorter} shorter last batches left out)`);
  log();

  log('1. Wire size');
  const wire = measureWireSizes(sample.sessions);
  const perSession = wire.msgpackPerSession;
  log(
    `  msgpack ${wire.msgpackBytesPerEvent.toFixed(1)} B/event (per session ${perSession.min.toFixed(1)}–${perSession.max.toFixed(1)}, ` +
      `median ${perSession.median.toFixed(1)}), JSON ${wire.jsonBytesPerEvent.toFixed(1)} B/event`,
  );
  const share = ratio(wire.msgpackBytesPerEvent, COMPETITOR_JSON_BYTES_PER_EVENT) * 100;
  log(`  ${share.toFixed(1)} % of a competitor's ~${COMPETITOR_JSON_BYTES_PER_EVENT} B/event of JSON`);
  log();

  log(`2. Decode and validate, per 50-event batch (${config.passes} processes × ${config.rounds} rounds each, median)`);
  const decodeValidate = await measureDecodeValidate(sample.batches, {
    rounds: config.rounds,
    passes: config.passes,
    seed: config.seed,
    onProgress: (line) => log(`  ${line}`),
  });
  log('  µs per batch: median [min–max of all rounds]');
  for (const name of CONTENDER_NAMES) {
    const t = decodeValidate.timings[name].microsPerBatch;
    log(`    ${CONTENDER_LABELS[name].padEnd(66)} ${t.median.toFixed(2).padStart(7)} [${t.min.toFixed(2)}–${t.max.toFixed(2)}]`);
  }
  log(`  validators by speed: ${rankValidators(decodeValidate)}`);
  log();

  log('3. Ingest on PostgreSQL');
  const { runs: ingest, saturation } = await runIngest({
    batches: sample.batches,
    contentTypes: config.jsonIngest ? [MSGPACK_CONTENT_TYPE, JSON_CONTENT_TYPE] : [MSGPACK_CONTENT_TYPE],
    concurrency: config.concurrency,
    saturationConcurrency: config.saturationConcurrency,
    warmupMs: config.warmupSeconds * 1000,
    durationMs: config.loadSeconds * 1000,
    cpuProfileDir: config.cpuProfileDir,
    rawRetention: config.rawIngest,
    cleanup,
    progress: (line) => log(`  ${line}`),
  });
  const single = ingest.find((run) => run.server === 'vantage' && !run.rawRetention && run.contentType === MSGPACK_CONTENT_TYPE);
  let multi: MultiCollectorResult | null = null;
  if (config.twoCollectors) {
    multi = await runMultiCollector({
      batches: sample.batches,
      contentType: MSGPACK_CONTENT_TYPE,
      concurrency: config.concurrency,
      warmupMs: config.warmupSeconds * 1000,
      durationMs: config.loadSeconds * 1000,
      cleanup,
      progress: (line) => log(`  ${line}`),
    });
    for (const line of describeMultiCollector(multi, single)) log(`    ${line}`);
  }
  let flushSizes: FlushSizeRow[] | null = null;
  if (config.flushSizes) {
    log('  one flush of the write buffer at a time, by its size (every batch new, one statement and commit each):');
    flushSizes = await runFlushSizes({ cleanup, progress: (line) => log(`  ${line}`) });
  }
  log();

  let connector: ConnectorBenchResult | null = null;
  if (config.connector) {
    log(`4. The three.js connector in Chromium (SwiftShader WebGL; ${config.frameRounds} × ${config.frames} frames with and without it)`);
    connector = await measureConnector({ framesPerRun: config.frames, rounds: config.frameRounds, cleanup, progress: (line) => log(`  ${line}`) });
    log();
  }
  let r3f: R3fBenchResult | null = null;
  if (config.connector) {
    log(`5. The R3F connector in Chromium (SwiftShader WebGL; ${config.frameRounds} × ${config.frames} frames of an R3F page with and without <VantageAnalytics>)`);
    r3f = await measureR3f({ framesPerRun: config.frames, rounds: config.frameRounds, cleanup, progress: (line) => log(`  ${line}`) });
    log();
  }

  log('6. Replay seeking (the player core in Node, a simulated one-hour session)');
  const replay = measureReplay({ seed: config.seed, progress: (line) => log(`  ${line}`) });
  log();

  let aggregates: AggregatesResult | null = null;
  if (config.aggEvents > 0) {
    log(`7. Aggregates: ${config.aggEvents.toLocaleString('en-US')} simulated events on PostgreSQL, then storage per event and query latency`);
    aggregates = await runAggregates({
      events: config.aggEvents,
      sessions: config.aggSessions,
      seed: config.seed,
      workers: config.aggWorkers,
      concurrency: config.aggConcurrency,
      maxIngestMs: config.aggMaxSeconds * 1000,
      rounds: config.aggRounds,
      warmupRounds: config.aggWarmupRounds,
      cleanup,
      progress: (line) => log(`  ${line}`),
    });
    log();
  }

  let soak: SoakResult | null = null;
  if (config.soakMs !== null) {
    log(`8. Soak: one collector on PostgreSQL, ${config.soakConcurrency} requests in flight for ${config.soakMs / 60_000} min, memory read every ${config.soakSampleSeconds} s`);
    soak = await runSoak({
      batches: sample.batches,
      contentType: MSGPACK_CONTENT_TYPE,
      durationMs: config.soakMs,
      concurrency: config.soakConcurrency,
      sampleMs: config.soakSampleSeconds * 1000,
      maxGrowthMbPerMin: config.soakMaxGrowthMbPerMin,
      cleanup,
      progress: (line) => log(`  ${line}`),
    });
    for (const line of describeSoak(soak)) log(`  ${line}`);
    log();
  }

  const runName = (run: (typeof ingest)[number]) => `${run.server}${run.rawRetention ? ' raw' : ''} ${run.contentType}, ${run.concurrency} in flight`;
  const allIngest = saturation ? [...ingest, saturation.bare, saturation.vantage, saturation.bareAgain] : ingest;
  const problems = [
    ...allIngest.flatMap((run) => run.problems.map((p) => `${runName(run)}: ${p}`)),
    ...(multi?.problems.map((p) => `two collectors: ${p}`) ?? []),
    ...(aggregates?.problems.map((p) => `aggregates: ${p}`) ?? []),
    ...(soak?.problems.map((p) => `soak: ${p}`) ?? []),
  ];
  const serverLog = [
    ...allIngest.flatMap((run) => run.serverLog.map((line) => `${runName(run)}: ${line}`)),
    ...(multi?.serverLog.map((line) => `two collectors: ${line}`) ?? []),
    ...(aggregates?.serverLog.map((line) => `aggregates: ${line}`) ?? []),
    ...(soak?.serverLog.map((line) => `soak: ${line}`) ?? []),
  ];
  const shortIngestRate = single?.measured.eventsPerSecond ?? Number.NaN;
  const rows = [
    ...wireSizeRows(wire),
    ...decodeValidateRows(decodeValidate),
    ...ingestRows(ingest),
    ...(saturation ? saturationRows(ingest, saturation) : []),
    ...rawRetentionRows(ingest, wire.msgpackBytesPerEvent),
    ...(multi ? multiCollectorRows(multi, single) : []),
    ...(flushSizes ? flushSizeRows(flushSizes) : []),
    ...(connector ? connectorRows(connector) : []),
    ...(r3f ? r3fRows(r3f) : []),
    ...replayRows(replay),
    ...(aggregates ? aggregateRows(aggregates, shortIngestRate) : []),
    ...(soak ? soakRows(soak) : []),
  ];
  const caption = tableCaption(
    machine,
    started,
    `${sample.batches.length} batches of 50 events from ${config.sessions} simulated sessions; ` +
      `load: ${config.concurrency} concurrent requests for ${config.loadSeconds} s after ${config.warmupSeconds} s warm-up, ` +
      'load generator and server on the same machine',
  );
  const results = {
    date: started.toISOString(),
    durationS: Math.round((Date.now() - started.getTime()) / 100) / 10,
    machine,
    config,
    sample: { sessions: config.sessions, batches: sample.batches.length, events, allBatches: sample.allBatches },
    wireSize: wire,
    decodeValidate,
    ingest,
    ingestSaturation: saturation,
    twoCollectors: multi,
    flushSizes,
    soak,
    connector,
    replay,
    r3f,
    aggregates,
    table: rows,
    problems,
  };
  await mkdir(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);

  if (serverLog.length > 0) {
    log(`The collector logged ${serverLog.length} warning/error line(s); the first ones:`);
    for (const line of serverLog.slice(0, 10)) log(`  ${line}`);
    log();
  }
  log(`Results written to ${RESULTS_FILE}`);
  log();
  log(caption);
  log();
  log(markdownTable(rows));
  log();
  if (problems.length > 0) {
    log(`FAILED: ${problems.length} problem(s):`);
    for (const p of problems) log(`  - ${p}`);
    return 1;
  }
  log('Every acknowledged event was stored exactly once; no request failed.');
  return 0;
}

/** The validators by median time, each as a multiple of the fastest. */
function rankValidators(result: DecodeValidateResult): string {
  const names = ['ours', 'typebox-objects', 'ajv', 'zod'] as const;
  const ranked = names.map((n) => ({ n, us: result.timings[n].microsPerBatch.median })).sort((a, b) => a.us - b.us);
  const best = ranked[0]?.us ?? Number.NaN;
  return ranked.map((r) => `${CONTENDER_LABELS[r.n].replace('validate: ', '')} ×${ratio(r.us, best).toFixed(2)}`).join(', ');
}

let config: BenchConfig;
try {
  config = loadBenchConfig();
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const missing = missingTools(config, await installedTools());
if (missing.length > 0) {
  for (const line of missing) process.stderr.write(`bench: ${line}\n`);
  process.exit(2);
}
/** A repeated signal within this long is the same Ctrl-C (relayed by npm/tsx), not an insistence (ms). */
const SIGNAL_ECHO_MS = 2_000;
let firstSignalAt: number | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (firstSignalAt === undefined) {
      firstSignalAt = Date.now();
      process.stderr.write(`\nbench: ${signal}, cleaning up… (again to stop at once)\n`);
      void finish(130);
    } else if (Date.now() - firstSignalAt > SIGNAL_ECHO_MS) {
      killAllChildren();
      process.exit(130);
    }
  });
}
const budget = runBudgetMs(config);
const watchdog = setTimeout(() => {
  process.stderr.write(`bench: still running after ${Math.round(budget / 1000)} s; giving up\n`);
  void finish(1);
}, budget);
watchdog.unref();
main(config).then(
  (code) => finish(code),
  (error: unknown) => {
    // After a signal, the error is only the interrupted work: the signal's cleanup is already running.
    if (finishing === undefined) process.stderr.write(`\nbench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return finish(1);
  },
);
