/**
 * Timeline markers and inactivity: which events a designer wants to find on the timeline
 * (clicks, picks, custom events, runtime errors), with a readable label each, and which events
 * count as the visitor doing something (for skipping inactivity).
 */
import { fromMm, type VantageEvent } from '@vantage/sdk-core/schema';

/** The kinds of point marker on the timeline. */
export type MarkerKind = 'click' | 'pick' | 'custom' | 'error';

/** A point marker: what happened at `t` (epoch ms), labelled for people (title, aria-label). */
export interface TimelineMarker {
  readonly kind: MarkerKind;
  /** Epoch ms. */
  readonly t: number;
  /** A short label, e.g. `Click on GlamVelvetSofa_fabric`, `variant_selected (variant: Navy)`, `Error: …`. */
  readonly label: string;
  /** The mesh the event names, if any. */
  readonly mesh: string | null;
  /** The 3D point the event names, metres (NaN when none: a click on empty space, a custom event). */
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** A stretch without activity longer than the gap threshold: `start` and `end` are the activity times around it (epoch ms). */
export interface InactivityGap {
  readonly start: number;
  readonly end: number;
}

/** Default: silences longer than this (ms) are inactivity gaps, shown and skipped. */
export const DEFAULT_GAP_MS = 10_000;

/** Longest label text (characters) before it is cut with an ellipsis. */
const MAX_LABEL = 80;

/**
 * Whether an event is the visitor (or the page) doing something. Measurements paced by time —
 * `perf` windows, `resource_sample`, `mesh_visibility` summaries, `gaze` rays (sent every few
 * hundred ms while the view rests on the scene), `asset_load` — are not: a visitor reading the
 * page while the renderer reports its frame times is inactive.
 */
export function isActivity(event: VantageEvent): boolean {
  switch (event.type) {
    case 'perf':
    case 'resource_sample':
    case 'mesh_visibility':
    case 'asset_load':
    case 'gaze':
      return false;
    default:
      return true;
  }
}

/** The timeline marker of an event, or null when the event is not one (camera samples, pointer moves…). */
export function markerOf(event: VantageEvent): TimelineMarker | null {
  switch (event.type) {
    case 'click': {
      const where = event.mesh === undefined ? 'on empty space' : `on ${event.mesh}`;
      const button = event.button === 0 ? 'Click' : event.button === 2 ? 'Right click' : `Button ${event.button} click`;
      return point('click', event.t, `${button} ${where}`, event.mesh, event.hx, event.hy, event.hz);
    }
    case 'mesh_pick':
      return point('pick', event.t, `Pick ${event.mesh}${event.source === 'app' ? ' (by the app)' : ''}`, event.mesh, event.hx, event.hy, event.hz);
    case 'custom':
      return point('custom', event.t, customLabel(event.name, event.props), undefined);
    case 'runtime_error':
      return point('error', event.t, `Error: ${event.message}`, undefined);
    default:
      return null;
  }
}

function point(kind: MarkerKind, t: number, label: string, mesh: string | undefined, hx?: number, hy?: number, hz?: number): TimelineMarker {
  const has = hx !== undefined && hy !== undefined && hz !== undefined;
  return {
    kind,
    t,
    label: cut(label),
    mesh: mesh ?? null,
    x: has ? fromMm(hx) : Number.NaN,
    y: has ? fromMm(hy) : Number.NaN,
    z: has ? fromMm(hz) : Number.NaN,
  };
}

function customLabel(name: string, props: Readonly<Record<string, unknown>> | undefined): string {
  if (props === undefined) return name;
  const parts: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    parts.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    if (parts.length === 3) break;
  }
  return parts.length === 0 ? name : `${name} (${parts.join(', ')})`;
}

function cut(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= MAX_LABEL ? line : `${line.slice(0, MAX_LABEL - 1)}…`;
}
