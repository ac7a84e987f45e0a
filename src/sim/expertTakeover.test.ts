import { describe, expect, it } from 'vitest';
import { runEpisode } from './episode';
import { ScriptedExpert } from './expert';
import { generateEpisode, type TaskFamily } from './tasks';

/**
 * One expert drives until `handOver` says so, then a fresh expert takes over from the world as it is: what the
 * datagen handover does after a policy has driven. → the episode's success and the second expert's phases.
 */
async function takeOver(seed: number, family: TaskFamily, handOver: (phase: string, ticks: number) => boolean) {
  const phases: string[] = [];
  let at = '';
  const r = await runEpisode(generateEpisode(seed, family), (ep, hz) => {
    const first = new ScriptedExpert(ep.task, ep.scene, hz);
    let second: ScriptedExpert | null = null;
    let ticks = 0;
    return {
      act: (world) => {
        if (!second && handOver(first.phaseName, ticks)) {
          at = first.phaseName;
          second = new ScriptedExpert(ep.task, ep.scene, hz);
        }
        ticks++;
        if (!second) return first.act(world);
        const action = second.act(world);
        if (phases.at(-1) !== second.phaseName) phases.push(second.phaseName);
        return action;
      },
    };
  });
  return { success: r.success, phases, at };
}

describe('scripted expert, taking over mid-task', () => {
  it('carries on with an object already in the hand: no new approach, no opening before it is placed', async () => {
    for (const [seed, family] of [[200, 'stack'], [201, 'place'], [202, 'pick']] as const) {
      let carried = 0;
      const r = await takeOver(seed, family, (phase) => (phase === 'carry' || (family === 'pick' && phase === 'lift')) && ++carried > 6);
      expect(r.at).not.toBe('');
      expect(r.phases[0]).toBe('lift');
      // Until the object is let go where it belongs, the jaws stay shut on it (a retry may follow a placing).
      const placed = r.phases.indexOf('release');
      const beforeRelease = placed < 0 ? r.phases : r.phases.slice(0, placed);
      for (const regrasp of ['approach', 'descend', 'close']) expect(beforeRelease).not.toContain(regrasp);
      expect(r.success).toBe(true);
    }
  });

  it('lowering over the destination: corrects sideways at that height and lowers, without going back up', async () => {
    for (const [seed, family] of [[206, 'stack'], [207, 'place'], [208, 'stack']] as const) {
      let lowering = 0;
      const r = await takeOver(seed, family, (phase) => phase === 'lower' && ++lowering > 3);
      expect(r.at).toBe('lower');
      expect(r.phases.slice(0, 2)).toEqual(['carry', 'lower']);
      // (A retry after a placing that did not hold may lift again; before it, nothing goes up.)
      expect(r.phases.slice(0, r.phases.indexOf('release'))).not.toContain('lift');
      expect(r.success).toBe(true);
    }
  });

  it('with nothing in the hand: descends from where it is when over the object, else plans a new approach', async () => {
    for (const [seed, family] of [[203, 'stack'], [204, 'place'], [209, 'pick']] as const) {
      // Half-way down to the object, jaws open: the hand holds nothing yet.
      let descending = 0;
      const r = await takeOver(seed, family, (phase) => phase === 'descend' && ++descending > 6);
      expect(r.at).toBe('descend');
      expect(r.phases[0]).toBe('descend');
      expect(r.success).toBe(true);
    }
    // Early in the first approach, far from the object: a full approach, and the push family's own plan.
    for (const [seed, family] of [[203, 'stack'], [205, 'push']] as const) {
      const r = await takeOver(seed, family, (phase, ticks) => phase === 'approach' && ticks > 5);
      expect(r.phases[0]).toBe('approach');
      expect(r.success).toBe(true);
    }
  });
});
