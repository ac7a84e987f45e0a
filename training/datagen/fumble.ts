/**
 * Fumbles: demonstrations of what to do once the object is no longer in the hand.
 *
 * Why: traced failures of the shipped policy (npm run eval -- --trace) shut the jaws on nothing or on a cube's
 * edge, or let the object slip out on the way, and then carry the empty hand over the destination and hover
 * there until time runs out, the jaw reading 0 (shut on nothing) all along. No recording ever showed an empty
 * shut hand at carrying height: the expert never loses what it grasps.
 *
 * Two kinds:
 * - 'miss': the expert's first grasp goes down 2.5–4 cm off the object (expert.ts `graspMiss`), the jaws shut on
 *   nothing or on an edge, and the expert grasps again once the lift comes up empty. Its aiming off is no
 *   lesson, so the steps from that descent to the end of its lift are marked for training to leave out (`skip`);
 *   what follows, an empty shut hand going back for the object, is recorded as usual.
 * - 'drop': part-way through the first carry the executed jaws open for a moment and the object falls; once it
 *   lies still the expert grasps it again (expert.ts, the carry's `abort`). DART-style: the label stays the
 *   expert's own (jaws shut), so nothing needs leaving out.
 */
import { EXPERT } from '../../src/sim/expert';
import { NUM_ARM_JOINTS } from '../../src/sim/kinematics';
import type { Vec3 } from '../../src/sim/math';
import type { Rng } from '../../src/sim/rng';
import type { TaskFamily } from '../../src/sim/tasks';

export type FumbleKind = 'miss' | 'drop';

/** Horizontal offset of a missed grasp (m): past half the largest object (1.8 cm) and most of the fingertip's reach. */
export const MISS_RANGE = [0.025, 0.04] as const;
/** Ticks into the first carry before the jaws open (20 Hz: 0.25–1.25 s), and how long they stay open. */
export const DROP_AFTER = [5, 25] as const;
export const DROP_TICKS = 8;
/** The missed grasp's phases, left out of training. */
const MISS_PHASES = new Set(['descend', 'close', 'lift']);

/** The kind of fumble for an episode of `family`, or null: a push grasps nothing, a pick has no carry to drop from. */
export function fumbleKind(rng: Rng, family: TaskFamily): FumbleKind | null {
  if (family === 'push') return null;
  if (family === 'pick') return 'miss';
  return rng.uniform(0, 1) < 0.5 ? 'miss' : 'drop';
}

export class Fumble {
  /** The miss's offset of the first grasp (m), for the expert's options. */
  readonly missOffset: Vec3;
  private readonly dropAt: number;
  private tick = 0;
  private phase = '';
  private carryTicks = 0;
  private from = -1;
  private to = -1;

  constructor(
    rng: Rng,
    readonly kind: FumbleKind,
  ) {
    const r = rng.uniform(MISS_RANGE[0], MISS_RANGE[1]);
    const a = rng.uniform(0, 2 * Math.PI);
    this.missOffset = [r * Math.cos(a), r * Math.sin(a), 0];
    this.dropAt = rng.int(DROP_AFTER[0], DROP_AFTER[1]);
  }

  /** The joint targets to execute for `label` (LeRobot units) in the expert's `phase`; once per control tick. */
  apply(label: readonly number[], phase: string): number[] {
    const out = [...label];
    const entered = phase !== this.phase;
    this.phase = phase;
    if (this.kind === 'miss') {
      // The missed grasp's descent starts with the jaws open (the first descent of the episode).
      if (entered && this.from < 0 && phase === 'descend' && label[NUM_ARM_JOINTS] > 1) this.from = this.tick;
      if (this.from >= 0 && this.to < 0 && !MISS_PHASES.has(phase)) this.to = this.tick;
    } else if (phase === 'carry' && this.carryTicks >= 0) {
      this.carryTicks++;
      if (this.carryTicks > this.dropAt && this.carryTicks <= this.dropAt + DROP_TICKS) out[NUM_ARM_JOINTS] = EXPERT.open;
    } else if (this.carryTicks > 0) {
      this.carryTicks = -1; // only the first carry
    }
    this.tick++;
    return out;
  }

  /** Steps [from, to) not to train on (the missed grasp), or null. */
  get skip(): [number, number] | null {
    if (this.from < 0) return null;
    return [this.from, this.to < 0 ? this.tick : this.to];
  }
}
