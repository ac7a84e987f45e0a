import { describe, expect, it } from 'vitest';
import { MODE_ORDER, MODES, planTick } from './hardwareModes';

const T = [1, 2, 3, 4, 5, 50];

describe('planTick', () => {
  it('stopped: only reads, whatever the mode', () => {
    for (const mode of MODE_ORDER) expect(planTick(mode, false, 'expert', T)).toEqual({ release: false, send: null, follow: false });
  });

  it('mirror and real-drives-sim: torque off, the reading feeds the sim', () => {
    expect(planTick('mirror', true, 'none', T)).toEqual({ release: true, send: null, follow: true });
    expect(planTick('real-drives-sim', true, 'expert', T)).toEqual({ release: true, send: null, follow: true });
    expect(MODES.mirror.takesSim).toBe(true);
    expect(MODES['real-drives-sim'].takesSim).toBe(false);
  });

  it('sim-drives-real sends the sim targets every tick; real-only only while something drives', () => {
    expect(planTick('sim-drives-real', true, 'none', T)).toEqual({ release: false, send: T, follow: false });
    expect(planTick('real-only', true, 'none', T)).toEqual({ release: false, send: null, follow: true });
    expect(planTick('real-only', true, 'policy', T)).toEqual({ release: false, send: T, follow: false });
  });
});
