/**
 * The calibration procedure as a pure state machine (no bus, no UI): the caller feeds it raw position readings
 * and does the bus work each step names. The order is LeRobot's (so101_follower `calibrate()`):
 *
 *   idle ──start()──▶ centre ──home(actual)──▶ ranges ──record(positions)…──▶ finish() ──▶ done
 *
 * - centre: torque off and Homing_Offset 0 on every motor (So101Arm.resetCalibration), so readings are actual
 *   shaft positions; the person puts every joint in the middle of its range. `home()` computes the half-turn
 *   offsets (position − 2047), which the caller writes to the motors.
 * - ranges: the person moves each joint through its whole range; every reading (Present_Position, now in the
 *   homed frame) widens that joint's [min, max].
 * Homing comes before the ranges, as in LeRobot: once the middle reads 2047, a joint's range (less than a turn)
 * cannot cross the encoder's 4095 → 0 wrap, so min and max are plain numbers. Ranges recorded first could wrap.
 */
import { type Calibration, CalibrationError, halfTurnHomingOffset, validateCalibration } from './calibration';
import { MAX_HOMING_OFFSET, MAX_TICK, type MotorName, SO101_MOTOR_IDS, SO101_MOTOR_NAMES } from './so101Motors';

export type WizardStep = 'idle' | 'centre' | 'ranges' | 'done';

export interface WizardOptions {
  /**
   * Least travel accepted per joint, in ticks. 200 ticks ≈ 18°: every SO-101 joint (gripper included) travels
   * well over 90°, so less means the joint was not moved rather than that its range is small.
   */
  minRangeTicks?: number;
}

export interface JointRange {
  readonly min: number;
  readonly max: number;
}

const PROMPTS: Record<WizardStep, string> = {
  idle: 'Press Start to calibrate the arm.',
  centre: 'Move every joint to the middle of its range (gripper half open, wrist level), then press Next.',
  ranges: 'Move each joint, one at a time, slowly through its whole range, end to end. Press Finish when all are done.',
  done: 'Calibration done. Save it to use it again next time.',
};

const DEG_PER_TICK = 360 / 4096;

export class CalibrationWizard {
  private current: WizardStep = 'idle';
  private offsets: number[] | null = null;
  private mins: number[] | null = null;
  private maxs: number[] | null = null;
  private result: Calibration | null = null;
  private readonly minRangeTicks: number;

  constructor(options: WizardOptions = {}) {
    this.minRangeTicks = options.minRangeTicks ?? 200;
  }

  get step(): WizardStep {
    return this.current;
  }

  /** What to tell the person now. */
  get prompt(): string {
    return PROMPTS[this.current];
  }

  /** The half-turn offsets from `home()`, in joint order; null before. */
  get homingOffsets(): readonly number[] | null {
    return this.offsets;
  }

  /** Each joint's recorded range so far (joint order); null before the first reading. */
  get ranges(): readonly JointRange[] | null {
    const { mins, maxs } = this;
    return mins && maxs ? mins.map((min, i) => ({ min, max: maxs[i] })) : null;
  }

  /** The calibration, once done. */
  get calibration(): Calibration | null {
    return this.result;
  }

  /** idle or done → centre. Also restarts a calibration half way. */
  start(): void {
    this.reset();
    this.current = 'centre';
  }

  /** Back to idle, forgetting everything. */
  reset(): void {
    this.current = 'idle';
    this.offsets = this.mins = this.maxs = null;
    this.result = null;
  }

  /**
   * centre → ranges. `actual`: each motor's Present_Position with Homing_Offset 0, joint order. Returns the
   * offsets to write to Homing_Offset. Throws CalibrationError (state unchanged) if a reading cannot be homed.
   */
  home(actual: ArrayLike<number>): readonly number[] {
    this.expect('centre', 'home');
    const positions = readings(actual, 'home');
    const offsets = positions.map(halfTurnHomingOffset);
    const bad = SO101_MOTOR_NAMES.filter((_, i) => Math.abs(offsets[i]) > MAX_HOMING_OFFSET);
    if (bad.length > 0) {
      // Only a reading of 4095 gives 2048, one past what Homing_Offset holds.
      throw new CalibrationError(`${bad.join(', ')} sits exactly at the end of its encoder's turn: move it a little and press Next again`, bad[0]);
    }
    this.offsets = offsets;
    this.current = 'ranges';
    return offsets;
  }

  /** ranges: one reading of every motor's Present_Position (homed frame, joint order) widens each range. */
  record(positions: ArrayLike<number>): void {
    this.expect('ranges', 'record');
    const values = readings(positions, 'record');
    if (!this.mins || !this.maxs) {
      this.mins = values.slice();
      this.maxs = values.slice();
      return;
    }
    for (let i = 0; i < values.length; i++) {
      if (values[i] < this.mins[i]) this.mins[i] = values[i];
      if (values[i] > this.maxs[i]) this.maxs[i] = values[i];
    }
  }

  /** What still keeps `finish()` from succeeding, in words (empty when it would succeed): for live feedback. */
  problems(): string[] {
    if (this.current !== 'ranges') return [];
    const { mins, maxs } = this;
    if (!mins || !maxs) return ['No positions recorded yet: move the joints while the wizard is recording.'];
    const out: string[] = [];
    SO101_MOTOR_NAMES.forEach((motor, i) => {
      const span = maxs[i] - mins[i];
      if (mins[i] <= 0 || maxs[i] >= MAX_TICK) {
        out.push(
          `${motor} reached the end of its encoder's turn, so its range may have wrapped: press Start again and begin with every joint in the middle of its range.`,
        );
      } else if (span < this.minRangeTicks) {
        out.push(`${motor} moved only ${Math.round(span * DEG_PER_TICK)}°: move it slowly from one end of its range to the other.`);
      }
    });
    return out;
  }

  /** ranges → done. Throws CalibrationError naming every joint not yet recorded well enough (state unchanged). */
  finish(): Calibration {
    this.expect('ranges', 'finish');
    const problems = this.problems();
    if (problems.length > 0) {
      const field = SO101_MOTOR_NAMES.find((m) => problems.some((p) => p.startsWith(`${m} `))) ?? null;
      throw new CalibrationError(problems.join(' '), field);
    }
    const { offsets, mins, maxs } = this;
    const raw: Record<string, unknown> = {};
    SO101_MOTOR_NAMES.forEach((motor: MotorName, i) => {
      raw[motor] = { id: SO101_MOTOR_IDS[motor], drive_mode: 0, homing_offset: offsets![i], range_min: mins![i], range_max: maxs![i] };
    });
    // The same validation as an imported file: a wizard result is never less checked than a file.
    this.result = validateCalibration(raw);
    this.current = 'done';
    return this.result;
  }

  private expect(step: WizardStep, action: string): void {
    if (this.current !== step) throw new CalibrationError(`calibration wizard: ${action}() belongs to step "${step}", not "${this.current}"`);
  }
}

/** Six integer tick readings in 0…4095, or a CalibrationError. */
function readings(values: ArrayLike<number>, action: string): number[] {
  if (values.length !== SO101_MOTOR_NAMES.length) {
    throw new CalibrationError(`calibration wizard: ${action}() needs ${SO101_MOTOR_NAMES.length} readings, got ${values.length}`);
  }
  const out = Array.from(values);
  out.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v > MAX_TICK) {
      const motor = SO101_MOTOR_NAMES[i];
      throw new CalibrationError(`calibration wizard: ${motor} reading ${v} is not a position from 0 to ${MAX_TICK}`, motor);
    }
  });
  return out;
}
