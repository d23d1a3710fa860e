import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { count, durationMs, flag, text } from '../units.js';

/** An asset finished loading (or failed) through three's LoadingManager. */
export const assetLoad = defineEvent({
  type: 'asset_load',
  code: 9,
  description: 'An asset load finished or failed (three.js LoadingManager).',
  fields: {
    /** Asset URL; the collector drops its query string. */
    url: text(1024, 'asset URL (query string dropped by the collector)', 1),
    kind: T.Union(
      ['model', 'texture', 'environment', 'audio', 'other'].map((k) => T.Literal(k)),
      { description: 'asset kind, from the file extension' },
    ),
    durationMs: durationMs('load time'),
    ok: flag('false when the load failed'),
    bytes: T.Optional(count('transferred bytes, when known')),
  },
});
