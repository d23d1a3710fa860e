/**
 * The registry: the single list of event types. Everything else — the union type, the lookup
 * maps by type and by wire code, the capture channels, the validators — is derived from it.
 * To add an event type, write its file under `events/` and add it to {@link EVENT_DEFS}.
 */
import type { EventDef, ResolvedFields } from './define.js';
import { assetLoad } from './events/asset-load.js';
import { camera } from './events/camera.js';
import { click } from './events/click.js';
import { custom } from './events/custom.js';
import { gaze } from './events/gaze.js';
import { hoverDwell } from './events/hover-dwell.js';
import { meshPick } from './events/mesh-pick.js';
import { meshVisibility } from './events/mesh-visibility.js';
import { perf } from './events/perf.js';
import { pointerMove } from './events/pointer-move.js';
import { resourceSample } from './events/resource-sample.js';
import { runtimeError } from './events/runtime-error.js';
import { sessionEnd } from './events/session-end.js';
import { sessionStart } from './events/session-start.js';
import { viewport } from './events/viewport.js';

/** Every event type, in wire-code order. */
export const EVENT_DEFS = [
  sessionStart,
  sessionEnd,
  camera,
  pointerMove,
  click,
  meshPick,
  perf,
  viewport,
  assetLoad,
  custom,
  meshVisibility,
  hoverDwell,
  gaze,
  resourceSample,
  runtimeError,
] as const;

/** Any declared event definition. */
export type AnyEventDef = (typeof EVENT_DEFS)[number];

/** The name of an event type (also its capture channel). */
export type EventType = AnyEventDef['type'];

/** The definition of one event type. */
export type EventDefOf<T extends EventType> = Extract<AnyEventDef, { type: T }>;

/** A decoded event of one type: its type, absolute time `t` (epoch ms) and resolved fields. */
export type EventOf<T extends EventType> = { type: T; t: number } & ResolvedFields<EventDefOf<T>>;

/** Any decoded event: the union of every type's {@link EventOf}. */
export type VantageEvent = { [T in EventType]: EventOf<T> }[EventType];

/** Definitions by event type. */
export const EVENT_BY_TYPE = Object.fromEntries(EVENT_DEFS.map((d) => [d.type, d])) as {
  readonly [T in EventType]: EventDefOf<T>;
};

/** Definitions by wire code (index = code); holes are unknown codes. */
export const EVENT_BY_CODE: ReadonlyArray<AnyEventDef | undefined> = (() => {
  const table: Array<AnyEventDef | undefined> = [];
  for (const def of EVENT_DEFS) {
    if (table[def.code]) throw new Error(`Vantage: wire code ${def.code} used twice`);
    table[def.code] = def;
  }
  return table;
})();

/** Every event type, in wire-code order. */
export const EVENT_TYPES: readonly EventType[] = EVENT_DEFS.map((d) => d.type);

/** Channels that are off until an operator turns them on for a scene. */
export const OPT_IN_CHANNELS: readonly EventType[] = EVENT_DEFS.filter((d) => d.optIn).map((d) => d.type);

/** A scene's capture flags: which channels are on. Always-on channels are always true. */
export type CaptureFlags = { readonly [T in EventType]: boolean };

/** The strict default: every always-on channel on, every opt-in channel off. */
export const DEFAULT_CAPTURE_FLAGS: CaptureFlags = Object.fromEntries(
  EVENT_DEFS.map((d) => [d.type, !d.optIn]),
) as CaptureFlags;

/** Whether `type` is a known event type. */
export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_BY_TYPE, type);
}

/** Checks at load that a definition is well-formed; used by tests. */
export function describeEvent(def: EventDef): string {
  return `${def.type} (code ${def.code}${def.optIn ? ', opt-in' : ''}): ${def.keys.join(', ')}`;
}
