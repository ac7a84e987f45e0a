/**
 * Keyboard teleoperation as pure logic: the set of held keys → the next joint targets. Joint jog moves one
 * joint per key pair; Cartesian jog moves the tool point through IK and keeps the gripper's orientation.
 */
import { forwardKinematics, NUM_ARM_JOINTS, solveIk, toolYaw } from '../sim/kinematics';
import type { Vec3 } from '../sim/math';
import { ACTION_HIGH, ACTION_LOW, actionToRadians, radiansToAction } from '../sim/units';

/** Key → [joint index, direction]. Lower-case `KeyboardEvent.key` values. */
export const JOINT_KEYS: Record<string, [number, 1 | -1]> = {
  q: [0, 1], a: [0, -1],
  w: [1, 1], s: [1, -1],
  e: [2, 1], d: [2, -1],
  r: [3, 1], f: [3, -1],
  t: [4, 1], g: [4, -1],
  y: [5, 1], h: [5, -1],
};

/** Key → tool-point direction in the base frame (x forward, y left, z up). */
export const CARTESIAN_KEYS: Record<string, Vec3> = {
  i: [1, 0, 0], k: [-1, 0, 0],
  j: [0, 1, 0], l: [0, -1, 0],
  u: [0, 0, 1], o: [0, 0, -1],
};

export const TELEOP_HELP: readonly [string, string][] = [
  ['Q / A', 'shoulder pan'],
  ['W / S', 'shoulder lift'],
  ['E / D', 'elbow flex'],
  ['R / F', 'wrist flex'],
  ['T / G', 'wrist roll'],
  ['Y / H', 'gripper open / close'],
  ['I / K', 'tool forward / back'],
  ['J / L', 'tool left / right'],
  ['U / O', 'tool up / down'],
];

export const TELEOP_RATES = {
  /** Joint jog speed (deg/s), and the gripper's (units/s). */
  joint: 45,
  gripper: 80,
  /** Cartesian jog speed (m/s). */
  cartesian: 0.08,
} as const;

export function isTeleopKey(key: string): boolean {
  return key in JOINT_KEYS || key in CARTESIAN_KEYS;
}

/**
 * Next action (LeRobot units) from the current targets and the held keys, for a tick of dt seconds. Keys held
 * as a map carry a strength in [0, 1] (a gamepad stick half over moves at half speed); a set means full speed.
 */
export function teleopStep(targets: readonly number[], keys: ReadonlySet<string> | ReadonlyMap<string, number>, dt: number): number[] {
  const held: [string, number][] = keys instanceof Map ? [...keys] : [...keys].map((k) => [k, 1]);
  const next = targets.slice();
  for (const [k, strength] of held) {
    const j = JOINT_KEYS[k];
    if (!j) continue;
    const rate = j[0] === NUM_ARM_JOINTS ? TELEOP_RATES.gripper : TELEOP_RATES.joint;
    next[j[0]] = Math.min(ACTION_HIGH[j[0]], Math.max(ACTION_LOW[j[0]], next[j[0]] + j[1] * rate * strength * dt));
  }
  const move: Vec3 = [0, 0, 0];
  for (const [k, strength] of held) {
    const d = CARTESIAN_KEYS[k];
    if (d) for (let i = 0; i < 3; i++) move[i] += d[i] * strength;
  }
  if (move[0] !== 0 || move[1] !== 0 || move[2] !== 0) {
    const q = actionToRadians(next).slice(0, NUM_ARM_JOINTS);
    const pose = forwardKinematics(q);
    const step = TELEOP_RATES.cartesian * dt;
    const position: Vec3 = [pose.p[0] + move[0] * step, pose.p[1] + move[1] * step, Math.max(0.005, pose.p[2] + move[2] * step)];
    const approach: Vec3 = [pose.r[2], pose.r[5], pose.r[8]];
    const ik = solveIk({ position, approach, yaw: toolYaw(pose) }, q, 1e-4, false);
    // Out of reach: stay put rather than lurch to a compromise pose.
    if (ik.positionError < 0.003) {
      const a = radiansToAction([...ik.q, 0]);
      for (let i = 0; i < NUM_ARM_JOINTS; i++) next[i] = a[i];
    }
  }
  return next;
}
