import { describe, expect, it } from 'vitest';
import type { PolicyState } from './policyController';
import { collectShareState, sharedModel } from './share';
import type { SessionState } from './session';
import { parseShareLink, shareLinkHash } from './shareLink';

const page = 'https://demo.example/webvla/';
const session = { seed: 42, family: 'place', instruction: 'put the red cube in the blue bowl' } as SessionState;
const policy = (url: string, loaded = true) => ({ url, info: loaded ? { name: 'm' } : null, options: { mode: 'sync' } }) as unknown as PolicyState;

describe('share state', () => {
  it('names shipped models by id and other folders by absolute URL', () => {
    expect(sharedModel('models/tabletop-mini-bins/', page)).toEqual({ kind: 'builtin', id: 'tabletop-mini-bins' });
    expect(sharedModel('/test-models/tiny-bins/', page)).toEqual({ kind: 'url', url: 'https://demo.example/test-models/tiny-bins/' });
    expect(sharedModel('https://hf.example/m/', page)).toEqual({ kind: 'url', url: 'https://hf.example/m/' });
  });

  it('collects seed, family, instruction, mode, view and model into a link that parses back to the same state', () => {
    const view = { eye: [-0.4, -0.2, 0.6] as [number, number, number], target: [0.2, 0, 0] as [number, number, number] };
    const { state, notes } = collectShareState(session, policy('models/tabletop-mini-bins/'), view, page);
    expect(notes).toEqual([]);
    expect(parseShareLink(shareLinkHash(state))).toEqual({
      ok: true,
      state: { seed: 42, family: 'place', instruction: 'put the red cube in the blue bowl', mode: 'sync', view, model: { kind: 'builtin', id: 'tabletop-mini-bins' } },
    });
  });

  it('a model dropped from disk cannot travel: the link leaves it out and says so', () => {
    const { state, notes } = collectShareState(session, policy('my-model.zip'), null, page);
    expect(state.model).toBeUndefined();
    expect(notes[0]).toMatch(/came from your disk/);
  });
});
