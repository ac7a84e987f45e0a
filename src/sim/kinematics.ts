/**
 * SO-101 kinematic chain from the SO-ARM100 "new calib" URDF (see shared/SO101.md): joint angle 0 is the
 * middle of each joint's range. Angles here are radians; ./units.ts converts to LeRobot's units.
 */
import { apply3, compose, cross, dot, IDENTITY3, mul3, norm, type Pose, rotZ, rpy, sub, type Vec3 } from './math';

export const ARM_JOINTS = ['shoulder_pan', 'shoulder_lift', 'elbow_flex', 'wrist_flex', 'wrist_roll'] as const;
export const JOINT_NAMES = [...ARM_JOINTS, 'gripper'] as const;
export type JointName = (typeof JOINT_NAMES)[number];
export const NUM_ARM_JOINTS = ARM_JOINTS.length;
export const NUM_JOINTS = JOINT_NAMES.length;

export type LinkName = 'base' | 'shoulder' | 'upper_arm' | 'lower_arm' | 'wrist' | 'gripper' | 'jaw';

export interface JointSpec {
  name: JointName;
  parent: LinkName;
  child: LinkName;
  xyz: Vec3;
  rpy: Vec3;
  lower: number;
  upper: number;
}

const PI = Math.PI;
export const JOINTS: readonly JointSpec[] = [
  { name: 'shoulder_pan', parent: 'base', child: 'shoulder', xyz: [0.0388353, 0, 0.0624], rpy: [PI, 0, -PI], lower: -1.91986, upper: 1.91986 },
  { name: 'shoulder_lift', parent: 'shoulder', child: 'upper_arm', xyz: [-0.0303992, -0.0182778, -0.0542], rpy: [-PI / 2, -PI / 2, 0], lower: -1.74533, upper: 1.74533 },
  { name: 'elbow_flex', parent: 'upper_arm', child: 'lower_arm', xyz: [-0.11257, -0.028, 0], rpy: [0, 0, PI / 2], lower: -1.69, upper: 1.69 },
  { name: 'wrist_flex', parent: 'lower_arm', child: 'wrist', xyz: [-0.1349, 0.0052, 0], rpy: [0, 0, -PI / 2], lower: -1.65806, upper: 1.65806 },
  { name: 'wrist_roll', parent: 'wrist', child: 'gripper', xyz: [0, -0.0611, 0.0181], rpy: [PI / 2, 0.0486795, PI], lower: -2.74385, upper: 2.84121 },
  { name: 'gripper', parent: 'gripper', child: 'jaw', xyz: [0.0202, 0.0188, -0.0234], rpy: [PI / 2, 0, 0], lower: -0.174533, upper: 1.74533 },
];

/** The fixed tool point ("gripper_frame") in the gripper link's frame. */
export const TOOL_IN_GRIPPER: Pose = { r: rpy(0, PI, 0), p: [-0.0079, -0.000218, -0.0981274] };

const ORIGINS: Pose[] = JOINTS.map((j) => ({ r: rpy(j.rpy[0], j.rpy[1], j.rpy[2]), p: j.xyz }));

/** World poses of every link for joint angles q (length 6: five arm joints and the jaw). */
export type LinkPoses = Record<LinkName, Pose>;

export function linkPoses(q: ArrayLike<number>, base: Pose = { r: IDENTITY3, p: [0, 0, 0] }): LinkPoses {
  const out = { base } as LinkPoses;
  for (let i = 0; i < JOINTS.length; i++) {
    const j = JOINTS[i];
    const parent = out[j.parent];
    const o = compose(parent, ORIGINS[i]);
    out[j.child] = { r: mul3(o.r, rotZ(q[i] ?? 0)), p: o.p };
  }
  return out;
}

/** Tool-point pose in the base frame for the five arm joints (the jaw does not move the tool point). */
export function forwardKinematics(q: ArrayLike<number>): Pose {
  let pose: Pose = { r: IDENTITY3, p: [0, 0, 0] };
  for (let i = 0; i < NUM_ARM_JOINTS; i++) {
    pose = compose(pose, ORIGINS[i]);
    pose = { r: mul3(pose.r, rotZ(q[i])), p: pose.p };
  }
  return compose(pose, TOOL_IN_GRIPPER);
}

export function clampToLimits(q: number[]): number[] {
  return q.map((v, i) => Math.min(JOINTS[i].upper, Math.max(JOINTS[i].lower, v)));
}

export interface IkTarget {
  /** Tool point position in the base frame (m). */
  position: Vec3;
  /** Direction the gripper should point (the tool's +z), e.g. [0, 0, -1] for straight down. */
  approach?: Vec3;
  /** Yaw of the jaw's closing axis (the tool's x axis) about world z, modulo π (the jaw is symmetric enough). */
  yaw?: number;
  /** Weight of orientation errors (rad) against position errors (m): small, so position wins and the gripper tilts. */
  rotationWeight?: number;
}

export interface IkResult {
  q: number[];
  positionError: number;
  /** Angle between the achieved and the requested approach direction (rad). */
  approachError: number;
  /** Squared norm of the weighted residual that was minimised. */
  cost: number;
  iterations: number;
}

/** Wrap to (−π/2, π/2]: yaw of an axis that is the same line both ways. */
export function wrapHalfTurn(a: number): number {
  let x = a % Math.PI;
  if (x > Math.PI / 2) x -= Math.PI;
  if (x <= -Math.PI / 2) x += Math.PI;
  return x;
}

/** Yaw of the tool's x axis (the jaw's closing axis) about world z. */
export function toolYaw(pose: Pose): number {
  return Math.atan2(pose.r[3], pose.r[0]);
}

function ikResidual(target: IkTarget, q: number[]): number[] {
  const pose = forwardKinematics(q);
  const e: number[] = sub(target.position, pose.p);
  const w = target.rotationWeight ?? 0.03;
  if (target.approach) {
    const z: Vec3 = [pose.r[2], pose.r[5], pose.r[8]];
    const c = cross(z, target.approach);
    e.push(c[0] * w, c[1] * w, c[2] * w);
    // The cross product vanishes when pointing exactly away as well; penalise that side.
    e.push(Math.max(0, -dot(z, target.approach)) * w);
  }
  if (target.yaw !== undefined) e.push(wrapHalfTurn(toolYaw(pose) - target.yaw) * w);
  return e;
}

/**
 * Damped least squares (Levenberg–Marquardt) on the five arm joints with a numerical Jacobian. Joint limits
 * are enforced by clamping every iterate, so the answer is always a pose the arm can reach.
 */
export function inverseKinematics(target: IkTarget, seed: ArrayLike<number>, maxIterations = 80): IkResult {
  let q = clampToLimits(Array.from({ length: NUM_ARM_JOINTS }, (_, i) => seed[i] ?? 0));
  let r = ikResidual(target, q);
  let cost = r.reduce((s, v) => s + v * v, 0);
  let lambda = 1e-3;
  let it = 0;
  const h = 1e-6;
  for (; it < maxIterations; it++) {
    if (cost < 1e-12) break;
    const m = r.length;
    const J: number[][] = Array.from({ length: m }, () => new Array(NUM_ARM_JOINTS).fill(0));
    for (let i = 0; i < NUM_ARM_JOINTS; i++) {
      const qh = q.slice();
      qh[i] += h;
      const rh = ikResidual(target, qh);
      for (let k = 0; k < m; k++) J[k][i] = (rh[k] - r[k]) / h;
    }
    // (JᵀJ + λ·diag) dq = −Jᵀr
    const A: number[][] = Array.from({ length: NUM_ARM_JOINTS }, () => new Array(NUM_ARM_JOINTS).fill(0));
    const b = new Array(NUM_ARM_JOINTS).fill(0);
    for (let i = 0; i < NUM_ARM_JOINTS; i++) {
      for (let j = 0; j < NUM_ARM_JOINTS; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += J[k][i] * J[k][j];
        A[i][j] = s;
      }
      let s = 0;
      for (let k = 0; k < m; k++) s += J[k][i] * r[k];
      b[i] = -s;
    }
    let improved = false;
    for (let tries = 0; tries < 10; tries++) {
      const Ad = A.map((row, i) => row.map((v, j) => (i === j ? v + lambda * (v + 1e-9) : v)));
      const dq = solve(Ad, b);
      const qn = clampToLimits(q.map((v, i) => v + dq[i]));
      const rn = ikResidual(target, qn);
      const cn = rn.reduce((s, v) => s + v * v, 0);
      if (cn < cost) {
        const gain = cost - cn;
        q = qn;
        r = rn;
        cost = cn;
        lambda = Math.max(1e-9, lambda / 3);
        improved = gain > 1e-16;
        break;
      }
      lambda *= 10;
    }
    if (!improved) break;
  }
  const pose = forwardKinematics(q);
  const approachError = target.approach
    ? Math.acos(Math.min(1, Math.max(-1, dot([pose.r[2], pose.r[5], pose.r[8]], target.approach) / norm(target.approach))))
    : 0;
  return { q, positionError: norm(sub(target.position, pose.p)), approachError, cost, iterations: it };
}

/** Seeds that cover the arm's main postures: IK from each, keep the best, so one local minimum cannot trap it. */
const IK_SEEDS: readonly number[][] = [
  [0, -1.2, 1.15, 1.25, 0],
  [0, 0, 0.5, 1.0, 0],
  [0, 0.5, -0.5, 1.3, 1.5],
  [0, 0.5, -0.5, 1.3, -1.5],
  [0, -0.5, 1.0, 0.8, 1.5],
  [0, -0.5, 1.0, 0.8, -1.5],
];

/**
 * IK that tries the caller's seed (usually the current pose, so motion stays smooth) and then the standard
 * seeds until one is good, then polishes position with orientation nearly free: position has priority.
 */
export function solveIk(target: IkTarget, current: ArrayLike<number>, tolerance = 1e-4, restarts = true): IkResult {
  const pan = Math.atan2(target.position[1], target.position[0] - JOINTS[0].xyz[0]);
  let best: IkResult | null = null;
  let bestCost = Infinity;
  const score = (r: IkResult) => Math.sqrt(r.cost) + 0.001 * deviation(r.q, current);
  const seeds = [Array.from(current).slice(0, NUM_ARM_JOINTS)];
  if (restarts) seeds.push(...IK_SEEDS.map((q) => [-pan, ...q.slice(1)]));
  for (const s of seeds) {
    const r = inverseKinematics(target, s);
    const c = score(r);
    if (c < bestCost) {
      best = r;
      bestCost = c;
    }
    if (r.cost < tolerance * tolerance) break;
  }
  const b = best as IkResult;
  if (b.positionError < tolerance) return b;
  const polished = inverseKinematics({ ...target, rotationWeight: 0.002 }, b.q);
  return polished.positionError < b.positionError ? polished : b;
}

function deviation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < NUM_ARM_JOINTS; i++) s += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return s;
}

/** Gaussian elimination with partial pivoting; the systems here are 5×5. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const d = M[c][c] || 1e-12;
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / d;
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / (M[r][r] || 1e-12);
  }
  return x;
}

/** Direction the tool approaches along (its local +z) for a pose; used to aim the gripper down. */
export function toolApproach(pose: Pose): Vec3 {
  return apply3(pose.r, [0, 0, 1]);
}
