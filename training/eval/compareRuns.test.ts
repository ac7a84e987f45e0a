import { describe, expect, it } from 'vitest';
import { compareRuns, formatComparison, signTestP } from './compareRuns';

describe('signTestP', () => {
  it('is the exact two-sided binomial tail', () => {
    // 1 against 9: 2 * (C(10,0) + C(10,1)) / 2^10 = 22 / 1024.
    expect(signTestP(1, 9)).toBeCloseTo(22 / 1024, 12);
    expect(signTestP(9, 1)).toBeCloseTo(22 / 1024, 12);
    // 0 against 5: 2 / 32.
    expect(signTestP(0, 5)).toBeCloseTo(2 / 32, 12);
  });

  it('is 1 for an even split or no disagreement, and stays finite for hundreds', () => {
    expect(signTestP(0, 0)).toBe(1);
    expect(signTestP(7, 7)).toBe(1);
    expect(signTestP(6, 7)).toBe(1);
    const p = signTestP(150, 250);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-5);
  });
});

describe('compareRuns', () => {
  it('pairs episodes by seed and family (each once) and counts where the two disagree', () => {
    const a = [
      { seed: 1_000_000, family: 'pick' as const, success: true },
      { seed: 1_000_001, family: 'pick' as const, success: true },
      { seed: 1_000_000, family: 'stack' as const, success: false },
      { seed: 1_000_001, family: 'stack' as const, success: true },
      { seed: 1_000_002, family: 'stack' as const, success: true },
    ];
    const b = [
      { seed: 1_000_001, family: 'pick' as const, success: false },
      { seed: 1_000_000, family: 'pick' as const, success: true },
      { seed: 1_000_000, family: 'stack' as const, success: true },
      { seed: 1_000_001, family: 'stack' as const, success: true },
      { seed: 1_000_050, family: 'stack' as const, success: true },
    ];
    const c = compareRuns([...a, ...a], b);
    expect(c.families.pick).toMatchObject({ paired: 2, a: 2, b: 1, only_a: 1, only_b: 0, p: 1 });
    expect(c.families.stack).toMatchObject({ paired: 2, a: 1, b: 2, only_a: 0, only_b: 1 });
    expect(c.overall).toMatchObject({ paired: 4, a: 3, b: 3, only_a: 1, only_b: 1, p: 1 });
    expect(c.unpaired).toBe(2);
    expect(formatComparison(c).split('\n')).toEqual([
      'family   paired     A     B  only A  only B      p',
      'pick          2     2     1       1       0  1.000',
      'stack         2     1     2       0       1  1.000',
      'overall       4     3     3       1       1  1.000',
      '2 episodes ran in only one of the two and are left out',
    ]);
  });
});
