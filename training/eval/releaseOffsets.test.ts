import { describe, expect, it } from 'vitest';
import { generateEpisode, objectById } from '../../src/sim/tasks';
import { releaseSummary, stackReleases, type TracedEpisode } from './releaseOffsets';

/** Stack seed 1000000: a trace whose held object opens its jaws on the table, then over the base 3 mm up and 4 + 3 mm off. */
function traced(success: boolean, dx: number): TracedEpisode {
  const ep = generateEpisode(1_000_000, 'stack');
  if (ep.task.family !== 'stack') throw new Error('not a stack');
  const held = objectById(ep.scene, ep.task.object);
  const base = objectById(ep.scene, ep.task.base);
  const b = [base.x, base.y, base.height / 2];
  const onTable = [held.x, held.y, held.height / 2];
  const over = [base.x + dx, base.y + 0.003, base.height + 0.003 + held.height / 2];
  const tick = (grip: number, o: number[]) => ({ target: [0, 0, 0, 0, 0, grip], objects: { [held.id]: o, [base.id]: b } });
  return {
    seed: 1_000_000,
    family: 'stack',
    success,
    // Opening on the table (to grasp) is no release; closing and carrying is none either; the third opening is.
    trace: [tick(0, onTable), tick(30, onTable), tick(0, onTable), tick(0, over), tick(30, over), tick(30, over)],
  };
}

describe('stackReleases', () => {
  it('finds the jaws opening on a lifted object and measures it against the base', () => {
    const rs = stackReleases(traced(false, 0.004));
    expect(rs).toHaveLength(1);
    expect(rs[0].tick).toBe(4);
    expect(rs[0].gap).toBeCloseTo(0.003, 6);
    expect(rs[0].offset).toBeCloseTo(0.005, 6);
  });

  it('sums up the first releases of successes and failures apart', () => {
    const s = releaseSummary([traced(true, 0), traced(true, 0.004), traced(false, 0.012), { ...traced(false, 0), family: 'pick' }]);
    expect(s.successes).toBe(2);
    expect(s.failures).toBe(1);
    expect(s.success).toBeCloseTo((3 + 5) / 2, 6);
    expect(s.failure).toBeCloseTo(Math.hypot(12, 3), 6);
  });
});
