/**
 * Why an episode failed, from sim state alone: knowing whether a policy went for the wrong object, never
 * reached the right one, missed its grasp or lifted it and lost it says what to fix (data, grounding,
 * resolution), which a success rate alone does not.
 */
import type { SimWorld } from './world';
import { SIDE_SIGN, type Task } from './tasks';
import type { SceneSpec } from './scene';

export type FailureKind = 'wrong_object' | 'not_reached' | 'missed_grasp' | 'lifted_not_placed' | 'pushed_short' | 'pushed_wrong_way';

export const FAILURE_KINDS: readonly FailureKind[] = ['wrong_object', 'not_reached', 'missed_grasp', 'lifted_not_placed', 'pushed_short', 'pushed_wrong_way'];

/** Displacement (m) that counts as "the arm moved it". */
const MOVED = 0.015;
/** Height above rest (m) that counts as "lifted". */
const LIFTED = 0.02;

export class FailureTracker {
  private readonly start = new Map<string, [number, number, number]>();
  private readonly maxMove = new Map<string, number>();
  private maxLift = 0;
  /** The instructed object's last y (m): a push judged by where it ended, towards its side or away. */
  private lastY: number;
  private readonly startY: number;
  private readonly restZ: number;

  constructor(
    private readonly task: Task,
    scene: SceneSpec,
  ) {
    for (const o of scene.objects) {
      this.start.set(o.id, [o.x, o.y, o.height / 2]);
      this.maxMove.set(o.id, 0);
    }
    const target = scene.objects.find((o) => o.id === task.object);
    if (!target) throw new Error(`no object ${task.object}`);
    this.restZ = target.height / 2;
    this.startY = target.y;
    this.lastY = target.y;
  }

  update(world: SimWorld): void {
    for (const [id, [x, y, z]] of this.start) {
      const p = world.objectState(id).p;
      this.maxMove.set(id, Math.max(this.maxMove.get(id) ?? 0, Math.hypot(p[0] - x, p[1] - y, p[2] - z)));
      if (id === this.task.object) {
        this.maxLift = Math.max(this.maxLift, p[2] - this.restZ);
        this.lastY = p[1];
      }
    }
  }

  /** The likeliest reason a failed episode failed. */
  classify(): FailureKind {
    const target = this.maxMove.get(this.task.object) ?? 0;
    const others = [...this.maxMove.entries()].some(([id, d]) => id !== this.task.object && d > 2 * MOVED);
    if (target < MOVED) return others ? 'wrong_object' : 'not_reached';
    if (this.task.family === 'push') {
      // A push that ended further from its side than it started went the wrong way: the side word, not the distance.
      const towards = SIDE_SIGN[this.task.side] * (this.lastY - this.startY);
      return towards < -MOVED ? 'pushed_wrong_way' : 'pushed_short';
    }
    return this.maxLift < LIFTED ? 'missed_grasp' : 'lifted_not_placed';
  }
}
