/** Conversions to wire units that never produce a value the schema refuses. */
import { MAX_COORD_MM, MAX_DURATION_MS, toMm } from '@vantage/sdk-core';

/** Metres to millimetres, clamped to the wire's ±10 km. */
export function mm(metres: number): number {
  const v = toMm(metres);
  return v > MAX_COORD_MM ? MAX_COORD_MM : v < -MAX_COORD_MM ? -MAX_COORD_MM : v === 0 ? 0 : v;
}

/** A duration in whole milliseconds, within the wire's one day. */
export function ms(duration: number): number {
  const v = Math.round(duration);
  return v < 0 ? 0 : v > MAX_DURATION_MS ? MAX_DURATION_MS : v;
}
