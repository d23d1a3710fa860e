import { defineEvent } from '../define.js';
import { int } from '../units.js';

/** The viewport changed size or pixel ratio. */
export const viewport = defineEvent({
  type: 'viewport',
  code: 8,
  description: 'Viewport size or pixel ratio changed.',
  fields: {
    w: int(1, 16384, 'viewport width (CSS px)'),
    h: int(1, 16384, 'viewport height (CSS px)'),
    dpr100: int(25, 1600, 'device pixel ratio × 100'),
  },
});
