import { T } from '../builders.js';
import { defineEvent } from '../define.js';
import { count } from '../units.js';

/** Opt-in: GPU resources and JS heap, sampled now and then (renderer.info.memory). */
export const resourceSample = defineEvent({
  type: 'resource_sample',
  code: 14,
  optIn: true,
  description: 'Renderer memory counters and JS heap size.',
  fields: {
    geometries: count('live geometries'),
    textures: count('live textures'),
    programs: count('compiled shader programs'),
    heapKb: T.Optional(count('used JS heap (KiB), where the browser reports it')),
  },
});
