import { describe, expect, it } from 'vitest';
import { DEADZONE, gamepadKeys, type PadState } from './gamepadTeleop';
import { teleopStep } from './teleop';

function pad(axes: number[] = [0, 0, 0, 0], pressed: Record<number, number> = {}): PadState {
  return { axes, buttons: Array.from({ length: 17 }, (_, i) => ({ value: pressed[i] ?? 0, pressed: (pressed[i] ?? 0) > 0.5 })) };
}

describe('gamepadKeys', () => {
  it('ignores sticks resting inside the dead zone', () => {
    expect(gamepadKeys(pad([0.1, -0.12, 0.05, DEADZONE]))).toEqual(new Map());
  });

  it('maps stick travel past the dead zone to the keyboard keys, with strength', () => {
    const k = gamepadKeys(pad([1, -0.575, 0, 0.5]));
    expect(k.get('l')).toBe(1); // left stick right: tool right
    expect(k.get('i')).toBeCloseTo(0.5, 9); // left stick half up: tool forward at half speed
    expect(k.get('o')).toBeCloseTo((0.5 - DEADZONE) / (1 - DEADZONE), 9); // right stick down: tool down
    expect(k.has('j') || k.has('k') || k.has('u')).toBe(false);
  });

  it('maps triggers to the gripper and the d-pad to pan and wrist flex', () => {
    const k = gamepadKeys(pad(undefined, { 7: 1, 12: 1, 14: 1 }));
    expect([...k.keys()].sort()).toEqual(['h', 'q', 'r']);
    expect(k.get('h')).toBe(1);
  });

  it('a digital button with no analog value counts as fully pressed; a broken axis is ignored', () => {
    const p: PadState = { axes: [Number.NaN, 0, 0, 0], buttons: Array.from({ length: 17 }, (_, i) => ({ value: 0, pressed: i === 6 })) };
    expect(gamepadKeys(p)).toEqual(new Map([['y', 1]]));
  });
});

describe('teleopStep with strengths', () => {
  it('moves a joint at the stick strength times the keyboard rate', () => {
    const start = [0, 0, 0, 0, 0, 50];
    const full = teleopStep(start, new Set(['q']), 0.05);
    const half = teleopStep(start, new Map([['q', 0.5]]), 0.05);
    expect(full[0]).toBeGreaterThan(0);
    expect(half[0]).toBeCloseTo(full[0] / 2, 9);
    expect(teleopStep(start, new Map([['h', 1]]), 0.05)[5]).toBeLessThan(50);
  });
});
