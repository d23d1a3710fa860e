/**
 * Minimising the events themselves. Some event fields carry context the privacy promises limit:
 * page and asset URLs (query strings dropped except `utm_*`), the referrer (origin only), the GPU
 * (a coarse class) and custom properties (over 8 KB replaced by a marker). Accepted events are
 * minimised before anything stores or folds them; dead letters, which keep an event's raw tuple
 * for replay, get the same treatment on the fields that can be read.
 */
import { EVENT_BY_CODE, type VantageEvent } from '@vantage/sdk-core/schema';
import type { PrivacyMode } from '../config.js';
import { gpuClass } from './gpu.js';
import { limitProps } from './props.js';
import { reduceUrl, referrerOrigin } from './url.js';

/** How one field is minimised; null removes the field. */
type Reducer = (value: string) => string | null;

/** URL fields: origin, path and `utm_*`; a value that is not an http(s) URL keeps nothing but its path-free form. */
const url: Reducer = (value) => reduceUrl(value) ?? withoutQuery(value);

/** Event type → field → reducer, for string fields. */
const STRING_FIELDS: Readonly<Record<string, Readonly<Record<string, Reducer>>>> = {
  session_start: { url, referrer: referrerOrigin, gpu: (value) => gpuClass(value) },
  asset_load: { url },
  runtime_error: { source: url },
};

/** Fields of `session_start` that `paranoid` does not keep (the event itself is kept). */
const PARANOID_DROPPED = ['referrer', 'lang', 'gpu'] as const;

/** Cut a relative or odd URL at its query or fragment. */
function withoutQuery(value: string): string {
  const cut = value.search(/[?#]/);
  return cut === -1 ? value : value.slice(0, cut);
}

/**
 * Minimise an accepted (decoded, valid) event in place. In `paranoid` mode `session_start`
 * keeps only the page's origin as its URL and loses referrer, language and GPU.
 */
export function minimiseEvent(event: VantageEvent, mode: PrivacyMode): void {
  const record = event as unknown as Record<string, unknown>;
  const fields = STRING_FIELDS[event.type];
  if (fields) {
    for (const [name, reduce] of Object.entries(fields)) {
      const value = record[name];
      if (typeof value !== 'string') continue;
      const reduced = reduce(value);
      if (reduced === null) delete record[name];
      else record[name] = reduced;
    }
  }
  if (event.type === 'session_start' && mode === 'paranoid') {
    for (const name of PARANOID_DROPPED) delete record[name];
    const origin = typeof record.url === 'string' ? safeOrigin(record.url) : null;
    record.url = origin ?? '';
  }
  if (event.type === 'custom' && event.props !== undefined) event.props = limitProps(event.props) as typeof event.props;
}

function safeOrigin(value: string): string | null {
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/**
 * A copy of a raw event tuple (`[code, dt, ...fields]`) with the same minimisation applied to
 * the fields that have the expected type, for a dead letter. Anything that cannot be read as an
 * event tuple is returned as it is (it cannot be replayed into anything either).
 */
export function minimiseTuple(raw: unknown): unknown {
  if (!Array.isArray(raw) || typeof raw[0] !== 'number') return raw;
  const def = EVENT_BY_CODE[raw[0]];
  if (!def) return raw;
  const out: unknown[] = raw.slice();
  const fields = STRING_FIELDS[def.type];
  if (fields) {
    for (const [name, reduce] of Object.entries(fields)) {
      const index = def.keys.indexOf(name) + 2;
      const value = out[index];
      if (index < 2 || typeof value !== 'string') continue;
      out[index] = reduce(value) ?? '';
    }
  }
  if (def.type === 'custom') {
    const index = def.keys.indexOf('props') + 2;
    if (index >= 2 && out[index] !== undefined && out[index] !== null) out[index] = limitProps(out[index]);
  }
  return out;
}

/**
 * A decoded body that is not a valid batch but carries an `events` array, with each event
 * minimised by {@link minimiseTuple}, for its whole-body dead letter; null when it carries no
 * events (then there is nothing this module can read in it).
 */
export function minimiseBatchValue(value: unknown): Record<string, unknown> | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const events = (value as { events?: unknown }).events;
  if (!Array.isArray(events)) return null;
  return { ...(value as Record<string, unknown>), events: events.map(minimiseTuple) };
}
