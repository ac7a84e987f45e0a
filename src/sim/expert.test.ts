import { describe, expect, it } from 'vitest';
import { runEpisode } from './episode';
import { ScriptedExpert } from './expert';
import { generateEpisode } from './tasks';

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
