import { describe, expect, it } from 'vitest';
import { ChunkBlend } from './chunkBlend';

describe('ChunkBlend', () => {
  it('carries the old plan on through a hand-over and fades the offset out over the given ticks', () => {
    const b = new ChunkBlend(4);
    // Old chunk (start 0): moving +1 per tick.
    expect(b.apply([0], 0)).toEqual([0]);
    expect(b.apply([1], 0)).toEqual([1]);
    expect(b.apply([2], 0)).toEqual([2]);
    // New chunk (start 3) jumps to 10 and holds there: the first action is where the old plan was going (3),
    // then the 7-unit offset shrinks by a quarter a tick until the new plan is followed exactly.
    const out = [10, 10, 10, 10, 10, 10].map((v) => b.apply([v], 3)[0]);
    expect(out[0]).toBeCloseTo(3, 9);
    expect(out[1]).toBeCloseTo(10 - 7 * 0.75, 9);
    expect(out[2]).toBeCloseTo(10 - 7 * 0.5, 9);
    expect(out[3]).toBeCloseTo(10 - 7 * 0.25, 9);
    expect(out[4]).toBe(10);
    expect(out[5]).toBe(10);
  });

  it('leaves dimensions outside `dims` alone (the gripper keeps its steps) and is a no-op at 0 ticks', () => {
    const b = new ChunkBlend(3, [0]);
    b.apply([0, 100], 0);
    b.apply([0, 100], 0);
    expect(b.apply([6, 0], 5)).toEqual([0, 0]);
    const off = new ChunkBlend(0);
    off.apply([0], 0);
    expect(off.apply([6], 5)).toEqual([6]);
    expect(() => new ChunkBlend(-1)).toThrow(RangeError);
  });

  it('starts from rest where the arm held, so a chunk after a stall is blended from the held pose', () => {
    const b = new ChunkBlend(2);
    b.apply([0], 0);
    b.apply([5], 0);
    b.hold([5]);
    expect(b.apply([9], 0)[0]).toBeCloseTo(5, 9);
    expect(b.apply([9], 0)[0]).toBeCloseTo(7, 9);
    expect(b.apply([9], 0)[0]).toBe(9);
  });
});
