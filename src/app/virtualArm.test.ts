import { describe, expect, it } from 'vitest';
import { fakeSo101, fakeTicks, midTicks, TEST_CALIBRATION } from '../hardware/so101Fixtures';
import { SO101_IDS, SO101_MOTOR_NAMES } from '../hardware/so101Motors';
import { VirtualHand } from './virtualArm';

describe('VirtualHand', () => {
  it('moves only limp joints, like a hand on a real arm', () => {
    let t = 0;
    const fake = fakeSo101({ now: () => t });
    const hand = new VirtualHand(fake, TEST_CALIBRATION, () => t);
    fake.motor(2).set('Torque_Enable', 1);
    hand.motion = 'wander';
    t = 2500;
    hand.step();
    const moved = fakeTicks(fake).map((v, i) => v !== midTicks()[i]);
    expect(moved).toEqual([true, false, true, true, true, true]);
  });

  it.each([
    ['every 10 ms', 10],
    ['every 370 ms (a page busy rendering stalls the timer)', 370],
  ])('sweeps every joint to both ends of its travel, in the frame of whatever offset the motor holds: stepped %s', (_, stepMs) => {
    let t = 0;
    const fake = fakeSo101({ now: () => t });
    for (const id of SO101_IDS) fake.motor(id).set('Homing_Offset', 0);
    const hand = new VirtualHand(fake, TEST_CALIBRATION, () => t);
    hand.motion = 'sweep';
    const lo = SO101_IDS.map(() => Number.POSITIVE_INFINITY);
    const hi = SO101_IDS.map(() => Number.NEGATIVE_INFINITY);
    // One cycle: the hold at each end is longer than the stall, so a step lands on each end.
    for (t = 0; t <= 4200; t += stepMs) {
      hand.step();
      fakeTicks(fake).forEach((v, i) => {
        // Shaft positions with offset 0, unwrapped around the middle of the travel: some cross the encoder's zero.
        const c = TEST_CALIBRATION[SO101_MOTOR_NAMES[i]];
        const mid = (c.range_min + c.range_max) / 2 + c.homing_offset;
        const u = v + 4096 * Math.round((mid - v) / 4096);
        lo[i] = Math.min(lo[i], u);
        hi[i] = Math.max(hi[i], u);
      });
    }
    SO101_MOTOR_NAMES.forEach((m, i) => {
      const c = TEST_CALIBRATION[m];
      expect(lo[i]).toBeCloseTo(c.range_min + c.homing_offset, -1);
      expect(hi[i]).toBeCloseTo(c.range_max + c.homing_offset, -1);
    });
  });
});
