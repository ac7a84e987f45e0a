import { describe, expect, it } from 'vitest';
import { formatSplit, splitBySameColour } from './sceneSplit';

describe('splitBySameColour', () => {
  it('counts episodes by whether their scene has a same-colour distractor', () => {
    // 1000000 pick: a purple cylinder beside a purple cube; 1000043 stack: every named colour is unique.
    const s = splitBySameColour([
      { seed: 1_000_000, family: 'pick', success: false, failure: 'wrong_object' },
      { seed: 1_000_000, family: 'place', success: true, failure: null },
      { seed: 1_000_043, family: 'stack', success: false, failure: 'wrong_object' },
    ]);
    expect(s.same_colour).toEqual({ episodes: 2, successes: 1, success_rate: 0.5, wrong_object: 1 });
    expect(s.other).toEqual({ episodes: 1, successes: 0, success_rate: 0, wrong_object: 1 });
    expect(s.by_family.pick).toEqual({ same_colour: { episodes: 1, successes: 0, success_rate: 0, wrong_object: 1 }, other: { episodes: 0, successes: 0, success_rate: 0, wrong_object: 0 } });
    expect(s.by_family.place?.same_colour.successes).toBe(1);
    expect(s.by_family.stack?.other).toEqual({ episodes: 1, successes: 0, success_rate: 0, wrong_object: 1 });
    expect(s.by_family.push).toBeUndefined();
    expect(formatSplit(s)).toBe(
      'scenes with a same-colour distractor: 1/2 (50.0 %), wrong object 1; other scenes: 0/1 (0.0 %), wrong object 1\n' +
        'by family (same-colour scenes against the rest): pick 0/1 against 0/0, place 1/1 against 0/0, stack 0/0 against 0/1',
    );
  });
});
