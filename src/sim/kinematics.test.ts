import { describe, expect, it } from 'vitest';
import { clampToLimits, forwardKinematics, inverseKinematics, JOINTS, NUM_ARM_JOINTS, solveIk, toolYaw, wrapHalfTurn } from './kinematics';
import { Rng } from './rng';

describe('forward kinematics', () => {
  it('matches the SO-101 URDF at zero', () => {
    const p = forwardKinematics([0, 0, 0, 0, 0]).p;
    expect(p[0]).toBeCloseTo(0.3914, 3);
    expect(p[1]).toBeCloseTo(0, 3);
    expect(p[2]).toBeCloseTo(0.2265, 3);
  });

  it('matches the SO-101 URDF with the shoulder and elbow bent', () => {
    const p = forwardKinematics([0, -1.5, 1.5, 0, 0]).p;
    expect(p[0]).toBeCloseTo(0.2531, 3);
    expect(p[1]).toBeCloseTo(0, 3);
    expect(p[2]).toBeCloseTo(0.1498, 3);
  });

  it('returns a proper rotation', () => {
    const r = forwardKinematics([0.3, -0.4, 0.5, 0.6, -0.7]).r;
    const det = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6]);
    expect(det).toBeCloseTo(1, 9);
  });
});

describe('inverse kinematics', () => {
  it('recovers positions of random reachable poses', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 30; i++) {
      const q = JOINTS.slice(0, NUM_ARM_JOINTS).map((j) => rng.uniform(j.lower * 0.6, j.upper * 0.6));
      const target = forwardKinematics(q).p;
      const r = solveIk({ position: target }, [0, -1.2, 1.15, 1.25, 0]);
      expect(r.positionError).toBeLessThan(1e-4);
    }
  });

  it('points the gripper straight down at grasp height across the workspace, at a requested yaw', () => {
    for (const [x, y] of [[0.15, 0], [0.27, 0], [0.2, 0.2], [0.13, -0.2], [0.05, 0.25]]) {
      const position: [number, number, number] = [x, y, 0.015];
      const natural = solveIk({ position, approach: [0, 0, -1] }, [0, -1.2, 1.15, 1.25, 0]);
      expect(natural.positionError).toBeLessThan(1e-4);
      expect(natural.approachError).toBeLessThan(0.02);
      const yaw = toolYaw(forwardKinematics(natural.q)) + 0.7;
      const turned = solveIk({ position, approach: [0, 0, -1], yaw }, natural.q);
      expect(turned.positionError).toBeLessThan(1e-4);
      expect(Math.abs(wrapHalfTurn(toolYaw(forwardKinematics(turned.q)) - yaw))).toBeLessThan(0.02);
    }
  });

  it('never leaves the joint limits, even for an unreachable target', () => {
    const r = inverseKinematics({ position: [1, 1, 1] }, [0, 0, 0, 0, 0]);
    expect(clampToLimits(r.q)).toEqual(r.q);
    expect(r.positionError).toBeGreaterThan(0.5);
  });
});
