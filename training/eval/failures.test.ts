import { describe, expect, it } from 'vitest';
import { countFailures, formatFailures } from './failures';

describe('failure counts', () => {
  it('counts failures per family and kind; successes add a family with zero counts', () => {
    const c = countFailures([
      { family: 'pick', failure: 'missed_grasp' },
      { family: 'pick', failure: 'missed_grasp' },
      { family: 'pick', failure: null },
      { family: 'push', failure: null },
    ]);
    expect(c.pick.missed_grasp).toBe(2);
    expect(c.pick.not_reached).toBe(0);
    expect(Object.values(c.push).every((n) => n === 0)).toBe(true);
    const table = formatFailures(c).split('\n');
    expect(table[0]).toMatch(/^failures\s+wrong_object\s+not_reached\s+missed_grasp\s+lifted_not_placed\s+pushed_short\s+pushed_wrong_way$/);
    expect(table[1]).toMatch(/^pick\s+0\s+0\s+2\s+0\s+0\s+0$/);
  });
});
