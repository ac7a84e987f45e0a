import { describe, expect, it } from 'vitest';
import { parseShareLink, type ShareState, shareLinkHash } from './shareLink';

describe('share links', () => {
  it('round-trips the full state through the hash', () => {
    const state: ShareState = {
      seed: 1000003,
      family: 'place',
      instruction: 'put the red cube in the blue bowl & smile',
      model: { kind: 'builtin', id: 'tabletop-mini-bins' },
      mode: 'sync',
      view: { eye: [-0.42, -0.2, 0.58], target: [0.2, 0, 0.05] },
    };
    const hash = shareLinkHash(state);
    expect(hash.startsWith('#seed=1000003&family=place&instruction=')).toBe(true);
    expect(parseShareLink(hash)).toEqual({ ok: true, state });
    const remote = parseShareLink(shareLinkHash({ model: { kind: 'url', url: 'https://example.org/models/mine/' } }));
    expect(remote).toEqual({ ok: true, state: { model: { kind: 'url', url: 'https://example.org/models/mine/' } } });
  });

  it('an empty hash is an empty state', () => {
    expect(parseShareLink('')).toEqual({ ok: true, state: {} });
    expect(parseShareLink('#')).toEqual({ ok: true, state: {} });
  });

  it.each([
    ['#model=javascript:alert(1)', /model must be an http\(s\) URL, not javascript:/],
    ['#model=data:text/html,hi', /model must be an http\(s\) URL, not data:/],
    ['#model=https://user:pw@example.org/m/', /must not carry a user name or password/],
    ['#seed=99999999999', /seed must be a whole number/],
    ['#seed=4294967295', /seed must be at most 2147483647/],
    ['#seed=-1', /seed must be a whole number/],
    ['#family=dance', /family/],
    ['#mode=turbo', /mode/],
    ['#eye=1e9,0,0&target=0,0,0', /eye must be three numbers between -5 and 5/],
    ['#eye=0,0,0', /eye and target come together/],
    [`#instruction=${'a'.repeat(301)}`, /instruction is longer than 300 characters/],
    ['#instruction=hi%00there', /instruction contains control characters/],
    ['#seed=1&onload=x', /unknown setting "onload"/],
    ['#seed=1&seed=2', /names "seed" twice/],
    [`#seed=1&x=${'y'.repeat(3000)}`, /too long/],
  ])('refuses %s with a message', (hash, message) => {
    const r = parseShareLink(hash);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatch(message);
      expect(r.error.length).toBeLessThan(400);
    }
  });
});
