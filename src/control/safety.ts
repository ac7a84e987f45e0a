/**
 * The one safety filter every action passes before it reaches the sim or the hardware. It knows action units
 * only (one number per dimension), not where the action goes; each robot picks its limits.
 * Contract per `apply`:
 * - wrong length or any non-finite number → rejected: the result is the last safe action (hold);
 * - otherwise each dimension is clamped to [low, high], then to last ± maxStep (a speed limit per tick), and the
 *   result becomes the last safe action.
 * Clamping to the box first and the step second means an arm that starts outside its limits is led back in at
 * the step rate rather than snapped in.
 */
import { ARM_SERVO } from '../sim/arm';
import { ACTION_HIGH, ACTION_LOW, ACTION_NAMES } from '../sim/units';

/** Action units; maxStep = most change per control tick per dimension. */
export interface SafetyLimits {
  low: readonly number[];
  high: readonly number[];
  maxStep: readonly number[];
  /** Dimension names for the reasons (`shoulder_pan.pos`); default `dim 0`, `dim 1`… */
  names?: readonly string[];
}

export interface SafetyResult {
  action: number[];
  rejected: boolean;
  clipped: boolean;
  reasons: string[];
}

export interface SafetyCounts {
  rejected: number;
  clipped: number;
  total: number;
}

export class SafetyFilter {
  readonly limits: Readonly<SafetyLimits>;
  private readonly n: number;
  private readonly names: readonly string[];
  private last: number[] | null = null;
  private readonly tally: SafetyCounts = { rejected: 0, clipped: 0, total: 0 };

  /** Throws RangeError on inconsistent limits (a programming error, caught at construction). */
  constructor(limits: SafetyLimits) {
    const n = limits.low.length;
    if (n === 0 || limits.high.length !== n || limits.maxStep.length !== n || (limits.names && limits.names.length !== n)) {
      throw new RangeError('safety limits: low, high, maxStep (and names) must have the same, non-zero length');
    }
    for (let i = 0; i < n; i++) {
      const [lo, hi, step] = [limits.low[i], limits.high[i], limits.maxStep[i]];
      if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) throw new RangeError(`safety limits: bad range [${lo}, ${hi}] for dim ${i}`);
      if (!(step > 0)) throw new RangeError(`safety limits: maxStep must be > 0 for dim ${i}, got ${step}`);
    }
    this.n = n;
    this.names = limits.names ?? Array.from({ length: n }, (_, i) => `dim ${i}`);
    this.limits = Object.freeze({ low: [...limits.low], high: [...limits.high], maxStep: [...limits.maxStep], names: this.names });
  }

  /** How many actions were seen, rejected and clipped since construction. */
  get counts(): Readonly<SafetyCounts> {
    return { ...this.tally };
  }

  /** True once reset() gave it the arm's state. */
  get ready(): boolean {
    return this.last !== null;
  }

  /** The last safe action becomes `current`, the arm's state now. Throws RangeError if it is not a usable state. */
  reset(current: ArrayLike<number>): void {
    const problem = this.invalid(current);
    if (problem) throw new RangeError(`safety filter reset: ${problem}`);
    this.last = Array.from(current);
  }

  apply(proposed: ArrayLike<number>): SafetyResult {
    this.tally.total++;
    const problem = this.last ? this.invalid(proposed) : 'no current state yet (reset() was not called)';
    if (problem) {
      this.tally.rejected++;
      return { action: this.hold(), rejected: true, clipped: false, reasons: [problem] };
    }
    const last = this.last!;
    const { low, high, maxStep } = this.limits;
    const action = new Array<number>(this.n);
    const reasons: string[] = [];
    for (let i = 0; i < this.n; i++) {
      const p = proposed[i];
      let v = Math.min(high[i], Math.max(low[i], p));
      if (v !== p) reasons.push(`${this.names[i]} ${fmt(p)} outside [${fmt(low[i])}, ${fmt(high[i])}]`);
      const stepped = Math.min(last[i] + maxStep[i], Math.max(last[i] - maxStep[i], v));
      if (stepped !== v) reasons.push(`${this.names[i]} step ${fmt(v - last[i])} beyond ±${fmt(maxStep[i])} per tick`);
      v = stepped;
      action[i] = v;
    }
    const clipped = reasons.length > 0;
    if (clipped) this.tally.clipped++;
    this.last = action;
    return { action: action.slice(), rejected: false, clipped, reasons };
  }

  /** The last safe action (a copy): what to send when the model stalls. Empty before reset(). */
  hold(): number[] {
    return this.last ? this.last.slice() : [];
  }

  private invalid(values: ArrayLike<number>): string | null {
    if (values == null || typeof values.length !== 'number') return 'not a list of numbers';
    if (values.length !== this.n) return `expected ${this.n} values, got ${values.length}`;
    for (let i = 0; i < this.n; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) return `${this.names[i]} is ${String(v)}`;
    }
    return null;
  }
}

function fmt(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * The simulated arm's servo top speed, 3 rad/s ≈ 172°/s (src/sim/arm.ts ARM_SERVO.maxSpeed). A target further
 * than one tick's travel away cannot be followed any faster, so a bigger step is a glitch, not a plan, while
 * every trajectory the sim arm can track (the expert's, teleop's 45°/s) passes untouched.
 */
export const SIM_JOINT_SPEED_DEG_S = (ARM_SERVO.maxSpeed * 180) / Math.PI;
/**
 * Gripper: full stroke in 0.25 s. Faster than the sim jaw closes (its force cap limits it to about 65 units/s),
 * so grasps keep their timing, yet a 0 ↔ 100 flip from a bad frame is spread over several ticks.
 */
export const GRIPPER_SPEED_UNITS_S = 400;

/** Limits for the simulated arm: URDF joint limits in LeRobot units (ACTION_LOW/HIGH) and the speeds above. */
export function defaultSimLimits(controlHz: number): SafetyLimits {
  if (!(controlHz > 0)) throw new RangeError(`controlHz must be > 0, got ${controlHz}`);
  const gripper = ACTION_LOW.length - 1;
  return {
    low: [...ACTION_LOW],
    high: [...ACTION_HIGH],
    maxStep: ACTION_LOW.map((_, i) => (i === gripper ? GRIPPER_SPEED_UNITS_S : SIM_JOINT_SPEED_DEG_S) / controlHz),
    names: [...ACTION_NAMES],
  };
}
