import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { meshRef, optMm } from '../units.js';

/** A mesh was picked: selected by a click on it or through the app's own pick call. */
export const meshPick = defineEvent({
  type: 'mesh_pick',
  code: 6,
  description: 'A mesh was picked (selected), by click or by the app.',
  fields: {
    mesh: meshRef(),
    source: T.Union([T.Literal('pointer'), T.Literal('app')], {
      description: 'pointer: a click landed on it; app: the app called pick()',
    }),
    hx: optMm('hit point x'),
    hy: optMm('hit point y'),
    hz: optMm('hit point z'),
  },
});
