/**
 * DAgger-style recordings (datagen --handover): a policy drives the start of each episode, then the scripted
 * expert takes over from wherever the policy left the arm and the objects, and only what follows is recorded.
 * The demonstrations then start from the states the policy itself reaches — off-centre hovers, edge grasps,
 * misaimed carries — which no expert-only recording visits (Ross et al. 2011: a learner's own mistakes are the
 * states it must be taught to leave).
 */
import type { PolicyManifest } from '../../src/policy/manifest';
import type { PolicyCameraSpec } from '../../src/render/cameraSpec';
import { isHolding, restPoint } from '../../src/sim/expert';
import { Rng } from '../../src/sim/rng';
import type { SceneSpec } from '../../src/sim/scene';
import type { Task } from '../../src/sim/tasks';
import type { SimWorld } from '../../src/sim/world';

/** The tick at which the expert takes over: uniform over [0, maxSeconds), from a stream of its own. */
export function handoverTick(seed: number, maxSeconds: number, controlHz: number): number {
  if (!(maxSeconds > 0)) throw new Error('the handover window must be longer than 0 s');
  return Math.floor(new Rng(seed, 0x4a7d).uniform(0, maxSeconds) * controlHz);
}

/**
 * The policy must act at the rate the run records at (the expert goes on at it after the handover) and see
 * exactly the cameras the run records (names and sizes): else it drives blind or refuses.
 */
export function checkPolicyFits(manifest: Pick<PolicyManifest, 'cameras' | 'control_hz'>, recorded: readonly PolicyCameraSpec[], controlHz: number): void {
  if (manifest.control_hz !== controlHz) throw new Error(`the policy acts at ${manifest.control_hz} Hz, this run records at ${controlHz} Hz`);
  for (const c of manifest.cameras) {
    const spec = recorded.find((s) => s.name === c.name);
    if (!spec) throw new Error(`the policy reads a camera "${c.name}" that this run does not record`);
    if (spec.width !== c.width || spec.height !== c.height)
      throw new Error(`the policy sees "${c.name}" at ${c.width}×${c.height}, this run records it at ${spec.width}×${spec.height}: match --res / --front-res to the model`);
  }
}

/** What handed over: the time window ran out, the held object came down near where it must rest, or the policy let go of it. */
export type HandoverEvent = 'time' | 'lowering' | 'release';

/** Where the policy has the object, for the release trigger. */
export interface CarryView {
  held: boolean;
  /** How far the object's centre is above where it must rest (m). */
  above: number;
  /** Horizontal distance from the object to where it must rest (m). */
  off: number;
}

/** Only families that carry the object somewhere have a lowering and a release. */
export function carries(task: Task): task is Extract<Task, { family: 'place' | 'stack' }> {
  return task.family === 'place' || task.family === 'stack';
}

export function carryView(world: SimWorld, task: Extract<Task, { family: 'place' | 'stack' }>, scene: SceneSpec): CarryView {
  const p = world.objectState(task.object).p;
  const rest = restPoint(world, scene, task);
  return { held: isHolding(world, scene, task.object), above: p[2] - rest[2], off: Math.hypot(p[0] - rest[0], p[1] - rest[1]) };
}

/** Within this of where it must rest, a held object coming down is the policy's lowering. */
export const LOWERING_NEAR = 0.08;

/**
 * Hands over at the states stack and place fail from (datagen --handover-at release): the policy's lowering of
 * the held object near its destination, or just after it lets go of it. A uniform window puts most handovers
 * in the approach and the carry, which the expert's own recordings already show; these are the states only the
 * policy makes (a cube coming down on the base's edge, one dropped beside it). Per episode, from its seed: half
 * hand over once the held object is below a random 0–4 cm above its rest height within 8 cm of it (or at a
 * release, whichever comes first), half a random 0–1 s after the first release.
 */
export class ReleaseTrigger {
  readonly kind: 'lowering' | 'release';
  /** Lowering: hand over once the held object is this far (m) or less above its rest height. */
  readonly height: number;
  /** Release: hand over this many ticks after the policy lets go. */
  readonly delayTicks: number;
  private wasHeld = false;
  private releasedAt = -1;

  constructor(seed: number, controlHz: number) {
    const rng = new Rng(seed, 0x7e1a);
    this.kind = rng.uniform(0, 1) < 0.5 ? 'lowering' : 'release';
    this.height = rng.uniform(0, 0.04);
    this.delayTicks = Math.floor(rng.uniform(0, 1) * controlHz);
  }

  /** → the event that hands over at this tick, or null to let the policy go on. */
  update(tick: number, v: CarryView): HandoverEvent | null {
    if (v.held) {
      this.wasHeld = true;
      if (this.kind === 'lowering' && v.off < LOWERING_NEAR && v.above <= this.height) return 'lowering';
      return null;
    }
    if (!this.wasHeld) return null;
    if (this.releasedAt < 0) this.releasedAt = tick;
    return this.kind === 'lowering' || tick - this.releasedAt >= this.delayTicks ? 'release' : null;
  }
}
