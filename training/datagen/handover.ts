/**
 * DAgger-style recordings (datagen --handover): a policy drives the start of each episode, then the scripted
 * expert takes over from wherever the policy left the arm and the objects, and only what follows is recorded.
 * The demonstrations then start from the states the policy itself reaches — off-centre hovers, edge grasps,
 * misaimed carries — which no expert-only recording visits (Ross et al. 2011: a learner's own mistakes are the
 * states it must be taught to leave).
 */
import type { PolicyManifest } from '../../src/policy/manifest';
import type { PolicyCameraSpec } from '../../src/render/cameraSpec';
import { Rng } from '../../src/sim/rng';

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
