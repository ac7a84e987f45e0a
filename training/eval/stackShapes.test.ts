import { describe, expect, it } from 'vitest';
import { formatStackShapes, stackByShape } from './stackShapes';

describe('stackByShape', () => {
  it('counts stack episodes by the shapes of the held object and its base, leaving other families out', () => {
    // Stack seeds 1000000 and 1000002: a cylinder on a cylinder; 1000001: a cylinder on a cube.
    const counts = stackByShape([
      { seed: 1_000_000, family: 'stack', success: true },
      { seed: 1_000_001, family: 'stack', success: false },
      { seed: 1_000_002, family: 'stack', success: false },
      { seed: 1_000_000, family: 'pick', success: true },
    ]);
    expect(counts).toEqual({ 'cylinder on cube': { episodes: 1, successes: 0 }, 'cylinder on cylinder': { episodes: 2, successes: 1 } });
    expect(formatStackShapes(counts)).toBe('stack by shape (held on base): cylinder on cube 0/1, cylinder on cylinder 1/2');
    expect(formatStackShapes(stackByShape([{ seed: 1_000_000, family: 'pick', success: true }]))).toBe('');
  });
});
