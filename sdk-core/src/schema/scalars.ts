/**
 * The wire's plain numbers: units, limits, id patterns, and the conversions into wire integers.
 * No TypeBox here, so the browser client and the connectors take them (from sdk-core's root
 * entry) without the schema library; the field builders (`units.ts`) and the envelope
 * (`envelope.ts`) build their schemas on them and re-export them.
 *
 * The wire favours small integers: msgpack stores -32..127 in one byte and any 16-bit value in
 * three, so every quantity is an integer in a documented unit rather than a float64 (nine bytes).
 * Coordinates are three.js native — right-handed, y up — in millimetres on the wire.
 */

/** Largest coordinate magnitude on the wire, in millimetres (10 km). */
export const MAX_COORD_MM = 10_000_000;
/** Quaternion components are scaled by this factor and rounded (about 3e-5 precision). */
export const QUAT_SCALE = 32767;
/** Pointer coordinates are three.js normalised device coordinates scaled by this factor. */
export const NDC_SCALE = 10_000;
/** Most mesh ids one batch may carry in its `ids` table. */
export const MAX_MESH_IDS = 1024;
/** Longest mesh id, in characters (UTF-16 code units). */
export const MAX_MESH_ID_LENGTH = 128;
/** One hour in milliseconds: the longest offset of an event from its batch's `t0`. */
export const MAX_EVENT_OFFSET_MS = 3_600_000;
/** One day in milliseconds: the longest duration any event reports. */
export const MAX_DURATION_MS = 86_400_000;

/** The wire schema version this package speaks. */
export const SCHEMA_VERSION = 1;
/** Most events in one batch. */
export const MAX_BATCH_EVENTS = 1000;
/** Earliest and latest plausible epoch milliseconds (2020-01-01 .. 2100-01-01). */
export const MIN_EPOCH_MS = 1_577_836_800_000;
export const MAX_EPOCH_MS = 4_102_444_800_000;
/** Session id: random, in memory only, 8–64 URL-safe characters. */
export const SESSION_ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
/** Scene id chosen by the app: 1–128 characters of letters, digits and `_ . : / -`. */
export const SCENE_ID_PATTERN = '^[A-Za-z0-9_.:/-]{1,128}$';

/** Metres to wire millimetres. */
export function toMm(metres: number): number {
  return Math.round(metres * 1000);
}

/** Wire millimetres to metres. */
export function fromMm(millimetres: number): number {
  return millimetres / 1000;
}

/** A quaternion component (-1..1) to its wire integer. */
export function toQuat(component: number): number {
  return Math.round(Math.max(-1, Math.min(1, component)) * QUAT_SCALE);
}

/** A wire quaternion integer back to a component. */
export function fromQuat(value: number): number {
  return value / QUAT_SCALE;
}

/** A normalised device coordinate (-1..1) to its wire integer. */
export function toNdc(value: number): number {
  return Math.round(Math.max(-1, Math.min(1, value)) * NDC_SCALE);
}
