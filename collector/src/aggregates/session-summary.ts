/**
 * Per-session summaries: what a session amounts to, never its event stream. The flush folds each
 * batch into its session's row (`sessions`): event counts, length, errors, traffic source and the
 * ordered steps funnels read (mesh clicks, custom events, scenes), capped at
 * {@link MAX_STEPS_CHARS}. Summaries are per-session data: `retention_days` and erasure apply.
 *
 * Read: `GET /api/v1/sessions` (newest first, keyset-paged).
 */
import type { VantageEvent } from '@vantage/sdk-core/schema';

/** Longest stored step list, characters (steps are joined by newlines). */
export const MAX_STEPS_CHARS = 8000;
/** Steps kept from one batch. */
export const MAX_STEPS_PER_BATCH = 64;

/** Step tokens: `c:<mesh>` a mesh clicked, `e:<name>` a custom event, `s:<scene>` a scene entered. */
export type StepToken = `c:${string}` | `e:${string}` | `s:${string}`;

/** What one batch adds to its session's summary. */
export interface BatchSummary {
  /** Earliest and latest event time, epoch ms. */
  firstMs: number;
  lastMs: number;
  /** `session_end.durationMs`, or 0. */
  endedDurationMs: number;
  clicks: number;
  picks: number;
  customEvents: number;
  errors: number;
  /** Newline-joined step tokens, in event order. */
  steps: string;
}

/** Summarise a batch's events; `enteredScene` when the batch starts the session or changes its scene. */
export function summariseBatch(events: readonly VantageEvent[], sceneId: string, enteredScene: boolean): BatchSummary {
  const s: BatchSummary = { firstMs: Number.POSITIVE_INFINITY, lastMs: Number.NEGATIVE_INFINITY, endedDurationMs: 0, clicks: 0, picks: 0, customEvents: 0, errors: 0, steps: '' };
  const steps: string[] = enteredScene ? [`s:${sceneId}`] : [];
  for (const e of events) {
    if (e.t < s.firstMs) s.firstMs = e.t;
    if (e.t > s.lastMs) s.lastMs = e.t;
    switch (e.type) {
      case 'click':
        s.clicks++;
        if (e.mesh !== undefined && steps.length < MAX_STEPS_PER_BATCH) steps.push(`c:${e.mesh.replace(/\n/g, " ")}`);
        break;
      case 'mesh_pick':
        s.picks++;
        break;
      case 'custom':
        s.customEvents++;
        if (steps.length < MAX_STEPS_PER_BATCH) steps.push(`e:${e.name}`);
        break;
      case 'runtime_error':
        s.errors++;
        break;
      case 'session_end':
        s.endedDurationMs = Math.max(s.endedDurationMs, e.durationMs);
        break;
      default:
        break;
    }
  }
  if (events.length === 0) s.firstMs = s.lastMs = 0;
  // Newlines cannot occur in mesh ids or names (both are validated), so the join is safe.
  s.steps = steps.join('\n');
  return s;
}
