// Generated from the schema registry by `npm run generate -w @vantage/sdk-core`
// (src/client/event-table-source.ts). Do not edit: event-table.test.ts fails when it and
// the registry disagree.
import type { EventSpec } from './events.js';

/**
 * Every event type in wire-code order, with its fields' rules — the registry without TypeBox.
 * Mesh fields take ids of 1–128 characters; a text rule without a pattern refuses NUL.
 */
export const EVENT_TABLE: readonly EventSpec[] = [
  {
    type: 'session_start',
    code: 1,
    optIn: false,
    required: 5,
    fields: [
      ['url', 'text', 1, 2048],
      ['viewportW', 'int', 1, 16384],
      ['viewportH', 'int', 1, 16384],
      ['dpr100', 'int', 25, 1600],
      ['sdk', 'text', 1, 32],
      ['referrer', 'text', 0, 2048],
      ['lang', 'text', 0, 35],
      ['gpu', 'text', 0, 32],
    ],
  },
  {
    type: 'session_end',
    code: 2,
    optIn: false,
    required: 2,
    fields: [
      ['reason', 'enum', ['pagehide', 'inactivity', 'stop']],
      ['durationMs', 'int', 0, 86400000],
    ],
  },
  {
    type: 'camera',
    code: 3,
    optIn: false,
    required: 7,
    fields: [
      ['px', 'int', -10000000, 10000000],
      ['py', 'int', -10000000, 10000000],
      ['pz', 'int', -10000000, 10000000],
      ['qx', 'int', -32767, 32767],
      ['qy', 'int', -32767, 32767],
      ['qz', 'int', -32767, 32767],
      ['qw', 'int', -32767, 32767],
      ['fov10', 'int', 10, 1790],
    ],
  },
  {
    type: 'pointer_move',
    code: 4,
    optIn: false,
    required: 2,
    fields: [
      ['x', 'int', -10000, 10000],
      ['y', 'int', -10000, 10000],
      ['mesh', 'mesh'],
      ['hx', 'int', -10000000, 10000000],
      ['hy', 'int', -10000000, 10000000],
      ['hz', 'int', -10000000, 10000000],
    ],
  },
  {
    type: 'click',
    code: 5,
    optIn: false,
    required: 3,
    fields: [
      ['x', 'int', -10000, 10000],
      ['y', 'int', -10000, 10000],
      ['button', 'int', 0, 4],
      ['mesh', 'mesh'],
      ['hx', 'int', -10000000, 10000000],
      ['hy', 'int', -10000000, 10000000],
      ['hz', 'int', -10000000, 10000000],
    ],
  },
  {
    type: 'mesh_pick',
    code: 6,
    optIn: false,
    required: 2,
    fields: [
      ['mesh', 'mesh'],
      ['source', 'enum', ['pointer', 'app']],
      ['hx', 'int', -10000000, 10000000],
      ['hy', 'int', -10000000, 10000000],
      ['hz', 'int', -10000000, 10000000],
    ],
  },
  {
    type: 'perf',
    code: 7,
    optIn: false,
    required: 8,
    fields: [
      ['windowMs', 'int', 0, 86400000],
      ['frames', 'int', 0, 2147483647],
      ['p50Us', 'int', 0, 10000000],
      ['p95Us', 'int', 0, 10000000],
      ['p99Us', 'int', 0, 10000000],
      ['longFrames', 'int', 0, 2147483647],
      ['drawCalls', 'int', 0, 2147483647],
      ['triangles', 'int', 0, 2147483647],
    ],
  },
  {
    type: 'viewport',
    code: 8,
    optIn: false,
    required: 3,
    fields: [
      ['w', 'int', 1, 16384],
      ['h', 'int', 1, 16384],
      ['dpr100', 'int', 25, 1600],
    ],
  },
  {
    type: 'asset_load',
    code: 9,
    optIn: false,
    required: 4,
    fields: [
      ['url', 'text', 1, 1024],
      ['kind', 'enum', ['model', 'texture', 'environment', 'audio', 'other']],
      ['durationMs', 'int', 0, 86400000],
      ['ok', 'flag'],
      ['bytes', 'int', 0, 2147483647],
    ],
  },
  {
    type: 'custom',
    code: 10,
    optIn: false,
    required: 1,
    fields: [
      ['name', 'text', 1, 64, '^[A-Za-z0-9_.:/-]+$'],
      ['props', 'record', '^[^\\u0000]{1,64}$'],
    ],
  },
  {
    type: 'mesh_visibility',
    code: 11,
    optIn: true,
    required: 4,
    fields: [
      ['mesh', 'mesh'],
      ['visibleMs', 'int', 0, 86400000],
      ['centreMs', 'int', 0, 86400000],
      ['maxScreenPermille', 'int', 0, 1000],
    ],
  },
  {
    type: 'hover_dwell',
    code: 12,
    optIn: true,
    required: 2,
    fields: [
      ['mesh', 'mesh'],
      ['dwellMs', 'int', 0, 86400000],
      ['hx', 'int', -10000000, 10000000],
      ['hy', 'int', -10000000, 10000000],
      ['hz', 'int', -10000000, 10000000],
    ],
  },
  {
    type: 'gaze',
    code: 13,
    optIn: true,
    required: 3,
    fields: [
      ['hx', 'int', -10000000, 10000000],
      ['hy', 'int', -10000000, 10000000],
      ['hz', 'int', -10000000, 10000000],
      ['mesh', 'mesh'],
    ],
  },
  {
    type: 'resource_sample',
    code: 14,
    optIn: true,
    required: 3,
    fields: [
      ['geometries', 'int', 0, 2147483647],
      ['textures', 'int', 0, 2147483647],
      ['programs', 'int', 0, 2147483647],
      ['heapKb', 'int', 0, 2147483647],
    ],
  },
  {
    type: 'runtime_error',
    code: 15,
    optIn: true,
    required: 1,
    fields: [
      ['message', 'text', 1, 1024],
      ['source', 'text', 0, 512],
      ['line', 'int', 0, 2147483647],
      ['col', 'int', 0, 2147483647],
      ['stack', 'text', 0, 4096],
    ],
  },
];
