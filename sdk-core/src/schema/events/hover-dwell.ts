import { defineEvent } from '../define.js';
import { durationMs, meshRef, optMm } from '../units.js';

/** Opt-in: the pointer rested on a mesh for a while. Sent when the hover ends. */
export const hoverDwell = defineEvent({
  type: 'hover_dwell',
  code: 12,
  optIn: true,
  description: 'The pointer hovered a mesh; sent when the hover ends, with its length.',
  fields: {
    mesh: meshRef(),
    dwellMs: durationMs('hover length'),
    hx: optMm('first hit point x'),
    hy: optMm('first hit point y'),
    hz: optMm('first hit point z'),
  },
});
