import { describe, expect, it } from 'vitest';
import { replayScene } from './replayScene';

describe('replayScene', () => {
  it('takes a seed Reset accepts and a known family', () => {
    expect(replayScene({ seed: 0, family: 'pick' })).toEqual({ ok: true, scene: { seed: 0, family: 'pick' } });
    expect(replayScene({ seed: 2 ** 31 - 1, family: 'stack' })).toEqual({ ok: true, scene: { seed: 2 ** 31 - 1, family: 'stack' } });
  });

  it('says why it cannot use a missing, unreadable or malformed scene', () => {
    expect(replayScene(null)).toEqual({ ok: false, reason: 'this dataset does not say which scene the episode was recorded in' });
    expect(replayScene({ error: 'webvla_scene_seed is x, not a number' })).toEqual({
      ok: false,
      reason: "the episode's recorded scene cannot be read (webvla_scene_seed is x, not a number)",
    });
    for (const seed of [-1, 2 ** 31, 1.5, Number.NaN, 2 ** 60]) {
      const r = replayScene({ seed, family: 'pick' });
      expect(r.ok, String(seed)).toBe(false);
      if (!r.ok) expect(r.reason).toBe(`the episode's recorded scene seed ${seed} is not a whole number from 0 to 2147483647`);
    }
    expect(replayScene({ seed: 3, family: 'juggle' })).toEqual({ ok: false, reason: 'the episode\'s recorded task family "juggle" is not one of pick, place, push, stack' });
    const long = replayScene({ seed: 3, family: `${'x'.repeat(100)}\n` });
    expect(!long.ok && long.reason).toBe(`the episode's recorded task family "${'x'.repeat(40)}…" is not one of pick, place, push, stack`);
  });
});
