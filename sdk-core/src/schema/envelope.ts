/**
 * The batch envelope: what a batch says once, not on every event.
 *
 * `{ v, key?, sid, seq, scene, sentAt, t0, ids?, anon?, user?, events }` — events are tuples
 * `[code, dtMs, ...fields]` whose time is `t0 + dtMs` and whose mesh fields index `ids`.
 * Unknown envelope keys (for example a project id) are ignored: the key alone decides the project.
 */
import type { Static } from '@sinclair/typebox';
import { T } from './builders.js';
import { MAX_BATCH_EVENTS, MAX_EPOCH_MS, MAX_MESH_IDS, MAX_MESH_ID_LENGTH, MIN_EPOCH_MS, SCENE_ID_PATTERN, SCHEMA_VERSION, SESSION_ID_PATTERN } from './scalars.js';
import { int, text } from './units.js';

// The envelope's plain constants live in `scalars.ts` (no TypeBox, for the browser client).
export { SCHEMA_VERSION, MAX_BATCH_EVENTS, MIN_EPOCH_MS, MAX_EPOCH_MS, SESSION_ID_PATTERN, SCENE_ID_PATTERN } from './scalars.js';

const epochMs = (d: string) => int(MIN_EPOCH_MS, MAX_EPOCH_MS, `${d} (epoch ms)`);

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
