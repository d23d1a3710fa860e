/**
 * The decoders and validators to time, built by name from a sample of batches: each processes
 * every batch of the sample per run and returns the events it decoded or found valid.
 */
import { encodeBatchBytes } from '@vantage/sdk-core';
import type { WireBatch } from '@vantage/sdk-core/schema';
import { parseJsonBody, unpackBody } from './body-decoding.js';
import type { Contender } from './timing.js';
import { createAjvValidators, createOurValidators, createTypeBoxHarness, createZodValidators, validateBatch, type BatchValidator } from './validators.js';
import type { ContenderName } from './worker-protocol.js';

/** Printable label of each contender. */
export const CONTENDER_LABELS: Readonly<Record<ContenderName, string>> = {
  'msgpack-unpack': 'msgpackr unpack',
  'json-parse': 'JSON.parse (from UTF-8 bytes)',
  ours: 'validate: ours (createWireValidators, generated tuple decoders)',
  'typebox-objects': 'validate: TypeBox on event objects (ours with fastPath: false)',
  'typebox-harness': 'validate: TypeBox on event objects, bench harness (control)',
  ajv: 'validate: ajv 8 on event objects (registry JSON Schemas)',
  zod: 'validate: zod 4 on event objects (z.fromJSONSchema)',
};

const VALIDATORS: Readonly<Record<string, () => BatchValidator>> = {
  ours: () => createOurValidators({ fastPath: true }),
  'typebox-objects': () => createOurValidators({ fastPath: false }),
  'typebox-harness': createTypeBoxHarness,
  ajv: createAjvValidators,
  zod: createZodValidators,
};

function eventsOf(value: unknown): number {
  return (value as WireBatch).events.length;
}

/** Build the contender `name` over `batches` (validators see the batches as the collector decodes them). */
export function createContender(name: ContenderName, batches: readonly WireBatch[]): Contender {
  const label = CONTENDER_LABELS[name];
  const msgpack = batches.map((b) => Buffer.from(encodeBatchBytes(b)));
  if (name === 'msgpack-unpack') return { name: label, run: () => msgpack.reduce((n, body) => n + eventsOf(unpackBody(body)), 0) };
  if (name === 'json-parse') {
    const json = batches.map((b) => Buffer.from(JSON.stringify(b), 'utf8'));
    return { name: label, run: () => json.reduce((n, body) => n + eventsOf(parseJsonBody(body)), 0) };
  }
  const create = VALIDATORS[name];
  if (!create) throw new Error(`bench: unknown contender ${name}`);
  const validator = create();
  const decoded = msgpack.map(unpackBody);
  return { name: label, run: () => decoded.reduce<number>((n, value) => n + validateBatch(validator, value), 0) };
}
