/**
 * Custom events (`track(name, props)`) per scene, hour and name, with counts split by property:
 * for each of an event's first {@link MAX_SPLIT_KEYS} property keys, a count per value (the
 * value's text for strings, numbers and booleans, cut to {@link MAX_VALUE_CHARS} characters;
 * `(none)` when it is not a scalar). So any one property can be chosen at query time without
 * keeping events. The row with the empty property key is the name's total.
 *
 * Read: `GET /api/v1/custom-events?property=`.
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';
import type { QueryParams } from '../http/cursor.js';
import type { Store } from '../storage/types.js';
import { defineRollup, sum } from './define.js';
import { intParam, textParam, windowWhere, type AggregateQuery } from './params.js';
import type { Aggregate } from './types.js';

/** Property keys of one event that are split on. */
export const MAX_SPLIT_KEYS = 16;
/** Longest property value kept, characters. */
export const MAX_VALUE_CHARS = 64;
/** The value of a property that is absent or not a scalar. */
export const NO_VALUE = '(none)';

/** The rollup: per (project, scene, hour, name, property key, property value). */
export const customRollup = defineRollup({
  table: 'agg_custom_events',
  bucket: 'hour',
  keys: { name: 'text', property: 'text', value: 'text' },
  values: { events: sum() },
});

/** The text a property value is counted under. */
export function propertyValueText(value: unknown): string {
  if (typeof value === 'string') return value.slice(0, MAX_VALUE_CHARS);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value).slice(0, MAX_VALUE_CHARS);
  return NO_VALUE;
}

const key: [string, string, string] = ['', '', ''];
const ONE = [1];

/** The custom-events aggregate. */
export const customEvents: Aggregate = {
  name: 'custom-events',
  rollups: [customRollup],
  foldEvent(e: VantageEvent, ctx, acc) {
    if (e.type !== 'custom') return;
    key[0] = e.name;
    key[1] = '';
    key[2] = '';
    acc.add(customRollup, ctx.projectId, ctx.sceneId, e.t, key, ONE);
    const props = e.props as Record<string, unknown> | undefined;
    if (!props || (props as { __truncated?: unknown }).__truncated === true) return;
    let n = 0;
    for (const name in props) {
      if (n++ >= MAX_SPLIT_KEYS) break;
      key[1] = name;
      key[2] = propertyValueText(props[name]);
      acc.add(customRollup, ctx.projectId, ctx.sceneId, e.t, key, ONE);
    }
  },
};

/** One event name of the answer. */
export interface CustomEventRow {
  name: string;
  count: number;
  /** Counts by the chosen property's value (events without it under `(none)`); null when none was chosen. */
  byProperty: Array<{ value: string; count: number }> | null;
}

/** `GET /api/v1/custom-events`. */
export async function readCustomEvents(store: Store, q: AggregateQuery, query: QueryParams): Promise<{ property: string | null; events: CustomEventRow[] }> {
  const property = textParam(query, 'property', 64);
  const limit = intParam(query, 'limit', 1, 1000, 100);
  const { where, params } = windowWhere(q, 'hour');
  const totals = await store.query<{ name: string; n: number }>(
    `SELECT name, sum(events)::float8 AS n FROM agg_custom_events WHERE ${where} AND property = ''
      GROUP BY name ORDER BY n DESC, name LIMIT ${limit}`,
    params,
  );
  const splits = new Map<string, Array<{ value: string; count: number }>>();
  if (property !== null && totals.length > 0) {
    const rows = await store.query<{ name: string; value: string; n: number }>(
      `SELECT name, value, sum(events)::float8 AS n FROM agg_custom_events
        WHERE ${where} AND property = $${params.length + 1} AND name = ANY($${params.length + 2}::text[])
        GROUP BY name, value ORDER BY n DESC, value`,
      [...params, property, totals.map((t) => t.name)],
    );
    for (const r of rows) {
      const list = splits.get(r.name) ?? [];
      list.push({ value: r.value, count: Number(r.n) });
      splits.set(r.name, list);
    }
  }
  const events = totals.map((t) => {
    const count = Number(t.n);
    if (property === null) return { name: t.name, count, byProperty: null };
    const list = splits.get(t.name) ?? [];
    const counted = list.reduce((s, v) => s + v.count, 0);
    // Events that did not carry the property at all.
    if (count > counted) {
      const none = list.find((v) => v.value === NO_VALUE);
      if (none) none.count += count - counted;
      else list.push({ value: NO_VALUE, count: count - counted });
      list.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1));
    }
    return { name: t.name, count, byProperty: list };
  });
  return { property, events };
}
