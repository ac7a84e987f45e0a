/**
 * The one place that fixes action and state units. Actions and observations use LeRobot's calibrated units
 * for the SO-101 follower:
 * - body joints (shoulder_pan … wrist_roll): mode `degrees`, LeRobot's default for this arm since early 2026.
 *   Calibrated degrees are centred on the middle of each joint's range, the same zero as the URDF "new calib",
 *   so degrees = radians · 180/π with the URDF's sign.
 * - gripper: mode `range_0_100`, 0 = closed (the jaw's lower limit) … 100 = open (its upper limit), linear in angle.
 */
import { JOINTS, NUM_ARM_JOINTS, NUM_JOINTS } from './kinematics';

export const UNITS = {
  body: 'degrees',
  gripper: 'range_0_100',
} as const;

/** Feature names as LeRobot writes them (`observation.state` / `action` names). */
export const ACTION_NAMES = [
  'shoulder_pan.pos',
  'shoulder_lift.pos',
  'elbow_flex.pos',
  'wrist_flex.pos',
  'wrist_roll.pos',
  'gripper.pos',
] as const;

const RAD2DEG = 180 / Math.PI;
const JAW = JOINTS[NUM_ARM_JOINTS];

export function gripperToRadians(g: number): number {
  return JAW.lower + (Math.min(100, Math.max(0, g)) / 100) * (JAW.upper - JAW.lower);
}
export function radiansToGripper(rad: number): number {
  return ((rad - JAW.lower) / (JAW.upper - JAW.lower)) * 100;
}

/** Joint angles in radians (length 6) → LeRobot units. */
export function radiansToAction(q: ArrayLike<number>): number[] {
  const out = new Array<number>(NUM_JOINTS);
  for (let i = 0; i < NUM_ARM_JOINTS; i++) out[i] = q[i] * RAD2DEG;
  out[NUM_ARM_JOINTS] = radiansToGripper(q[NUM_ARM_JOINTS]);
  return out;
}
/** LeRobot units (length 6) → joint angles in radians. */
export function actionToRadians(a: ArrayLike<number>): number[] {
  const out = new Array<number>(NUM_JOINTS);
  for (let i = 0; i < NUM_ARM_JOINTS; i++) out[i] = a[i] / RAD2DEG;
  out[NUM_ARM_JOINTS] = gripperToRadians(a[NUM_ARM_JOINTS]);
  return out;
}

/** Limits of each action dimension in LeRobot units, from the URDF limits. */
export const ACTION_LOW: readonly number[] = JOINTS.map((j, i) => (i < NUM_ARM_JOINTS ? j.lower * RAD2DEG : 0));
export const ACTION_HIGH: readonly number[] = JOINTS.map((j, i) => (i < NUM_ARM_JOINTS ? j.upper * RAD2DEG : 100));
