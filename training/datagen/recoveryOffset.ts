/**
 * Recovery demonstrations: a tool offset held while the expert moves to a hover point (over the object before
 * a grasp or a push, over the destination before lowering), kept for a while after the expert arrives there
 * and then dropped, so the recording holds the arm beside its goal and the expert's corrective label.
 *
 * Why: in failed evaluation episodes the policy stops 2–5 cm beside the object and never corrects, because
 * the demonstrations' DART noise (a few degrees, shrunk near contact) never showed it a state that far off.
 * The label stays the expert's own target throughout; only the executed action carries the offset.
 *
 * With `descents`, the first part of each grasp descent carries an offset too, dropped once the expert's target
 * is DESCENT_DROP lower: the arm then corrects sideways while it goes on down to the object. Why: failed stack
 * episodes close the gripper 2–3 cm beside the object; a hover offset is always corrected before the descent
 * starts, so the data never showed a descent that must correct on its way. Lowerings onto the destination get
 * none: correcting sideways that low over a stack base, the noisy expert solved 5 of 16 stacks (9 of 16 without).
 */
import { forwardKinematics, NUM_ARM_JOINTS, solveIk, toolYaw } from '../../src/sim/kinematics';
import { norm, sub, type Vec3 } from '../../src/sim/math';
import type { Rng } from '../../src/sim/rng';
import { actionToRadians, radiansToAction } from '../../src/sim/units';

/** Expert phases that end at a hover point above where the next descent starts. */
const HOVER_PHASES = new Set(['approach', 'carry']);
/** A label whose tool point moves less than this per tick (m) means the expert has arrived and waits. */
const STILL = 2e-4;
/** Ticks the offset stays on after the expert arrives: 0.3–1.5 s at 20 Hz. */
const HOLD = [6, 30] as const;
/** Ticks the arm waits over a decoy after the expert arrives over the instructed object: 0.5–1.5 s. */
const DECOY_HOLD = [10, 30] as const;
/** How far the expert's target goes down (m) before a descent's offset drops, of the grasp's 7 cm. */
const DESCENT_DROP = 0.015;
const DOWN: Vec3 = [0, 0, -1];

export interface RecoveryOptions {
  /** Offsets in descents too (see above). */
  descents?: boolean;
  /** The first approach's offset (m): from the instructed object to a decoy (see above). */
  decoy?: Vec3;
}

export class RecoveryOffset {
  private offset: Vec3 | null = null;
  private phase = '';
  private still = 0;
  private hold = 0;
  private lastTool: Vec3 | null = null;
  /** In a descent: the height (m) of the expert's target when it began; null at a hover. */
  private descentZ: number | null = null;
  private decoyUsed = false;

  /** `maxM`: largest offset (m); each hover (and descent, with `descents`) draws 25–100 % of it in a random horizontal direction. */
  constructor(
    private readonly rng: Rng,
    private readonly maxM: number,
    private readonly options: RecoveryOptions = {},
  ) {}

  /** The joint targets to execute for the expert's `label` (LeRobot units) in `phase`. */
  apply(label: readonly number[], phase: string): number[] {
    if (phase !== this.phase) this.enter(phase, label);
    if (!this.offset) return [...label];
    const q = actionToRadians(label).slice(0, NUM_ARM_JOINTS);
    const pose = forwardKinematics(q);
    this.still = this.lastTool && norm(sub(pose.p, this.lastTool)) < STILL ? this.still + 1 : 0;
    this.lastTool = pose.p;
    const done = this.descentZ === null ? this.still > this.hold : this.descentZ - pose.p[2] >= DESCENT_DROP;
    if (done) {
      this.offset = null;
      return [...label];
    }
    const o = this.offset;
    const target = { position: [pose.p[0] + o[0], pose.p[1] + o[1], pose.p[2] + o[2]] as Vec3, approach: DOWN, yaw: toolYaw(pose) };
    const out = radiansToAction([...solveIk(target, q, 1e-4, false).q, 0]);
    out[NUM_ARM_JOINTS] = label[NUM_ARM_JOINTS];
    return out;
  }

  /** The offset now applied (m), or null. */
  get current(): Vec3 | null {
    return this.offset;
  }

  private enter(phase: string, label: readonly number[]): void {
    this.phase = phase;
    this.still = 0;
    this.lastTool = null;
    this.offset = null;
    this.descentZ = null;
    // Grasp descents only: the jaw is open (a push descends closed, right behind the object).
    const descent = this.options.descents === true && phase === 'descend' && label[NUM_ARM_JOINTS] > 1;
    if (phase === 'approach' && this.options.decoy && !this.decoyUsed) {
      this.decoyUsed = true;
      this.offset = [...this.options.decoy];
      this.hold = this.rng.int(DECOY_HOLD[0], DECOY_HOLD[1]);
      return;
    }
    if ((!HOVER_PHASES.has(phase) && !descent) || this.maxM <= 0) return;
    const r = this.rng.uniform(0.25, 1) * this.maxM;
    const a = this.rng.uniform(0, 2 * Math.PI);
    this.offset = [r * Math.cos(a), r * Math.sin(a), 0];
    this.hold = this.rng.int(HOLD[0], HOLD[1]);
    if (descent) this.descentZ = forwardKinematics(actionToRadians(label).slice(0, NUM_ARM_JOINTS)).p[2];
  }
}
