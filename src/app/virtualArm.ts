/**
 * The "Virtual arm": a byte-speaking fake SO-101 (FakeServoBus) behind the same ByteTransport as a real port, so
 * someone without hardware walks the whole flow (connect, calibrate, modes, stop, unplug) through the real
 * protocol stack. Its motors travel toward their goals at a servo's speed, and a simulated hand moves the joints
 * whose torque is off, as a person moves a limp arm: without it, "move the arm by hand" would have no virtual
 * counterpart.
 */
import type { Calibration } from '../hardware/calibration';
import type { FakeServoBus } from '../hardware/fakeBus';
import { fakeSo101, TEST_CALIBRATION } from '../hardware/so101Fixtures';
import { SO101_IDS, SO101_MOTOR_NAMES, TICKS_PER_TURN } from '../hardware/so101Motors';

/**
 * 2400 ticks/s ≈ 210°/s: an STS3215 at 7.4 V turns about 270°/s unloaded and slower under the arm's weight. The
 * real arm's safety filter caps commands at 90°/s anyway, so the motors keep up as real ones do.
 */
export const VIRTUAL_SERVO_TICKS_PER_S = 2400;

/**
 * - rest: the hand lets go.
 * - centre: every joint to the middle of its travel (the wizard's first step).
 * - sweep: every joint end to end and back, over and over (the wizard's range step).
 * - wander: slow, smooth motion inside the middle of each range (someone guiding a leader arm).
 */
export type HandMotion = 'rest' | 'centre' | 'sweep' | 'wander';

/** How often the hand moves the shafts (ms): smoother than the 20–30 Hz control loop reads them. */
const HAND_PERIOD_MS = 20;
/** The moving part of one sweep cycle (centre → low end → high end → centre), seconds. */
const SWEEP_S = 3;
/**
 * How long the hand holds each joint against its end stop, seconds, as a person pushes a joint home before
 * swinging it back. Without it the ends are touched for an instant: a page busy rendering stalls this timer and
 * the wizard's poll for a few hundred ms, the hand's next step is already past the end, and the recorded range
 * comes out short (seen in CI), which then clamps the real arm inside poses the sim can take.
 */
const END_HOLD_S = 0.6;

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

export class VirtualHand {
  motion: HandMotion = 'rest';
  private readonly low: number[];
  private readonly high: number[];
  private readonly t0: number;

  /**
   * `body`: the arm's mechanical truth: each joint's travel in shaft ticks is [range_min, range_max] shifted by
   * homing_offset. The fixture's calibration, so an arm calibrated with it reads its ranges back.
   */
  constructor(
    private readonly fake: FakeServoBus,
    body: Calibration = TEST_CALIBRATION,
    private readonly now: () => number = Date.now,
  ) {
    this.low = SO101_MOTOR_NAMES.map((m) => body[m].range_min + body[m].homing_offset);
    this.high = SO101_MOTOR_NAMES.map((m) => body[m].range_max + body[m].homing_offset);
    this.t0 = now();
  }

  /** Moves every limp joint to where the hand holds it now; joints with torque on resist, as real ones do. */
  step(): void {
    if (this.motion === 'rest') return;
    const t = (this.now() - this.t0) / 1000;
    SO101_IDS.forEach((id, i) => {
      const motor = this.fake.motor(id);
      if (motor.get('Torque_Enable') !== 0) return;
      const shaft = this.shaftAt(i, t);
      // turnByHand takes the reported frame: present = shaft − Homing_Offset.
      motor.turnByHand(mod(Math.round(shaft) - motor.get('Homing_Offset'), TICKS_PER_TURN));
    });
  }

  private shaftAt(i: number, t: number): number {
    const lo = this.low[i];
    const hi = this.high[i];
    const mid = (lo + hi) / 2;
    const half = (hi - lo) / 2;
    switch (this.motion) {
      case 'centre':
      case 'rest':
        return mid;
      case 'sweep': {
        // Triangle wave with a hold at each end: mid → lo, hold, → hi, hold, → mid.
        const quarter = SWEEP_S / 4;
        let u = mod(t, SWEEP_S + 2 * END_HOLD_S);
        if (u < quarter) return mid - half * (u / quarter);
        u -= quarter;
        if (u < END_HOLD_S) return lo;
        u -= END_HOLD_S;
        if (u < 2 * quarter) return lo + (hi - lo) * (u / (2 * quarter));
        u -= 2 * quarter;
        if (u < END_HOLD_S) return hi;
        u -= END_HOLD_S;
        return hi - half * (u / quarter);
      }
      case 'wander':
        // ±30% of each half range over 16–31 s periods: about 10–15°/s, a person guiding a leader arm with care.
        // The periods differ so the pose does not repeat soon.
        return mid + 0.3 * half * Math.sin((2 * Math.PI * t) / (16 + i * 3) + i);
    }
  }
}

export interface VirtualArm {
  readonly bus: FakeServoBus;
  readonly hand: VirtualHand;
  /** Stops the hand's timer. The bus itself is closed by whoever holds the link. */
  dispose(): void;
}

/**
 * A virtual SO-101 that holds the fixture calibration in its motors, as an arm calibrated earlier does. A browser
 * without a saved calibration still asks for one (import or wizard), as it would for a real arm.
 */
export function createVirtualArm(): VirtualArm {
  const bus = fakeSo101({ ticksPerSecond: VIRTUAL_SERVO_TICKS_PER_S, seed: Date.now() & 0xffff });
  const hand = new VirtualHand(bus);
  const timer = setInterval(() => {
    if (bus.connected) hand.step();
  }, HAND_PERIOD_MS);
  return { bus, hand, dispose: () => clearInterval(timer) };
}
