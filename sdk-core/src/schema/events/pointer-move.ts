import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { meshRef, ndc, optMm } from '../units.js';

/** A throttled pointer position, with the 3D hit point and mesh when the ray hit something. */
export const pointerMove = defineEvent({
  type: 'pointer_move',
  code: 4,
  description: 'Pointer moved (throttled); hit mesh and point when the ray hit one.',
  fields: {
    x: ndc('x'),
    y: ndc('y'),
    mesh: T.Optional(meshRef()),
    hx: optMm('hit point x'),
    hy: optMm('hit point y'),
    hz: optMm('hit point z'),
  },
});
