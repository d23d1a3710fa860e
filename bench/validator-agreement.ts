/**
 * Do the validators agree? Each one judges every batch (envelope valid or not) and every event
 * of a valid envelope (valid, or the reason it is dropped). Any difference fails the benchmark:
 * a faster validator that accepts or refuses other data is not a candidate.
 */
import type { EventDropReason, WireBatch } from '@vantage/sdk-core/schema';
import type { BatchValidator } from './validators.js';

/** One validator's judgement of one batch. */
type Verdict = { envelope: false } | { envelope: true; events: Array<'valid' | EventDropReason> };

/** What was compared, and how often the validators refused something. */
export interface AgreementResult {
  readonly batches: number;
  readonly events: number;
  readonly invalidEnvelopes: number;
  readonly invalidEvents: number;
  /** Event drop reasons seen, with their counts. */
  readonly reasons: Readonly<Record<string, number>>;
}

/** The validators disagree; the message lists the first differences. */
export class ValidatorDisagreementError extends Error {
  override readonly name = 'ValidatorDisagreementError';
}

function verdictOf(validator: BatchValidator, value: unknown): Verdict {
  if (!validator.envelopeOk(value)) return { envelope: false };
  const batch = value as WireBatch;
  return { envelope: true, events: batch.events.map((raw) => {
    const result = validator.decodeEvent(raw, batch);
    return result.ok ? 'valid' : result.reason;
  }) };
}

function describe(verdict: Verdict, index: number): string {
  if (!verdict.envelope) return 'invalid envelope';
  return verdict.events[index] ?? 'no such event';
}

/**
 * Judge `values` with every validator and throw {@link ValidatorDisagreementError} on the first
 * ten differences from the first validator.
 */
export function assertValidatorsAgree(validators: readonly BatchValidator[], values: readonly unknown[]): AgreementResult {
  const [reference, ...others] = validators;
  if (!reference) throw new RangeError('assertValidatorsAgree needs at least one validator');
  const differences: string[] = [];
  const reasons: Record<string, number> = {};
  let events = 0;
  let invalidEnvelopes = 0;
  let invalidEvents = 0;
  values.forEach((value, b) => {
    const expected = verdictOf(reference, value);
    if (!expected.envelope) invalidEnvelopes++;
    else {
      events += expected.events.length;
      for (const v of expected.events) {
        if (v === 'valid') continue;
        invalidEvents++;
        reasons[v] = (reasons[v] ?? 0) + 1;
      }
    }
    for (const other of others) {
      const actual = verdictOf(other, value);
      if (expected.envelope !== actual.envelope) {
        differences.push(`batch ${b}: ${reference.name} says envelope ${expected.envelope ? 'valid' : 'invalid'}, ${other.name} says ${actual.envelope ? 'valid' : 'invalid'}`);
        continue;
      }
      if (!expected.envelope || !actual.envelope) continue;
      expected.events.forEach((v, e) => {
        if (actual.events[e] !== v) {
          const raw = (value as WireBatch).events[e];
          differences.push(`batch ${b} event ${e} ${JSON.stringify(raw)?.slice(0, 120)}: ${reference.name} ${v}, ${other.name} ${describe(actual, e)}`);
        }
      });
    }
  });
  if (differences.length > 0) {
    throw new ValidatorDisagreementError(
      `bench: the validators disagree on ${differences.length} judgement(s):\n  ${differences.slice(0, 10).join('\n  ')}`,
    );
  }
  return { batches: values.length, events, invalidEnvelopes, invalidEvents, reasons };
}
