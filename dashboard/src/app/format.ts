/** Number and duration formatting for tables and tiles. */

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });

/** `12,345`. */
export const formatCount = (n: number): string => integer.format(n);

/** `59.8`. */
export const formatDecimal = (n: number): string => decimal.format(n);

/** A duration in ms as `1 h 2 min`, `3 min 4 s` or `5.6 s`. */
export function formatMs(ms: number): string {
  if (ms >= 3_600_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${decimal.format(ms / 1000)} s`;
}

/** A date-time in the operator's locale. */
export const formatTime = (iso: string): string => new Date(iso).toLocaleString();
