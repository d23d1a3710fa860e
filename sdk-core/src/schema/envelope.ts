/**
 * The batch envelope: what a batch says once, not on every event.
 *
 * `{ v, key?, sid, seq, scene, sentAt, t0, ids?, anon?, user?, events }` — events are tuples
 * `[code, dtMs, ...fields]` whose time is `t0 + dtMs` and whose mesh fields index `ids`.
 * Unknown envelope keys (for example a project id) are ignored: the key alone decides the project.
 */
import type { Static } from '@sinclair/typebox';
import { T } from './builders.js';
import { int, MAX_MESH_IDS, MAX_MESH_ID_LENGTH, text } from './units.js';

/** The wire schema version this package speaks. */
export const SCHEMA_VERSION = 1;
/** Most events in one batch. */
export const MAX_BATCH_EVENTS = 1000;
/** Earliest and latest plausible epoch milliseconds (2020-01-01 .. 2100-01-01). */
export const MIN_EPOCH_MS = 1_577_836_800_000;
export const MAX_EPOCH_MS = 4_102_444_800_000;

const epochMs = (d: string) => int(MIN_EPOCH_MS, MAX_EPOCH_MS, `${d} (epoch ms)`);

/** Session id: random, in memory only, 8–64 URL-safe characters. */
export const SESSION_ID_PATTERN = '^[A-Za-z0-9_-]{8,64}$';
/** Scene id chosen by the app: 1–128 characters of letters, digits and `_ . : / -`. */
export const SCENE_ID_PATTERN = '^[A-Za-z0-9_.:/-]{1,128}$';

/** Schema of the batch envelope (events are checked one by one, not here). */
export const BatchEnvelope = T.Object(
  {
    v: T.Literal(SCHEMA_VERSION, { description: 'wire schema version' }),
    key: T.Optional(text(200, 'API key, for sendBeacon which cannot set headers')),
    sid: T.String({ pattern: SESSION_ID_PATTERN, description: 'in-memory session id' }),
    seq: int(0, 2_147_483_647, 'per-session batch sequence number (retries reuse it)'),
    scene: T.String({ pattern: SCENE_ID_PATTERN, description: 'scene id' }),
    sentAt: epochMs('client send time'),
    t0: epochMs('base time of the events'),
    ids: T.Optional(
      T.Array(text(MAX_MESH_ID_LENGTH, 'mesh id', 1), {
        maxItems: MAX_MESH_IDS,
        description: 'mesh id table indexed by mesh fields',
      }),
    ),
    anon: T.Optional(text(128, 'anonymous id supplied by the app', 1)),
    user: T.Optional(text(128, 'user id supplied by the app', 1)),
    events: T.Array(T.Unknown(), { maxItems: MAX_BATCH_EVENTS, description: 'event tuples' }),
  },
  { additionalProperties: true },
);

/** A batch as it travels. */
export type WireBatch = Static<typeof BatchEnvelope>;
