/**
 * A time-series line chart drawn by uPlot (a maintained, small canvas chart library): one x
 * series of epoch seconds and one or more y series, resized with its container.
 */
import { useEffect, useRef, type ReactElement } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One line. */
export interface Line {
  label: string;
  values: Array<number | null>;
  colour: string;
}

/** Tick steps of a count axis: 1, 2, 5, 10, 20, 50, … (never a fraction of a session). */
const COUNT_STEPS = Array.from({ length: 30 }, (_, i) => [1, 2, 5][i % 3]! * 10 ** Math.floor(i / 3));

/**
 * A chart of `lines` over `times` (epoch ms), the x axis spanning `range` (epoch ms). `fill`
 * shades under each line and marks counts (a y axis from zero in whole steps); percentiles of
 * one metric lie on top of each other, and their shades would only muddy each other.
 */
export function LineChart({ title, times, lines, range, height = 220, fill = true }: { title: string; times: number[]; lines: Line[]; range: [number, number]; height?: number; fill?: boolean }): ReactElement {
  const box = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const data: uPlot.AlignedData = [times.map((t) => t / 1000), ...lines.map((l) => l.values)];
    const chart = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height,
        series: [{}, ...lines.map((l) => ({ label: l.label, stroke: l.colour, width: 2, ...(fill ? { fill: `${l.colour}22` } : {}), points: { show: times.length < 40 } }))],
        // Counts start at zero and step by whole numbers; other metrics fit their values.
        axes: [{}, fill ? { size: 72, incrs: COUNT_STEPS } : { size: 72 }],
        scales: {
          x: { time: true, range: () => [range[0] / 1000, range[1] / 1000] },
          ...(fill ? { y: { range: (_u: uPlot, _min: number, max: number): uPlot.Range.MinMax => [0, Math.max(1, max) * 1.1] } } : {}),
        },
      },
      data,
      element,
    );
    const observer = new ResizeObserver(() => chart.setSize({ width: Math.max(200, element.clientWidth), height }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      chart.destroy();
    };
  }, [times, lines, height, fill, range[0], range[1]]);
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={title} />
    </figure>
  );
}
