/**
 * A bar chart drawn by uPlot (the chart library of {@link LineChart}): one bar per category, or a
 * group of bars per category when there are several series (e.g. p50, p95, p99 per device type).
 * Bars sit at integer x positions — category `i`, series `j` at `i × (n + 1) + j` — with an
 * empty slot between groups; the x axis names each category under its group. The chart's text
 * alternative (`aria-label`) lists every value, as `category: series value, …; …`.
 */
import { useEffect, useRef, type ReactElement } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Tick increments for whole numbers (counts): 1, 2, 5, 10, 20, 50, … up to 5 × 10⁹. */
export const WHOLE_STEPS: number[] = Array.from({ length: 10 }, (_, k) => [1, 2, 5].map((m) => m * 10 ** k)).flat();

/** One series of bars: a value (or null: no bar) per category. */
export interface BarSeries {
  label: string;
  values: Array<number | null>;
  colour: string;
}

/** Where each bar of series `j` of category `i` sits, and the aligned data uPlot draws. */
function layout(categories: readonly string[], series: readonly BarSeries[]): { data: uPlot.AlignedData; centres: number[]; max: number } {
  const n = series.length;
  const slots = categories.length * (n + 1) - 1;
  const xs = Array.from({ length: Math.max(1, slots) }, (_, k) => k);
  const ys = series.map((s, j) => xs.map((x) => (x % (n + 1) === j ? (s.values[Math.floor(x / (n + 1))] ?? null) : null)));
  const centres = categories.map((_, i) => i * (n + 1) + (n - 1) / 2);
  return { data: [xs, ...ys], centres, max: xs.length - 1 };
}

/** Width in CSS px of the longest of `labels` at the chart's 12 px font, plus padding. */
function labelWidth(labels: readonly string[]): number {
  return 18 + 6.6 * Math.max(1, ...labels.map((l) => l.length));
}

/**
 * Bars of `series` over `categories`; `format` writes a value for the value axis and the text
 * alternative (default: as is). Vertical bars by default, `height` in CSS px; `horizontal`: one
 * row per category, top to bottom, names on the left (for long names such as mesh ids), its
 * height following the number of bars. `steps`: the value axis's tick increments to choose from
 * (uPlot's `incrs`; default: uPlot's decimal ones), e.g. whole minutes for durations;
 * `tickFormat` writes the axis's ticks (default: `format`).
 */
export function BarChart({
  title,
  categories,
  series,
  format = (v) => String(v),
  height = 240,
  horizontal = false,
  steps,
  tickFormat = format,
}: {
  title: string;
  categories: readonly string[];
  series: readonly BarSeries[];
  format?: (value: number) => string;
  height?: number;
  horizontal?: boolean;
  steps?: number[];
  tickFormat?: (value: number) => string;
}): ReactElement {
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element || categories.length === 0) return;
    const { data, centres, max } = layout(categories, series);
    const n = series.length;
    const categoryOf = (x: number): string => categories[Math.floor(Math.round(x) / (n + 1))] ?? '';
    const tall = horizontal ? 40 + (max + 1) * 22 : height;
    const valueAxisSize = (_u: uPlot, values: string[] | null): number => (horizontal ? 32 : values ? labelWidth(values) : 48);
    const chart = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: tall,
        legend: { show: n > 1, live: false },
        series: [
          { label: 'Category' },
          ...series.map((s) => ({
            label: s.label,
            stroke: s.colour,
            fill: s.colour,
            width: 0,
            points: { show: false },
            paths: uPlot.paths.bars!({ size: [0.86, 64], align: 0 }),
          })),
        ],
        cursor: { show: false },
        scales: {
          x: { time: false, range: () => [-0.7, max + 0.7], ...(horizontal ? { ori: 1 as const, dir: -1 as const } : {}) },
          y: { range: (_u, _min, hi) => [0, hi > 0 ? hi * 1.08 : 1], ...(horizontal ? { ori: 0 as const } : {}) },
        },
        axes: [
          {
            splits: () => centres,
            values: (_u, splits) => splits.map(categoryOf),
            grid: { show: false },
            ...(horizontal ? { side: 3 as const, size: Math.min(360, labelWidth(categories)) } : { size: 36 }),
          },
          {
            size: valueAxisSize,
            values: (_u, splits) => splits.map(tickFormat),
            // Horizontal labels need room side by side: about one label's width apart.
            space: horizontal ? 96 : 30,
            ...(steps ? { incrs: steps } : {}),
            ...(horizontal ? { side: 2 as const } : {}),
          },
        ],
      },
      data,
      element,
    );
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height: tall }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [categories, series, format, height, horizontal, steps, tickFormat]);
  // The canvas is an image: its text alternative carries every bar's value.
  const summary = categories.map((c, i) => `${c}: ${series.map((s) => `${s.label} ${s.values[i] == null ? '—' : format(s.values[i]!)}`).join(', ')}`).join('; ');
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {categories.length === 0 ? <p className="hint">Nothing to chart in this window.</p> : <div ref={box} role="img" aria-label={`${title}. ${summary}`} />}
    </figure>
  );
}
