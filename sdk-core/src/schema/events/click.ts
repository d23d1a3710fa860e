import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { int, meshRef, ndc, optMm } from '../units.js';

/** A click or tap, with the 3D hit point and mesh when the ray hit something. */
export const click = defineEvent({
  type: 'click',
  code: 5,
  description: 'Pointer click/tap; hit mesh and point when the ray hit one.',
  fields: {
    x: ndc('x'),
    y: ndc('y'),
    /** `PointerEvent.button`: 0 main, 1 middle, 2 secondary. */
    button: int(0, 4, 'pointer button'),
    mesh: T.Optional(meshRef()),
    hx: optMm('hit point x'),
    hy: optMm('hit point y'),
    hz: optMm('hit point z'),
  },
});
