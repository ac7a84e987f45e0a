/**
 * Smooths the hand-over from one action chunk to the next. Two chunks planned from different frames (and, for
 * a flow head, different noise) rarely agree where one ends and the next begins: followed as they are, the
 * arm's target jumps there, up to the servo's full step per tick, and a cube held in the jaws is shaken loose
 * (in the eval traces of failed stacks the cube slips out right after such jumps; the expert's own targets
 * change by under 2° a tick).
 *
 * At a hand-over the first action of the new chunk is moved to where the old plan was going (the last action
 * plus its last step), and that offset fades out linearly over `ticks` ticks: the path stays continuous in
 * position and velocity, and the new plan is followed exactly from then on.
 */
export class ChunkBlend {
  private last: number[] | null = null;
  private step: number[] | null = null;
  private source: number | null = null;
  private offset: number[] | null = null;
  private age = 0;
  /** After a hold the next action starts a hand-over whatever chunk it comes from. */
  private resume = false;

  constructor(
    /** Ticks over which the hand-over offset fades (0: off). */
    readonly ticks: number,
    /** Dimensions to blend (unset: all). A gripper is usually left out: its open/close steps are meant. */
    readonly dims?: readonly number[],
  ) {
    if (!Number.isInteger(ticks) || ticks < 0) throw new RangeError(`blend ticks must be a whole number ≥ 0, got ${ticks}`);
  }

  reset(): void {
    this.last = this.step = this.offset = null;
    this.source = null;
    this.age = 0;
    this.resume = false;
  }

  /** The action to send for `proposed`, which came from the chunk that started at tick `source`. */
  apply(proposed: readonly number[], source: number): number[] {
    const out = proposed.slice();
    if (this.ticks > 0 && this.last && this.step && (this.resume || (this.source !== null && source !== this.source)) && out.length === this.last.length) {
      this.offset = out.map((v, i) => (this.blends(i) ? this.last![i] + this.step![i] - v : 0));
      this.age = 0;
    }
    this.source = source;
    this.resume = false;
    if (this.offset) {
      const w = 1 - this.age / this.ticks;
      for (let i = 0; i < out.length; i++) out[i] += w * this.offset[i];
      this.age++;
      if (this.age >= this.ticks) this.offset = null;
    }
    this.step = this.last && this.last.length === out.length ? out.map((v, i) => v - this.last![i]) : out.map(() => 0);
    this.last = out;
    return out.slice();
  }

  /** A tick without a model action (hold): the next action starts from rest where the arm holds. */
  hold(at: readonly number[]): void {
    this.last = at.slice();
    this.step = at.map(() => 0);
    this.offset = null;
    this.resume = true;
  }

  private blends(i: number): boolean {
    return this.dims === undefined || this.dims.includes(i);
  }
}
