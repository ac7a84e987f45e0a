import { describe, expect, it } from 'vitest';
import { JOINTS } from './kinematics';
import { ACTION_HIGH, ACTION_LOW, actionToRadians, gripperToRadians, radiansToAction, radiansToGripper } from './units';

describe('LeRobot units', () => {
  it('uses degrees for body joints', () => {
    expect(radiansToAction([Math.PI / 2, 0, -Math.PI / 4, 0, 0, 0]).slice(0, 5)).toEqual([90, 0, -45, 0, 0]);
  });
  it('maps the gripper 0 = closed (lower limit) to 100 = open (upper limit)', () => {
    expect(gripperToRadians(0)).toBeCloseTo(JOINTS[5].lower, 12);
    expect(gripperToRadians(100)).toBeCloseTo(JOINTS[5].upper, 12);
    expect(radiansToGripper(JOINTS[5].lower)).toBeCloseTo(0, 12);
    expect(gripperToRadians(150)).toBeCloseTo(JOINTS[5].upper, 12);
  });
  it('round-trips', () => {
    const a = [12.5, -40, 33, 80, -120, 42];
    const back = radiansToAction(actionToRadians(a));
    for (let i = 0; i < a.length; i++) expect(back[i]).toBeCloseTo(a[i], 9);
  });
  it('gives limits in action units', () => {
    expect(ACTION_LOW[0]).toBeCloseTo(-110, 0);
    expect(ACTION_HIGH[5]).toBe(100);
    expect(ACTION_LOW[5]).toBe(0);
  });
});
