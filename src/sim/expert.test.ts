import { describe, expect, it } from 'vitest';
import { runEpisode } from './episode';
import { EXPERT, ScriptedExpert } from './expert';
import { forwardKinematics } from './kinematics';
import { generateEpisode, TIME_LIMIT, TaskMonitor } from './tasks';
import { SimWorld } from './world';

describe('scripted expert, misaimed stack', () => {
  it('sees the held object off the base as it comes down, goes back up, aims again and stacks it', async () => {
    let ok = 0;
    for (let seed = 100; seed < 104; seed++) {
      const phases: string[] = [];
      const a = (seed * Math.PI) / 2;
      const r = await runEpisode(generateEpisode(seed, 'stack'), (ep, hz) => {
        const expert = new ScriptedExpert(ep.task, ep.scene, hz, { misaim: [0.03 * Math.cos(a), 0.03 * Math.sin(a), 0] });
        return {
          act: (world) => {
            const action = expert.act(world);
            if (phases.at(-1) !== expert.phaseName) phases.push(expert.phaseName);
            return action;
          },
        };
      });
      // The first carry ends off the base: the expert goes back up at the end of it or early in the lowering,
      // before anything is released.
      expect(phases).toContain('realign');
      const before = phases.slice(0, phases.indexOf('realign'));
      expect(before).not.toContain('release');
      expect(['carry', 'lower']).toContain(before.at(-1));
      if (r.success) ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(3);
  });

  it('without a misaim never realigns, and a misaim is ignored outside stacks', async () => {
    for (const [seed, family] of [[100, 'stack'], [101, 'stack'], [100, 'place']] as const) {
      const seen = new Set<string>();
      await runEpisode(generateEpisode(seed, family), (ep, hz) => {
        const expert = new ScriptedExpert(ep.task, ep.scene, hz, family === 'place' ? { misaim: [0.03, 0, 0] } : {});
        return {
          act: (world) => {
            const action = expert.act(world);
            seen.add(expert.phaseName);
            return action;
          },
        };
      });
      expect(seen.has('lower')).toBe(true);
      expect(seen.has('realign')).toBe(false);
    }
  });
});

/** The expert's own episode up to success, the world left open there; the caller disposes of it. */
async function expertToSuccess(seed: number, family: 'stack' | 'pick') {
  const ep = generateEpisode(seed, family);
  const world = await SimWorld.create(ep.scene);
  const hz = world.config.controlHz;
  const expert = new ScriptedExpert(ep.task, ep.scene, hz);
  const monitor = new TaskMonitor(ep.task, ep.scene);
  while (world.time < TIME_LIMIT[family] && monitor.status !== 'success') {
    world.setAction(expert.act(world));
    world.stepControl();
    monitor.update(world, 1 / hz);
  }
  return { ep, world, hz, expert, monitor };
}

describe('scripted expert, finish', () => {
  it('after a stack lifts the open jaws straight up clear of it, holds there, and never tries again', async () => {
    const { world, hz, expert, monitor } = await expertToSuccess(100, 'stack');
    try {
      expect(monitor.status).toBe('success');
      expert.finish(world);
      const at = forwardKinematics(world.arm.q).p;
      // Three seconds: longer than the 1.5 s idle after which an unfinished expert plans a new attempt.
      for (let i = 0; i < 3 * hz; i++) {
        const action = expert.act(world);
        expect(expert.phaseName).toBe('clear');
        expect(action[5]).toBe(EXPERT.open);
        world.setAction(action);
        world.stepControl();
        // The stack stays built all along, the jaws never back on it.
        expect(monitor.satisfied(world)).toBe(true);
      }
      const end = forwardKinematics(world.arm.q).p;
      expect(end[2]).toBeGreaterThan(EXPERT.carryZ + 0.02 - EXPERT.arriveTol);
      expect(Math.hypot(end[0] - at[0], end[1] - at[1])).toBeLessThan(0.01);
    } finally {
      world.dispose();
    }
  });

  it('after a pick holds the object still, jaws shut', async () => {
    const { ep, world, hz, expert, monitor } = await expertToSuccess(101, 'pick');
    try {
      expect(monitor.status).toBe('success');
      expert.finish(world);
      const held = world.objectState(ep.task.object).p;
      for (let i = 0; i < 2 * hz; i++) {
        const action = expert.act(world);
        expect(action[5]).toBe(EXPERT.closed);
        world.setAction(action);
        world.stepControl();
      }
      const now = world.objectState(ep.task.object).p;
      expect(Math.hypot(now[0] - held[0], now[1] - held[1], now[2] - held[2])).toBeLessThan(0.01);
    } finally {
      world.dispose();
    }
  });
});
