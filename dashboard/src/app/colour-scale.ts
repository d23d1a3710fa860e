/**
 * The heatmap colour scale: counts on a log scale mapped onto a perceptual ramp (dark violet →
 * red → yellow, after matplotlib's "inferno", lightened at the low end so faint voxels stay
 * visible on the dark stage). One definition for the voxels and the legend.
 */

/** Ramp stops, low to high, as `#rrggbb`. */
export const RAMP: readonly string[] = ['#3b0f70', '#8c2981', '#de4968', '#fe9f6d', '#fcfdbf'];

/** Position 0..1 of `count` between 1 and `max` on a log scale. */
export function scalePosition(count: number, max: number): number {
  if (max <= 1) return 1;
  return Math.min(1, Math.max(0, Math.log(Math.max(1, count)) / Math.log(max)));
}

/** The ramp's colour at `t` (0..1) as RGB in 0..1, written into `out`. */
export function rampColour(t: number, out: [number, number, number]): [number, number, number] {
  const scaled = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(scaled));
  const f = scaled - i;
  const a = parse(RAMP[i]!);
  const b = parse(RAMP[i + 1]!);
  out[0] = a[0] + (b[0] - a[0]) * f;
  out[1] = a[1] + (b[1] - a[1]) * f;
  out[2] = a[2] + (b[2] - a[2]) * f;
  return out;
}

function parse(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/** The ramp as a CSS gradient, for the legend. */
export const RAMP_CSS = `linear-gradient(to right, ${RAMP.join(', ')})`;
