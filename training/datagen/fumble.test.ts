import { describe, expect, it } from 'vitest';
import { EXPERT, isLifted, ScriptedExpert } from '../../src/sim/expert';
import { Rng } from '../../src/sim/rng';
import { TaskMonitor, TIME_LIMIT, type TaskFamily } from '../../src/sim/tasks';
import { SimWorld } from '../../src/sim/world';
import { episodeSetup, fumbleFor } from './episodeSetup';
import { DROP_AFTER, DROP_TICKS, Fumble, fumbleKind, MISS_RANGE } from './fumble';

const OPTS = { res: 64, randomize: true, maxNoiseDeg: 3, fumble: true };
const SHUT = [0, -40, 40, 60, 0, 0];

/** Run an episode the way the datagen page does; per tick the expert's phase, the object's lift and the executed jaw. */
async function record(seed: number, family: TaskFamily) {
  const s = episodeSetup(seed, family, OPTS);
  const world = await SimWorld.create(s.ep.scene);
  const expert = new ScriptedExpert(s.ep.task, s.ep.scene, world.config.controlHz, s.expert);
  const monitor = new TaskMonitor(s.ep.task, s.ep.scene);
  const ticks: { phase: string; lifted: boolean; jaw: number; label: number }[] = [];
  try {
    while (world.time < TIME_LIMIT[family] && monitor.status !== 'success') {
      const step = s.driver.next(expert, world);
      ticks.push({ phase: expert.phaseName, lifted: isLifted(world, s.ep.scene, s.ep.task.object), jaw: step.executed[5], label: step.label[5] });
      world.setAction(step.executed);
      world.stepControl();
      monitor.update(world, 1 / world.config.controlHz);
    }
  } finally {
    world.dispose();
  }
  return { ticks, status: monitor.status, fumble: s.driver.fumble, graspMiss: s.expert.graspMiss };
}

/** Start ticks of each run of `phase`. */
const starts = (ticks: { phase: string }[], phase: string) => ticks.flatMap((t, i) => (t.phase === phase && ticks[i - 1]?.phase !== phase ? [i] : []));

describe('datagen --fumble', () => {
  it('misses in picks, misses or drops in place and stack (about half each), and leaves pushes alone', () => {
    expect(fumbleKind(new Rng(1, 2), 'push')).toBeNull();
    expect(fumbleKind(new Rng(1, 2), 'pick')).toBe('miss');
    const kinds = Array.from({ length: 200 }, (_, i) => fumbleKind(new Rng(i, 0xf0b1), i % 2 ? 'stack' : 'place'));
    const drops = kinds.filter((k) => k === 'drop').length;
    expect(drops).toBeGreaterThan(70);
    expect(drops).toBeLessThan(130);
    // Per seed, the same draw every time (the Node replay of sceneTargets.ts rebuilds the episode).
    expect(fumbleFor(4242, 'stack')?.missOffset).toEqual(fumbleFor(4242, 'stack')?.missOffset);
    expect(fumbleFor(4242, 'push')).toBeNull();
    const r = Math.hypot(...(fumbleFor(4242, 'pick')?.missOffset ?? [0, 0, 0]));
    expect(r).toBeGreaterThanOrEqual(MISS_RANGE[0]);
    expect(r).toBeLessThanOrEqual(MISS_RANGE[1]);
  });

  it('a drop opens the executed jaws for a moment in the first carry only, and leaves the labels alone', () => {
    const f = new Fumble(new Rng(7, 0xf0b1), 'drop');
    const phases = [...Array(10).fill('lift'), ...Array(40).fill('carry'), ...Array(10).fill('approach'), ...Array(40).fill('carry')];
    const open = phases.map((p) => f.apply(SHUT, p)[5]).flatMap((j, i) => (j === EXPERT.open ? [i] : []));
    expect(open.length).toBe(DROP_TICKS);
    expect(open[0]).toBeGreaterThanOrEqual(10 + DROP_AFTER[0]);
    expect(open[0]).toBeLessThanOrEqual(10 + DROP_AFTER[1]);
    expect(open.at(-1)).toBe(open[0] + DROP_TICKS - 1);
    expect(f.skip).toBeNull();
    // The arm joints are never touched.
    expect(new Fumble(new Rng(7, 0xf0b1), 'drop').apply(SHUT, 'carry').slice(0, 5)).toEqual(SHUT.slice(0, 5));
  });

  it("a miss marks its grasp, from the first open-jawed descent to the lift's end, and changes no action", () => {
    const f = new Fumble(new Rng(7, 0xf0b1), 'miss');
    const open = [...SHUT.slice(0, 5), 30];
    const steps: [string, number[]][] = [
      ...Array<[string, number[]]>(5).fill(['approach', open]),
      ...Array<[string, number[]]>(6).fill(['descend', open]),
      ...Array<[string, number[]]>(4).fill(['close', SHUT]),
      ...Array<[string, number[]]>(5).fill(['lift', SHUT]),
      ...Array<[string, number[]]>(5).fill(['approach', open]),
      ...Array<[string, number[]]>(5).fill(['descend', open]),
    ];
    for (const [phase, label] of steps) expect(f.apply(label, phase)).toEqual(label);
    expect(f.skip).toEqual([5, 20]);
  });

  it('in the real sim, a missed pick comes up empty and the expert grasps again and succeeds; the skip covers the miss', async () => {
    const r = await record(5000, 'pick');
    expect(r.fumble?.kind).toBe('miss');
    expect(r.graspMiss).toEqual(r.fumble?.missOffset);
    expect(r.status).toBe('success');
    const lifts = starts(r.ticks, 'lift');
    expect(lifts.length).toBe(2);
    const descents = starts(r.ticks, 'descend');
    // The first lift ends with nothing in the hand; the second grasp holds it.
    expect(r.ticks[descents[1] - 1].lifted).toBe(false);
    expect(r.ticks.at(-1)?.lifted).toBe(true);
    expect(r.fumble?.skip).toEqual([descents[0], starts(r.ticks, 'approach')[1]]);
  });

  it('in the real sim, a drop lets the object fall on the way, and the expert picks it up again and places it', async () => {
    const r = await record(5003, 'place');
    expect(r.fumble?.kind).toBe('drop');
    expect(r.status).toBe('success');
    const carries = starts(r.ticks, 'carry');
    expect(carries.length).toBe(2);
    const dropped = r.ticks.findIndex((t, i) => i > carries[0] && t.jaw === EXPERT.open);
    expect(dropped).toBeGreaterThan(carries[0]);
    // The label says shut while the executed jaws open; the object is down before the second grasp.
    expect(r.ticks[dropped].label).toBe(EXPERT.closed);
    const regrasp = starts(r.ticks, 'descend')[1];
    expect(regrasp).toBeGreaterThan(dropped);
    expect(r.ticks.slice(dropped + DROP_TICKS, regrasp).some((t) => !t.lifted)).toBe(true);
    expect(r.fumble?.skip).toBeNull();
  });
});
