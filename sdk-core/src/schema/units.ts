/**
 * Field builders with units and limits, shared by every event definition.
 *
 * The wire favours small integers: msgpack stores -32..127 in one byte and any 16-bit value in
 * three, so every quantity is an integer in a documented unit rather than a float64 (nine bytes).
 * Coordinates are three.js native — right-handed, y up — in millimetres on the wire.
 */
import type { TInteger, TString, TBoolean, TOptional } from '@sinclair/typebox';
import { T } from './builders.js';

/** Largest coordinate magnitude on the wire, in millimetres (10 km). */
export const MAX_COORD_MM = 10_000_000;
/** Quaternion components are scaled by this factor and rounded (about 3e-5 precision). */
export const QUAT_SCALE = 32767;
/** Pointer coordinates are three.js normalised device coordinates scaled by this factor. */
export const NDC_SCALE = 10_000;
/** Most mesh ids one batch may carry in its `ids` table. */
export const MAX_MESH_IDS = 1024;
/** Longest mesh id, in characters. */
export const MAX_MESH_ID_LENGTH = 128;
/** One hour in milliseconds: the longest offset of an event from its batch's `t0`. */
export const MAX_EVENT_OFFSET_MS = 3_600_000;
/** One day in milliseconds: the longest duration any event reports. */
export const MAX_DURATION_MS = 86_400_000;

/** Marks a field whose value is an index into the batch's `ids` table (a mesh id). */
export const MESH_REF = 'vantage:meshRef';

/** An integer field in [min, max] with a description that names its unit. */
export function int(minimum: number, maximum: number, description: string): TInteger {
  return T.Integer({ minimum, maximum, description });
}

/** A string field of at most `maxLength` characters, without NUL (which PostgreSQL text refuses). */
export function text(maxLength: number, description: string, minLength = 0): TString {
  return T.String({ minLength, maxLength, pattern: '^[^\\u0000]*$', description });
}

/** A boolean field. */
export function flag(description: string): TBoolean {
  return T.Boolean({ description });
}

/** A coordinate in millimetres, three.js world space. */
export function mm(description: string): TInteger {
  return int(-MAX_COORD_MM, MAX_COORD_MM, `${description} (mm, world space, y up)`);
}

/** An optional coordinate in millimetres. */
export function optMm(description: string): TOptional<TInteger> {
  return T.Optional(mm(description));
}

/** A quaternion component scaled by {@link QUAT_SCALE}. */
export function quat(axis: string): TInteger {
  return int(-QUAT_SCALE, QUAT_SCALE, `camera quaternion ${axis} × ${QUAT_SCALE}`);
}

/** A duration in milliseconds, at most one day. */
export function durationMs(description: string): TInteger {
  return int(0, MAX_DURATION_MS, `${description} (ms)`);
}

/** A count of things, at most 2^31 - 1. */
export function count(description: string): TInteger {
  return int(0, 2_147_483_647, description);
}

/** A pointer coordinate: normalised device coordinates × {@link NDC_SCALE} (-1..1, y up). */
export function ndc(axis: 'x' | 'y'): TInteger {
  return int(-NDC_SCALE, NDC_SCALE, `pointer ${axis}, NDC × ${NDC_SCALE} (y up)`);
}

/** A reference to a mesh: an index into the batch's `ids` table, resolved to the id string. */
export function meshRef(description = 'mesh, as an index into the batch ids table'): TInteger {
  return T.Integer({ minimum: 0, maximum: MAX_MESH_IDS - 1, description, [MESH_REF]: true });
}

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
