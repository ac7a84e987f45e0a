import { describe, expect, it } from 'vitest';
import { histogram } from './histogram';

describe('histogram', () => {
  it('counts every finite value once, in equal-width bins over the data range', () => {
    const h = histogram([1, 2, 2, 3, 10, Number.NaN], 3);
    expect(h.edges).toEqual([1, 4, 7, 10]);
    expect(h.counts).toEqual([4, 0, 1]); // the maximum lands in the last bin
  });

  it('gives a single value one bin around it, and nothing for no data', () => {
    expect(histogram([5, 5], 1)).toEqual({ edges: [4.5, 5.5], counts: [2] });
    expect(histogram([])).toEqual({ edges: [], counts: [] });
  });
});
