/**
 * Policy cameras as data (no three.js here), so a policy manifest can name them. Positions are in the
 * base/world frame (m), z up; the wrist camera's pose is in the gripper link's frame.
 */
import type { Vec3 } from '../sim/math';

export interface PolicyCameraSpec {
  name: string;
  /** `fixed`: a camera on a stand; `wrist`: rides on the gripper. */
  mount: 'fixed' | 'wrist';
  position: Vec3;
  /** Point looked at (world frame for fixed, gripper frame for wrist). */
  target: Vec3;
  /** Vertical field of view (degrees). */
  fov: number;
  width: number;
  height: number;
}

export const FRONT_CAMERA: PolicyCameraSpec = {
  name: 'front',
  mount: 'fixed',
  // Across the table, facing the robot: sees the whole reachable workspace and the arm.
  position: [0.56, 0, 0.36],
  target: [0.15, 0, 0.0],
  fov: 55,
  width: 128,
  height: 128,
};

export const WRIST_CAMERA: PolicyCameraSpec = {
  name: 'wrist',
  mount: 'wrist',
  // On the side of the wrist, looking down past the fingers at the grasp point.
  position: [0.0, 0.05, -0.02],
  target: [-0.008, 0, -0.13],
  fov: 70,
  width: 128,
  height: 128,
};

export const DEFAULT_POLICY_CAMERAS: readonly PolicyCameraSpec[] = [FRONT_CAMERA, WRIST_CAMERA];
