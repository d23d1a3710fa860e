/** The time windows the dashboard offers, and the query parameters of one. */

/** A window's id. */
export type WindowId = '24h' | '7d' | '30d';

/** The windows, in the picker's order: label, length (ms) and the activity series' interval. */
export const WINDOWS: ReadonlyArray<{ id: WindowId; label: string; ms: number; interval: 'hour' | 'day' }> = [
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000, interval: 'hour' },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, interval: 'day' },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, interval: 'day' },
];

/**
 * `from`/`to` (epoch ms) of a window ending now, rounded up to the next minute so the
 * same window gives the same URLs (and one fetch) within a minute.
 */
export function windowRange(id: WindowId): { from: number; to: number; interval: 'hour' | 'day' } {
  const w = WINDOWS.find((x) => x.id === id) ?? WINDOWS[1]!;
  const to = Math.ceil(Date.now() / 60_000) * 60_000;
  return { from: to - w.ms, to, interval: w.interval };
}
