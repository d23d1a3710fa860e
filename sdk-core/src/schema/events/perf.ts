import { defineEvent } from '../define.js';
import { count, durationMs, int } from '../units.js';

const frameUs = (what: string) => int(0, 10_000_000, `${what} frame time (µs)`);

/** Frame performance over a window (about one per second while rendering). */
export const perf = defineEvent({
  type: 'perf',
  code: 7,
  description: 'Frame time percentiles, long frames and renderer counters over a window.',
  fields: {
    windowMs: durationMs('length of the measured window'),
    frames: count('frames rendered in the window'),
    p50Us: frameUs('median'),
    p95Us: frameUs('95th percentile'),
    p99Us: frameUs('99th percentile'),
    /** Frames over 50 ms. */
    longFrames: count('frames over 50 ms'),
    drawCalls: count('draw calls of the last frame (renderer.info.render.calls)'),
    triangles: count('triangles of the last frame (renderer.info.render.triangles)'),
  },
});
