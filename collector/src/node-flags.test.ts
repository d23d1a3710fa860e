import { describe, expect, it } from 'vitest';
import { COLLECTOR_NODE_FLAGS, missingNodeFlags } from './node-flags.js';

describe('missingNodeFlags', () => {
  it('names every flag when node was started plainly', () => {
    expect(missingNodeFlags([], '')).toEqual([...COLLECTOR_NODE_FLAGS]);
    expect(missingNodeFlags(['--enable-source-maps'], '--max-old-space-size=4096')).toEqual(['--max-semi-space-size=64']);
  });

  it('counts a flag given on the command line or in NODE_OPTIONS, with any value', () => {
    expect(missingNodeFlags(['--max-semi-space-size=64'], '')).toEqual([]);
    expect(missingNodeFlags([], ' --inspect  --max-semi-space-size=32 ')).toEqual([]);
  });
});
