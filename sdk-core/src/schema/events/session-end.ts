import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { durationMs } from '../units.js';

/** The last event of a session, when the SDK gets the chance to send it. */
export const sessionEnd = defineEvent({
  type: 'session_end',
  code: 2,
  description: 'A session ended: page hidden, inactivity timeout or stop().',
  fields: {
    reason: T.Union([
      T.Literal('pagehide'),
      T.Literal('inactivity'),
      T.Literal('stop'),
    ], { description: 'why the session ended' }),
    /** Wall time from session_start to this event. */
    durationMs: durationMs('session wall time'),
  },
});
