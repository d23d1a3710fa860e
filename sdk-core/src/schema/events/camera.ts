import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { int, mm, quat } from '../units.js';

/**
 * A camera sample. Sent at an adaptive rate: more while the camera moves, none while it is still.
 * Position in mm, orientation as a scaled unit quaternion (three.js `camera.quaternion`).
 */
export const camera = defineEvent({
  type: 'camera',
  code: 3,
  description: 'Camera pose sample (world position and orientation).',
  fields: {
    px: mm('camera position x'),
    py: mm('camera position y'),
    pz: mm('camera position z'),
    qx: quat('x'),
    qy: quat('y'),
    qz: quat('z'),
    qw: quat('w'),
    /** Vertical field of view × 10, sent when it changed. */
    fov10: T.Optional(int(10, 1790, 'vertical field of view (degrees × 10)')),
  },
});
