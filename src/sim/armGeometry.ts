/**
 * Collision and visual shapes of the SO-101 links, in each URDF link frame. The render layer draws these same
 * shapes, so what the camera sees is what the physics touches.
 */
import type { LinkName } from './kinematics';
import type { Vec3 } from './math';

export type LinkShape =
  | { kind: 'box'; center: Vec3; half: Vec3; role: ShapeRole }
  | { kind: 'capsule'; from: Vec3; to: Vec3; radius: number; role: ShapeRole };

/** `finger` shapes touch objects and the table; `body` shapes touch objects only. */
export type ShapeRole = 'body' | 'finger';

/** Inner face of the fixed finger, gripper frame x (m). The moving jaw closes toward it. */
export const FIXED_PAD_X = -0.022;

export const LINK_SHAPES: Record<LinkName, LinkShape[]> = {
  base: [
    { kind: 'box', center: [0.02, 0, 0.028], half: [0.05, 0.045, 0.028], role: 'body' },
    { kind: 'capsule', from: [0.0388, 0, 0.03], to: [0.0388, 0, 0.06], radius: 0.03, role: 'body' },
  ],
  shoulder: [{ kind: 'capsule', from: [0, 0, 0], to: [-0.0304, -0.0183, -0.0542], radius: 0.022, role: 'body' }],
  upper_arm: [{ kind: 'capsule', from: [0, 0, 0], to: [-0.11257, -0.028, 0], radius: 0.018, role: 'body' }],
  lower_arm: [{ kind: 'capsule', from: [0, 0, 0], to: [-0.1349, 0.0052, 0], radius: 0.016, role: 'body' }],
  wrist: [{ kind: 'capsule', from: [0, 0, 0], to: [0, -0.0611, 0.0181], radius: 0.018, role: 'body' }],
  gripper: [
    // Palm: between the wrist roll joint and the jaw hinge.
    { kind: 'box', center: [-0.002, 0.0, -0.012], half: [0.03, 0.02, 0.014], role: 'body' },
    // Fixed finger, its inner face at FIXED_PAD_X, reaching just past the tool point.
    { kind: 'box', center: [FIXED_PAD_X - 0.004, 0, -0.066], half: [0.004, 0.013, 0.038], role: 'finger' },
  ],
  // Moving jaw in the URDF jaw frame: hinge at the origin, the finger along −y, its pad facing −x.
  jaw: [{ kind: 'box', center: [-0.006, -0.048, 0.0188], half: [0.004, 0.032, 0.013], role: 'finger' }],
};
