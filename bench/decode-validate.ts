/**
 * Decode and validate cost per 50-event batch, as the collector pays it per request: bytes to a
 * value (msgpackr with the collector's settings, or UTF-8 + `JSON.parse`), then the envelope and
 * every event validated and decoded. The validators must first agree on a real sample and on
 * broken copies of it; then each decoder and validator is timed in processes of its own (a
 * collector only ever runs one of them, so none may inherit another's JIT feedback), taking
 * turns over several passes so a slow phase of the machine hits all of them alike.
 */
import { encodeBatchBytes } from '@vantage/sdk-core';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { parseJsonBody, unpackBody } from './body-decoding.js';
import { breakBatches } from './invalid-batches.js';
import { forkBenchModule } from './processes.js';
import { spreadSample } from './sample.js';
import { summariseRounds, type RoundSummary } from './stats.js';
import type { TimingResult } from './timing.js';
import { assertValidatorsAgree, type AgreementResult } from './validator-agreement.js';
import { createAjvValidators, createOurValidators, createTypeBoxHarness, createZodValidators } from './validators.js';
import { unwrapAnswer } from './worker-side.js';
import { CONTENDER_NAMES, type ContenderName, type TimingJob, type WorkerAnswer } from './worker-protocol.js';

/** Batches in the timed sample (spread over all sessions). */
const SAMPLE_BATCHES = 400;
/** Longest a timing worker may take (ms). */
const WORKER_TIMEOUT_MS = 120_000;

/** One contender's rounds over all passes (µs per batch). */
export interface ContenderTiming {
  readonly name: string;
  readonly microsPerBatch: RoundSummary;
  readonly rounds: readonly number[];
}

/** Time `contender` over `sample` in a fresh process. */
async function timeInOwnProcess(contender: ContenderName, sample: readonly WireBatch[], rounds: number): Promise<TimingResult> {
  const worker = forkBenchModule(`timing worker (${contender})`, './timing-worker.ts');
  try {
    const job: TimingJob = { contender, batches: sample, rounds };
    return unwrapAnswer(worker.name, await worker.ask<WorkerAnswer<TimingResult>>(job, WORKER_TIMEOUT_MS));
  } finally {
    await worker.stop(5_000);
  }
}

/** What {@link measureDecodeValidate} found; times are µs per batch. */
export interface DecodeValidateResult {
  readonly batches: number;
  readonly events: number;
  readonly timings: Readonly<Record<ContenderName, ContenderTiming>>;
  /** Agreement on the real sample (all valid) and on broken copies of it. */
  readonly agreement: { readonly real: AgreementResult; readonly broken: AgreementResult };
}

/** Check that both formats and the original give the same batches (as JSON text: the simulator writes some zeros as -0). */
function assertFormatsAgree(sample: readonly WireBatch[]): unknown[] {
  return sample.map((batch, i) => {
    const fromMsgpack = unpackBody(encodeBatchBytes(batch));
    const text = JSON.stringify(fromMsgpack);
    if (text !== JSON.stringify(parseJsonBody(Buffer.from(JSON.stringify(batch)))) || text !== JSON.stringify(batch)) {
      throw new Error(`bench: batch ${i} decodes differently from msgpack and from JSON`);
    }
    return fromMsgpack;
  });
}

/** Check agreement, then time every contender; throws if validators disagree or a worker fails. */
export async function measureDecodeValidate(
  batches: readonly WireBatch[],
  options: { rounds: number; passes: number; seed: number; onProgress?: (line: string) => void },
): Promise<DecodeValidateResult> {
  const sample = spreadSample(batches, SAMPLE_BATCHES);
  const decoded = assertFormatsAgree(sample);
  const validators = [
    createOurValidators({ fastPath: true }),
    createOurValidators({ fastPath: false }),
    createTypeBoxHarness(),
    createAjvValidators(),
    createZodValidators(),
  ];
  const real = assertValidatorsAgree(validators, decoded);
  if (real.invalidEnvelopes > 0 || real.invalidEvents > 0) throw new Error(`bench: the simulated sample is not valid: ${JSON.stringify(real)}`);
  const broken = assertValidatorsAgree(validators, breakBatches(sample, options.seed));
  if (broken.invalidEvents < sample.length || broken.invalidEnvelopes === 0) {
    throw new Error(`bench: the broken copies break too little to compare validators: ${JSON.stringify(broken)}`);
  }
  options.onProgress?.(
    `validators agree on ${real.events} real events and on ${broken.events} events of broken copies ` +
      `(${broken.invalidEvents} invalid events, ${broken.invalidEnvelopes} invalid envelopes)`,
  );

  const events = sample.reduce((n, b) => n + b.events.length, 0);
  const rounds = new Map<ContenderName, { name: string; values: number[] }>();
  for (let pass = 1; pass <= options.passes; pass++) {
    for (const contender of CONTENDER_NAMES) {
      const result = await timeInOwnProcess(contender, sample, options.rounds);
      if (result.checksum !== events) throw new Error(`bench: ${result.name} found ${result.checksum} valid events of ${events}`);
      const entry = rounds.get(contender) ?? { name: result.name, values: [] };
      entry.values.push(...result.rounds);
      rounds.set(contender, entry);
    }
    options.onProgress?.(`pass ${pass} of ${options.passes} timed`);
  }
  const timings: Partial<Record<ContenderName, ContenderTiming>> = {};
  for (const [contender, { name, values }] of rounds) timings[contender] = { name, microsPerBatch: summariseRounds(values), rounds: values };
  return { batches: sample.length, events, timings: timings as Record<ContenderName, ContenderTiming>, agreement: { real, broken } };
}
