/**
 * Appearance variations that must not matter to a policy (domain randomisation): colour shades within each
 * colour's family, lighting, table tint, small camera offsets. The neutral appearance is what the app shows.
 */
import type { Rng } from '../sim/rng';
import type { Vec3 } from '../sim/math';
import type { PolicyCameraSpec } from './cameraSpec';

export interface Appearance {
  /** Per object/bowl id: HSL offsets applied to its colour (hue kept within its family). */
  shade: Record<string, { h: number; s: number; l: number }>;
  keyIntensity: number;
  keyDirection: Vec3;
  ambientIntensity: number;
  /** Multiplier on the table's colour. */
  tableTint: Vec3;
}

export const NEUTRAL_APPEARANCE: Appearance = {
  shade: {},
  keyIntensity: 1.8,
  keyDirection: [0.35, 0.45, 1.0],
  ambientIntensity: 1.1,
  tableTint: [1, 1, 1],
};

export function randomAppearance(rng: Rng, ids: readonly string[]): Appearance {
  const shade: Appearance['shade'] = {};
  for (const id of ids) shade[id] = { h: rng.uniform(-0.025, 0.025), s: rng.uniform(-0.15, 0.05), l: rng.uniform(-0.08, 0.08) };
  return {
    shade,
    keyIntensity: rng.uniform(1.2, 2.4),
    keyDirection: [rng.uniform(-0.3, 0.7), rng.uniform(-0.6, 0.6), 1],
    ambientIntensity: rng.uniform(0.7, 1.4),
    tableTint: [rng.uniform(0.85, 1.1), rng.uniform(0.85, 1.1), rng.uniform(0.85, 1.1)],
  };
}

/** A camera nudged by a few mm and a fraction of a degree, as a real mount would be. */
export function jitterCamera(spec: PolicyCameraSpec, rng: Rng, mm = 6, targetMm = 10): PolicyCameraSpec {
  const j = (v: Vec3, s: number): Vec3 => [v[0] + rng.uniform(-s, s) / 1000, v[1] + rng.uniform(-s, s) / 1000, v[2] + rng.uniform(-s, s) / 1000];
  return { ...spec, position: j(spec.position, mm), target: j(spec.target, targetMm), fov: spec.fov + rng.uniform(-1.5, 1.5) };
}
