import { describe, expect, it } from 'vitest';
import { ScriptedExpert } from '../../src/sim/expert';
import { forwardKinematics, solveIk } from '../../src/sim/kinematics';
import { Rng } from '../../src/sim/rng';
import { TIME_LIMIT, TaskMonitor } from '../../src/sim/tasks';
import { actionToRadians, radiansToAction } from '../../src/sim/units';
import { SimWorld } from '../../src/sim/world';
import { decoyOffset, episodeSetup } from './episodeSetup';
import { RecoveryOffset } from './recoveryOffset';

const tool = (a: readonly number[]) => forwardKinematics(actionToRadians(a)).p;
const horizontal = (a: readonly number[], b: readonly number[]) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** A label with the tool straight down at `p` (LeRobot units, gripper 30). */
function labelAt(p: [number, number, number]): number[] {
  const q = solveIk({ position: p, approach: [0, 0, -1] }, [0, 0, 0.5, 1.2, 0]).q;
  const a = radiansToAction([...q, 0]);
  a[5] = 30;
  return a;
}

describe('RecoveryOffset', () => {
  it('holds a horizontal tool offset through a hover, drops it a while after the expert arrives, and keeps the gripper', () => {
    const rec = new RecoveryOffset(new Rng(7, 1), 0.04);
    const moving = [0.16, 0.17, 0.18, 0.19, 0.2].map((x) => labelAt([x, 0.05, 0.08]));
    const hover = labelAt([0.2, 0.05, 0.08]);
    const offsets: number[] = [];
    for (const label of moving) {
      const out = rec.apply(label, 'approach');
      offsets.push(horizontal(tool(out), tool(label)));
      expect(Math.abs(tool(out)[2] - tool(label)[2])).toBeLessThan(0.002);
      expect(out[5]).toBe(30);
    }
    const drawn = Math.hypot(rec.current![0], rec.current![1]);
    expect(drawn).toBeGreaterThanOrEqual(0.01);
    expect(drawn).toBeLessThanOrEqual(0.04);
    for (const d of offsets) expect(d).toBeCloseTo(drawn, 2);
    // Still at the hover: the offset stays on for 6–30 ticks, then the executed action is the label itself.
    let held = 0;
    for (let t = 0; t < 40; t++) {
      const out = rec.apply(hover, 'approach');
      if (horizontal(tool(out), tool(hover)) > 0.005) held++;
      else expect(out).toEqual(hover);
    }
    expect(held).toBeGreaterThanOrEqual(6);
    expect(held).toBeLessThanOrEqual(32);
    expect(rec.current).toBeNull();
  });

  it('leaves descents, grasps and releases alone, and does nothing at size 0', () => {
    const label = labelAt([0.2, 0, 0.02]);
    const rec = new RecoveryOffset(new Rng(1), 0.04);
    for (const phase of ['descend', 'close', 'lift', 'lower', 'release']) expect(rec.apply(label, phase)).toEqual(label);
    expect(new RecoveryOffset(new Rng(1), 0).apply(label, 'approach')).toEqual(label);
  });

  it('with descents: offsets the top of a grasp descent, drops it 1.5 cm down, and leaves a lowering and a push descent alone', () => {
    const path = (phase: string) => {
      const rec = new RecoveryOffset(new Rng(3, 1), 0.04, { descents: true });
      // The expert's target goes straight down from 9 to 2 cm, 0.5 cm a tick.
      return Array.from({ length: 15 }, (_, i) => {
        const label = labelAt([0.2, 0.03, 0.09 - 0.005 * i]);
        return { z: tool(label)[2], off: horizontal(tool(rec.apply(label, phase)), tool(label)) };
      });
    };
    for (const t of path('descend')) {
      if (0.09 - t.z < 0.015 - 1e-4) expect(t.off).toBeGreaterThanOrEqual(0.0095);
      else expect(t.off).toBeLessThan(1e-6);
    }
    for (const t of path('lower')) expect(t.off).toBeLessThan(1e-6);
    // A push descends with the jaw closed, right behind the object: no offset there.
    const rec = new RecoveryOffset(new Rng(3, 1), 0.04, { descents: true });
    const closed = labelAt([0.2, 0.03, 0.05]);
    closed[5] = 0;
    expect(rec.apply(closed, 'descend')).toEqual(closed);
  });
});

describe('episodeSetup with recovery', () => {
  async function run(seed: number, recoveryCm: number | undefined, ticks: number, recoveryDescents = false) {
    const s = episodeSetup(seed, 'pick', { res: 64, randomize: true, maxNoiseDeg: 3, recoveryCm, recoveryDescents });
    const world = await SimWorld.create(s.ep.scene);
    const expert = new ScriptedExpert(s.ep.task, s.ep.scene, world.config.controlHz);
    const monitor = new TaskMonitor(s.ep.task, s.ep.scene);
    const executed: number[][] = [];
    let farOff = 0;
    let farOffDescending = 0;
    try {
      while (executed.length < ticks && monitor.status !== 'success') {
        const step = s.driver.next(expert, world);
        executed.push(step.executed);
        if (horizontal(tool(step.executed), tool(step.label)) > 0.01) {
          farOff++;
          if (expert.phaseName === 'descend') farOffDescending++;
        }
        world.setAction(step.executed);
        world.stepControl();
        monitor.update(world, 1 / world.config.controlHz);
      }
    } finally {
      world.dispose();
    }
    return { executed, farOff, farOffDescending, status: monitor.status };
  }

  it('records exactly as before without it (old episodes still replay), and draws nothing else differently with it', async () => {
    const a = await run(11, undefined, 60);
    const b = await run(11, 0, 60);
    expect(b.executed).toEqual(a.executed);
    const opts = { res: 64, randomize: true, maxNoiseDeg: 3 };
    const plain = episodeSetup(11, 'stack', opts);
    const withRecovery = episodeSetup(11, 'stack', { ...opts, recoveryCm: 4 });
    for (const k of ['instruction', 'appearance', 'cameras', 'noiseDeg'] as const) expect(withRecovery[k]).toEqual(plain[k]);
  });

  it('puts the arm centimetres off the expert for a while, and the expert still solves the task', async () => {
    const { farOff, farOffDescending, status } = await run(5000, 4, TIME_LIMIT.pick * 20);
    expect(farOff).toBeGreaterThan(20);
    expect(farOffDescending).toBe(0);
    expect(status).toBe('success');
  });

  it('with descents, the arm starts its descent off the object and the expert still grasps and lifts it', async () => {
    const { farOffDescending, status } = await run(5000, 4, TIME_LIMIT.pick * 20, true);
    expect(farOffDescending).toBeGreaterThan(0);
    expect(status).toBe('success');
  });
});

describe('decoy approaches', () => {
  it('decoyOffset points at another object of the same colour where there is one, else the nearest other object', () => {
    // Seed 70004, pick: "pick the purple cylinder up" with a purple cube on the table too.
    const ep = episodeSetup(70004, 'pick', { res: 64, randomize: true, maxNoiseDeg: 3 }).ep;
    const target = ep.scene.objects.find((o) => o.id === ep.task.object)!;
    const off = decoyOffset(ep)!;
    const decoy = ep.scene.objects.find((o) => Math.hypot(o.x - target.x - off[0], o.y - target.y - off[1]) < 1e-9)!;
    expect(decoy.id).not.toBe(target.id);
    expect(decoy.color).toBe(target.color);
    expect(decoy.shape).not.toBe(target.shape);
    expect(decoyOffset(episodeSetup(70004, 'push', { res: 64, randomize: true, maxNoiseDeg: 3 }).ep)).toBeNull();
  });

  it("takes the first approach over the decoy and holds it there; later approaches are the expert's own", () => {
    const rec = new RecoveryOffset(new Rng(2, 1), 0, { decoy: [0.05, -0.08, 0] });
    const hover = labelAt([0.2, 0.05, 0.08]);
    let over = 0;
    for (let t = 0; t < 40; t++) if (horizontal(tool(rec.apply(hover, 'approach')), [0.25, -0.03]) < 0.003) over++;
    // 10–30 ticks over the decoy, then the label itself.
    expect(over).toBeGreaterThanOrEqual(10);
    expect(over).toBeLessThanOrEqual(32);
    expect(rec.apply(hover, 'approach')).toEqual(hover);
    rec.apply(hover, 'descend');
    expect(rec.apply(hover, 'approach')).toEqual(hover);
  });

  it('in a recorded pick, the arm hovers over the same-colour decoy first and the expert still solves the task', async () => {
    const s = episodeSetup(70004, 'pick', { res: 64, randomize: true, maxNoiseDeg: 3, decoy: true });
    const target = s.ep.scene.objects.find((o) => o.id === s.ep.task.object)!;
    const off = decoyOffset(s.ep)!;
    const world = await SimWorld.create(s.ep.scene);
    const expert = new ScriptedExpert(s.ep.task, s.ep.scene, world.config.controlHz);
    const monitor = new TaskMonitor(s.ep.task, s.ep.scene);
    let overDecoy = 0;
    try {
      for (let t = 0; t < TIME_LIMIT.pick * 20 && monitor.status !== 'success'; t++) {
        const step = s.driver.next(expert, world);
        const p = forwardKinematics(world.arm.q).p;
        if (Math.hypot(p[0] - target.x - off[0], p[1] - target.y - off[1]) < 0.015) overDecoy++;
        world.setAction(step.executed);
        world.stepControl();
        monitor.update(world, 1 / world.config.controlHz);
      }
    } finally {
      world.dispose();
    }
    expect(overDecoy).toBeGreaterThan(5);
    expect(monitor.status).toBe('success');
  });
});
