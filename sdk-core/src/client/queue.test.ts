import { describe, expect, it } from 'vitest';
import { createBoundedQueue, type BoundedQueue } from './queue.js';

function contents<O, T>(q: BoundedQueue<O, T>): Array<[O, T]> {
  return Array.from({ length: q.length }, (_, i) => [q.ownerAt(i), q.itemAt(i)] as [O, T]);
}

describe('BoundedQueue', () => {
  it('keeps order and never holds more than its capacity, dropping the oldest', () => {
    const q = createBoundedQueue<string, number>(3);
    expect(q.push('a', 1)).toBe(true);
    expect(q.push('a', 2)).toBe(true);
    expect(q.push('b', 3)).toBe(true);
    expect(q.push('b', 4)).toBe(false);
    expect(q.push('b', 5)).toBe(false);
    expect(q.length).toBe(3);
    expect(contents(q)).toEqual([['b', 3], ['b', 4], ['b', 5]]);
    expect(q.takeOverflow()).toBe(2);
    expect(q.takeOverflow()).toBe(0);
  });

  it('wraps around many times without losing or reordering anything', () => {
    const q = createBoundedQueue<number, number>(7);
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 100; round++) {
      for (let i = 0; i < (round % 5) + 1; i++) q.push(0, next++);
      const take = Math.min(q.length, (round % 3) + 1);
      for (let i = 0; i < take; i++) {
        // what was dropped by overflow is skipped, in order
        expect(q.itemAt(i)).toBeGreaterThanOrEqual(expected);
      }
      expected = q.itemAt(take - 1) + 1;
      q.shift(take);
      expect(q.length).toBeLessThanOrEqual(7);
    }
    const rest = contents(q).map(([, v]) => v);
    expect(rest).toEqual([...rest].sort((a, b) => a - b));
  });

  it('counts drops exactly under sustained overflow and releases references on shift', () => {
    const q = createBoundedQueue<object, object>(1000);
    for (let i = 0; i < 5000; i++) q.push({}, { i });
    expect(q.length).toBe(1000);
    expect(q.takeOverflow()).toBe(4000);
    expect((q.itemAt(0) as { i: number }).i).toBe(4000);
    q.clear();
    expect(q.length).toBe(0);
    expect(q.takeOverflow()).toBe(0);
  });
});
