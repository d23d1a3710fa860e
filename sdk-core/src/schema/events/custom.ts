import { T } from '../builders.js';
import { defineEvent } from '../define.js';

/** The longest custom event name. */
export const MAX_CUSTOM_NAME = 64;

/** An event the app sends itself with `track(name, props)`. */
export const custom = defineEvent({
  type: 'custom',
  code: 10,
  description: 'A custom event from the app: a name and optional JSON properties.',
  fields: {
    name: T.String({
      minLength: 1,
      maxLength: MAX_CUSTOM_NAME,
      pattern: '^[A-Za-z0-9_.:/-]+$',
      description: 'event name: letters, digits and _ . : / -',
    }),
    /** JSON properties; over 8 KB of JSON they are replaced by a truncation marker. */
    props: T.Optional(
      // A key limit needs a pattern and additionalProperties: false; TypeBox drops maxLength on record keys.
      T.Record(T.String({ pattern: '^[^\\u0000]{1,64}$' }), T.Unknown(), {
        additionalProperties: false,
        description: 'JSON properties, keys of 1–64 characters (truncated by the collector over 8 KB)',
      }),
    ),
  },
});
