import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { count, text } from '../units.js';

/** Opt-in: an uncaught error or unhandled rejection in the page. */
export const runtimeError = defineEvent({
  type: 'runtime_error',
  code: 15,
  optIn: true,
  description: 'An uncaught error or unhandled promise rejection.',
  fields: {
    message: text(1024, 'error message', 1),
    source: T.Optional(text(512, 'script URL (query string dropped by the collector)')),
    line: T.Optional(count('line number')),
    col: T.Optional(count('column number')),
    stack: T.Optional(text(4096, 'stack trace')),
  },
});
