import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { mm, meshRef } from '../units.js';

/** Opt-in: where the centre of the camera looks: its hit point and mesh. */
export const gaze = defineEvent({
  type: 'gaze',
  code: 13,
  optIn: true,
  description: "The camera's centre ray hit point and mesh.",
  fields: {
    hx: mm('gaze hit point x'),
    hy: mm('gaze hit point y'),
    hz: mm('gaze hit point z'),
    mesh: T.Optional(meshRef()),
  },
});
