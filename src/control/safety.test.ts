import { describe, expect, it } from 'vitest';
import { ACTION_HIGH, ACTION_LOW, ACTION_NAMES } from '../sim/units';
import { defaultSimLimits, GRIPPER_SPEED_UNITS_S, SafetyFilter, type SafetyLimits, SIM_JOINT_SPEED_DEG_S } from './safety';

const LIMITS: SafetyLimits = { low: [-10, 0], high: [10, 100], maxStep: [2, 50], names: ['a.pos', 'b.pos'] };

function filter(start: number[] = [0, 50]): SafetyFilter {
  const f = new SafetyFilter(LIMITS);
  f.reset(start);
  return f;
}

describe('SafetyFilter', () => {
  it('passes an action inside the limits and one step away unchanged', () => {
    const f = filter();
    expect(f.apply([1.5, 80])).toEqual({ action: [1.5, 80], rejected: false, clipped: false, reasons: [] });
    expect(f.hold()).toEqual([1.5, 80]);
  });

  it('clamps to [low, high]', () => {
    const f = filter([9, 90]);
    const r = f.apply([50, 250]);
    expect(r.action).toEqual([10, 100]);
    expect(r.clipped).toBe(true);
    expect(r.reasons).toEqual(['a.pos 50 outside [-10, 10]', 'b.pos 250 outside [0, 100]']);
  });

  it('limits each step to ±maxStep from the last safe action, approaching a far target tick by tick', () => {
    const f = filter();
    const r = f.apply([9, 0]);
    expect(r.action).toEqual([2, 0]);
    expect(r.reasons).toEqual(['a.pos step 9 beyond ±2 per tick']);
    const path = [2];
    for (let i = 0; i < 5; i++) path.push(f.apply([9, 0]).action[0]);
    expect(path).toEqual([2, 4, 6, 8, 9, 9]);
    expect(f.apply([-9, 0]).action[0]).toBe(7);
  });

  it('clamps to the box before the step, so an arm starting outside is led back in at the step rate', () => {
    const f = filter([20, 50]);
    expect(f.apply([20, 50]).action[0]).toBe(18);
    expect(f.apply([20, 50]).action[0]).toBe(16);
  });

  it.each([
    ['NaN', [Number.NaN, 50], 'a.pos is NaN'],
    ['Infinity', [0, Number.POSITIVE_INFINITY], 'b.pos is Infinity'],
    ['a string', [0, '5' as unknown as number], 'b.pos is 5'],
    ['too few values', [1], 'expected 2 values, got 1'],
    ['too many values', [1, 2, 3], 'expected 2 values, got 3'],
    ['null', null as unknown as number[], 'not a list of numbers'],
  ])('rejects %s and holds the last safe action', (_label, proposed, reason) => {
    const f = filter();
    f.apply([1, 60]);
    const r = f.apply(proposed);
    expect(r).toEqual({ action: [1, 60], rejected: true, clipped: false, reasons: [reason] });
    expect(f.hold()).toEqual([1, 60]);
  });

  it('counts every action, rejected and clipped ones apart', () => {
    const f = filter();
    f.apply([1, 50]);
    f.apply([50, 50]);
    f.apply([Number.NaN, 0]);
    f.apply([3, 50]);
    expect(f.counts).toEqual({ rejected: 1, clipped: 1, total: 4 });
    f.reset([0, 0]);
    expect(f.counts.total).toBe(4);
  });

  it('rejects everything until reset() gives it the current state', () => {
    const f = new SafetyFilter(LIMITS);
    expect(f.ready).toBe(false);
    expect(f.hold()).toEqual([]);
    const r = f.apply([0, 50]);
    expect(r.rejected).toBe(true);
    expect(r.action).toEqual([]);
    expect(r.reasons[0]).toMatch(/reset\(\) was not called/);
    expect(() => f.reset([0, Number.NaN])).toThrow(RangeError);
    f.reset([0, 50]);
    expect(f.ready).toBe(true);
  });

  it('hands out copies: mutating a result or hold() does not move the last safe action', () => {
    const f = filter();
    const r = f.apply([1, 50]);
    r.action[0] = 1000;
    f.hold()[0] = 1000;
    expect(f.hold()).toEqual([1, 50]);
  });

  it('refuses inconsistent limits at construction', () => {
    expect(() => new SafetyFilter({ low: [0], high: [1, 2], maxStep: [1] })).toThrow(RangeError);
    expect(() => new SafetyFilter({ low: [2], high: [1], maxStep: [1] })).toThrow(/bad range/);
    expect(() => new SafetyFilter({ low: [0], high: [1], maxStep: [0] })).toThrow(/maxStep/);
    expect(() => new SafetyFilter({ low: [], high: [], maxStep: [] })).toThrow(RangeError);
    expect(() => new SafetyFilter({ low: [0], high: [1], maxStep: [1], names: ['a', 'b'] })).toThrow(RangeError);
  });
});

describe('defaultSimLimits', () => {
  it('uses the URDF limits in LeRobot units and the sim servo speed per tick', () => {
    const l = defaultSimLimits(20);
    expect(l.low).toEqual(ACTION_LOW);
    expect(l.high).toEqual(ACTION_HIGH);
    expect(l.names).toEqual(ACTION_NAMES);
    expect(SIM_JOINT_SPEED_DEG_S).toBeCloseTo(171.887, 2);
    expect(l.maxStep.slice(0, 5).every((s) => Math.abs(s - SIM_JOINT_SPEED_DEG_S / 20) < 1e-12)).toBe(true);
    expect(l.maxStep[5]).toBe(GRIPPER_SPEED_UNITS_S / 20);
    expect(defaultSimLimits(40).maxStep[0]).toBeCloseTo(l.maxStep[0] / 2, 12);
    expect(() => defaultSimLimits(0)).toThrow(RangeError);
  });

  it('lets teleop-speed motion through untouched', () => {
    const hz = 20;
    const f = new SafetyFilter(defaultSimLimits(hz));
    const start = [0, 0, 0, 0, 0, 50];
    f.reset(start);
    for (let t = 1; t <= 40; t++) {
      const a = start.map((v, i) => (i < 5 ? v + (45 * t) / hz : v + (80 * t) / hz));
      a[5] = Math.min(100, a[5]);
      expect(f.apply(a).clipped).toBe(false);
    }
  });
});
