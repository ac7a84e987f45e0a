import { describe, expect, it } from 'vitest';
import { ScriptedExpert } from '../../src/sim/expert';
import { TaskMonitor, TIME_LIMIT } from '../../src/sim/tasks';
import { SimWorld } from '../../src/sim/world';
import { episodeSetup, expertOptions } from './episodeSetup';

const OPTS = { res: 64, randomize: true, maxNoiseDeg: 3 };

/** Record a stack the way the datagen page does: labels, executed actions and the expert's phases. */
async function record(seed: number, misaimCm: number) {
  const s = episodeSetup(seed, 'stack', { ...OPTS, misaimCm });
  const world = await SimWorld.create(s.ep.scene);
  const expert = new ScriptedExpert(s.ep.task, s.ep.scene, world.config.controlHz, s.expert);
  const monitor = new TaskMonitor(s.ep.task, s.ep.scene);
  const executed: number[][] = [];
  const phases = new Set<string>();
  try {
    while (world.time < TIME_LIMIT.stack && monitor.status !== 'success') {
      const step = s.driver.next(expert, world);
      executed.push(step.executed);
      phases.add(expert.phaseName);
      world.setAction(step.executed);
      world.stepControl();
      monitor.update(world, 1 / world.config.controlHz);
    }
  } finally {
    world.dispose();
  }
  return { executed, phases, status: monitor.status };
}

describe('datagen --misaim', () => {
  it('draws 50–100 % of the size for stacks only, from its own stream', () => {
    const ep = episodeSetup(70100, 'stack', OPTS).ep;
    const m = expertOptions(70100, ep, 4).misaim;
    expect(m).toBeDefined();
    const r = Math.hypot(m?.[0] ?? 0, m?.[1] ?? 0);
    expect(r).toBeGreaterThanOrEqual(0.02);
    expect(r).toBeLessThanOrEqual(0.04);
    expect(m?.[2]).toBe(0);
    expect(expertOptions(70100, ep, 0)).toEqual({});
    expect(expertOptions(70100, episodeSetup(70100, 'place', OPTS).ep, 4)).toEqual({});
    const plain = episodeSetup(70100, 'stack', OPTS);
    const misaimed = episodeSetup(70100, 'stack', { ...OPTS, misaimCm: 4 });
    for (const k of ['instruction', 'appearance', 'cameras', 'noiseDeg'] as const) expect(misaimed[k]).toEqual(plain[k]);
  });

  it('records a stack that realigns and succeeds, and replays it exactly (sceneTargets rebuilds it so)', async () => {
    const a = await record(70100, 3);
    expect(a.phases.has('realign')).toBe(true);
    expect(a.status).toBe('success');
    const b = await record(70100, 3);
    expect(b.executed).toEqual(a.executed);
  });
});
