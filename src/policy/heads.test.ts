import { describe, expect, it } from 'vitest';
import { decodeBins, decodeRegression, gaussianNoise, integrateFlow, medoid, sampleSeed } from './heads';

describe('action heads', () => {
  it('bins: argmax picks the bin centre in [low, high]', () => {
    // 1 step, 2 dims, 4 bins over [-1, 1]: centres -0.75, -0.25, 0.25, 0.75.
    const logits = [0, 9, 1, 2, 5, 0, 0, 7];
    expect(Array.from(decodeBins(logits, 1, 2, 4, -1, 1))).toEqual([-0.25, 0.75]);
    expect(() => decodeBins(logits, 2, 2, 4, -1, 1)).toThrow(/expected 16 logits/);
  });

  it('bins: a row of NaN logits decodes to NaN', () => {
    expect(Number.isNaN(decodeBins([Number.NaN, Number.NaN], 1, 1, 2, -1, 1)[0])).toBe(true);
  });

  it('flow: Euler integration of a constant velocity lands on noise − v', async () => {
    // With v(x, t) = noise − target (the exact flow of a straight path), K steps land exactly on the target.
    const noise = Float32Array.of(1, -2, 0.5);
    const target = [0.25, 0.5, -1];
    const v = noise.map((n, i) => n - target[i]);
    const x = await integrateFlow(noise, 10, async () => v);
    for (let i = 0; i < 3; i++) expect(x[i]).toBeCloseTo(target[i], 5);
  });

  it('flow: time runs from 1 to 0 in K steps', async () => {
    const seen: number[] = [];
    await integrateFlow(new Float32Array(1), 4, async (_x, t) => {
      seen.push(t);
      return [0];
    });
    expect(seen).toEqual([1, 0.75, 0.5, 0.25]);
  });

  it('gaussian noise is seeded and standard normal', () => {
    const a = gaussianNoise(20000, 3);
    expect(gaussianNoise(20000, 3)).toEqual(a);
    const mean = a.reduce((s, x) => s + x, 0) / a.length;
    const varc = a.reduce((s, x) => s + (x - mean) ** 2, 0) / a.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(varc - 1)).toBeLessThan(0.05);
  });

  it('medoid: of two modes it keeps a sample of the larger one, never the point between them', () => {
    // Three samples near +1, two near -1: their mean (0.19) is in neither mode; the medoid is the sample of the
    // larger mode with the least summed distance to all five (0.9: 4.15, against 4.25 for 1 and 4.55 for 1.1).
    const s = [[1.1], [-1], [0.9], [-1.05], [1]].map((v) => Float32Array.from(v));
    expect(medoid(s)).toBe(s[2]);
    expect(medoid([s[1]])).toBe(s[1]);
    expect(() => medoid([])).toThrow(/no samples/);
  });

  it('sample seeds: sample 0 keeps the chunk seed; the others differ from it and from each other', () => {
    expect(sampleSeed(7, 0)).toBe(7);
    const seeds = [0, 1, 2, 3].flatMap((seed) => [1, 2, 3].map((k) => sampleSeed(seed, k)));
    expect(new Set([...seeds, 0, 1, 2, 3]).size).toBe(16);
  });

  it('regression passes the chunk through and checks its size', () => {
    expect(Array.from(decodeRegression([1, 2, 3, 4], 2, 2))).toEqual([1, 2, 3, 4]);
    expect(() => decodeRegression([1, 2, 3], 2, 2)).toThrow(/expected 4 values/);
  });
});
