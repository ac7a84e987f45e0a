import { describe, expect, it } from 'vitest';
import { ScriptedExpert } from './expert';
import { JOINTS, NUM_ARM_JOINTS } from './kinematics';
import { generateScene, PLACEMENT } from './scene';
import { generateEpisode } from './tasks';
import { ACTION_HIGH, ACTION_LOW } from './units';
import { HOME_Q, SimWorld } from './world';
import { radiansToAction } from './units';

/** A fixed, seeded sequence of arm motions that sweeps the workspace and works the jaw. */
function scriptedAction(t: number): number[] {
  const home = radiansToAction(HOME_Q);
  return [home[0] + 30 * Math.sin(t), home[1] + 20 * Math.sin(0.7 * t), home[2] + 15 * Math.cos(t), home[3], 40 * Math.sin(0.5 * t), 50 + 50 * Math.sin(2 * t)];
}

async function rollout(seed: number, steps: number): Promise<string> {
  const w = await SimWorld.create(generateScene(seed));
  for (let i = 0; i < steps; i++) {
    w.setAction(scriptedAction(i * 0.05));
    w.stepControl();
  }
  const h = w.hash();
  w.dispose();
  return h;
}

describe('SimWorld', () => {
  it('is deterministic: the same seed and actions give the same state hash', async () => {
    const a = await rollout(7, 120);
    const b = await rollout(7, 120);
    expect(a).toBe(b);
    expect(await rollout(8, 120)).not.toBe(a);
  });

  it('tracks position targets and holds them', async () => {
    const w = await SimWorld.create(generateScene(1));
    const target = [20, -30, 40, 50, 60, 80];
    w.setAction(target);
    for (let i = 0; i < 40; i++) w.stepControl();
    const state = w.jointState();
    for (let i = 0; i < NUM_ARM_JOINTS; i++) expect(Math.abs(state[i] - target[i])).toBeLessThan(0.5);
    expect(Math.abs(state[5] - target[5])).toBeLessThan(3);
    w.dispose();
  });

  it('obeys the joint limits whatever it is told', async () => {
    const w = await SimWorld.create(generateScene(2));
    w.setAction([1000, -1000, 1000, -1000, 1000, 1000]);
    for (let i = 0; i < 60; i++) w.stepControl();
    const q = w.arm.positions();
    q.forEach((v, i) => {
      expect(v).toBeGreaterThanOrEqual(JOINTS[i].lower - 0.02);
      expect(v).toBeLessThanOrEqual(JOINTS[i].upper + 0.02);
    });
    expect(w.jointState()[0]).toBeCloseTo(ACTION_HIGH[0], 1);
    expect(w.jointState()[1]).toBeCloseTo(ACTION_LOW[1], 1);
    w.dispose();
  });

  it('ignores non-finite targets', async () => {
    const w = await SimWorld.create(generateScene(3));
    const before = w.jointTargets();
    w.setAction([Number.NaN, Number.POSITIVE_INFINITY, 10, 10, 10, 10]);
    const after = w.jointTargets();
    expect(after[0]).toBe(before[0]);
    expect(after[1]).toBe(before[1]);
    expect(after[2]).toBeCloseTo(10, 9);
    w.dispose();
  });

  it('grasps by contact only: the jaw hinge is the only joint in the world', async () => {
    const w = await SimWorld.create(generateScene(4));
    let joints = 0;
    w.world.impulseJoints.forEach(() => {
      joints++;
    });
    let multibody = 0;
    w.world.multibodyJoints.forEach(() => {
      multibody++;
    });
    expect(joints).toBe(1);
    expect(multibody).toBe(0);
    w.dispose();
  });
});

describe('generateScene', () => {
  it('lays out 3-5 objects in at least 3 colours and 2 shapes, 1-2 bowls, reachable and apart', () => {
    for (let seed = 0; seed < 200; seed++) {
      const s = generateScene(seed);
      expect(s.objects.length).toBeGreaterThanOrEqual(3);
      expect(s.objects.length).toBeLessThanOrEqual(5);
      expect(s.bowls.length).toBeGreaterThanOrEqual(1);
      expect(s.bowls.length).toBeLessThanOrEqual(2);
      expect(new Set(s.objects.map((o) => o.color)).size).toBeGreaterThanOrEqual(3);
      expect(new Set(s.objects.map((o) => o.shape)).size).toBe(2);
      expect(new Set(s.objects.map((o) => `${o.color} ${o.shape}`)).size).toBe(s.objects.length);
      for (const o of s.objects) {
        expect(o.size).toBeGreaterThanOrEqual(0.025);
        expect(o.size).toBeLessThanOrEqual(0.04);
        const r = Math.hypot(o.x, o.y);
        expect(r).toBeGreaterThanOrEqual(PLACEMENT.minRadius - 1e-9);
        expect(r).toBeLessThanOrEqual(PLACEMENT.maxRadius + 1e-9);
      }
      const items = [...s.objects.map((o) => ({ x: o.x, y: o.y, r: (o.size / 2) * Math.SQRT2 })), ...s.bowls.map((b) => ({ x: b.x, y: b.y, r: b.radius + b.wall }))];
      for (let i = 0; i < items.length; i++)
        for (let j = i + 1; j < items.length; j++) expect(Math.hypot(items[i].x - items[j].x, items[i].y - items[j].y)).toBeGreaterThan(items[i].r + items[j].r);
    }
  });

  it('is a pure function of the seed', () => {
    expect(generateScene(42)).toEqual(generateScene(42));
    expect(generateScene(42)).not.toEqual(generateScene(43));
  });
});

describe('SimWorld.objectsTouchingFingers', () => {
  it('lets go of an object once the fingers move off it: the expert stacks, retreats, and the touch ends with the gap', async () => {
    const ep = generateEpisode(100, 'stack');
    const world = await SimWorld.create(ep.scene);
    try {
      const expert = new ScriptedExpert(ep.task, ep.scene, world.config.controlHz);
      const object = (ep.task as { object: string }).object;
      let touched = 0;
      let retreatTicks = 0;
      for (let i = 0; i < 400; i++) {
        world.setAction(expert.act(world));
        world.stepControl();
        const touching = world.objectsTouchingFingers().has(object);
        if (touching) touched++;
        if (expert.phaseName !== 'retreat') continue;
        retreatTicks++;
        // Lifting away: once the tool is 2 cm above the object's centre the jaws are off it (they held it at its middle).
        const gap = world.toolPose().p[2] - world.objectState(object).p[2];
        if (gap > 0.03) expect(touching).toBe(false);
      }
      expect(touched).toBeGreaterThan(20);
      expect(retreatTicks).toBeGreaterThan(5);
    } finally {
      world.dispose();
    }
  });
});
