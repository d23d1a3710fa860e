import { defineEvent } from '../define.js';
import { durationMs, int, meshRef } from '../units.js';

/** Opt-in: how long a mesh was on screen, near the centre, and its largest screen share. */
export const meshVisibility = defineEvent({
  type: 'mesh_visibility',
  code: 11,
  optIn: true,
  description: 'Per-mesh visible time, time near the screen centre and largest screen fraction.',
  fields: {
    mesh: meshRef(),
    visibleMs: durationMs('time in the view frustum'),
    centreMs: durationMs('time within the central fifth of the screen'),
    maxScreenPermille: int(0, 1000, 'largest fraction of the screen covered (‰)'),
  },
});
