/**
 * Field builders with units and limits, shared by every event definition. The plain numbers and
 * conversions they use live in `scalars.ts` (no TypeBox) and are re-exported here unchanged.
 */
import type { TInteger, TString, TBoolean, TOptional } from '@sinclair/typebox';
import { T } from './builders.js';
import { MAX_COORD_MM, MAX_DURATION_MS, MAX_MESH_IDS, NDC_SCALE, QUAT_SCALE } from './scalars.js';

export {
  MAX_COORD_MM,
  QUAT_SCALE,
  NDC_SCALE,
  MAX_MESH_IDS,
  MAX_MESH_ID_LENGTH,
  MAX_EVENT_OFFSET_MS,
  MAX_DURATION_MS,
  toMm,
  fromMm,
  toQuat,
  fromQuat,
  toNdc,
} from './scalars.js';

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
