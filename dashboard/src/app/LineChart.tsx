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

/**
 * A chart of `lines` over `times` (epoch ms), the x axis spanning `range` (epoch ms). `fill`
 * shades under each line (counts); percentiles of one metric lie on top of each other, and
 * their shades would only muddy each other.
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
        axes: [{}, { size: 72 }],
        scales: { x: { time: true, range: () => [range[0] / 1000, range[1] / 1000] } },
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
