/** Small dense 3D math for the simulator: plain arrays, no allocation-heavy classes, runs anywhere. */

export type Vec3 = [number, number, number];
/** Row-major 3×3 rotation matrix. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];
/** Rigid transform: rotation then translation. */
export interface Pose {
  r: Mat3;
  p: Vec3;
}
/** Unit quaternion, Rapier's component order. */
export interface Quat {
  x: number;
  y: number;
  z: number;
  w: number;
}

export const IDENTITY3: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function rotX(a: number): Mat3 {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [1, 0, 0, 0, c, -s, 0, s, c];
}
export function rotY(a: number): Mat3 {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c, 0, s, 0, 1, 0, -s, 0, c];
}
export function rotZ(a: number): Mat3 {
  const c = Math.cos(a);
  const s = Math.sin(a);
  return [c, -s, 0, s, c, 0, 0, 0, 1];
}

export function mul3(a: Mat3, b: Mat3): Mat3 {
  const o = new Array(9) as Mat3;
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      o[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
    }
  }
  return o;
}
export function transpose3(a: Mat3): Mat3 {
  return [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];
}
export function apply3(a: Mat3, v: Vec3): Vec3 {
  return [
    a[0] * v[0] + a[1] * v[1] + a[2] * v[2],
    a[3] * v[0] + a[4] * v[1] + a[5] * v[2],
    a[6] * v[0] + a[7] * v[1] + a[8] * v[2],
  ];
}
/** URDF fixed-axis roll-pitch-yaw: R = Rz(yaw)·Ry(pitch)·Rx(roll). */
export function rpy(roll: number, pitch: number, yaw: number): Mat3 {
  return mul3(rotZ(yaw), mul3(rotY(pitch), rotX(roll)));
}

export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}
export function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
export function scale(a: Vec3, s: number): Vec3 {
  return [a[0] * s, a[1] * s, a[2] * s];
}
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}
export function norm(a: Vec3): number {
  return Math.hypot(a[0], a[1], a[2]);
}
export function lerp3(a: Vec3, b: Vec3, t: number): Vec3 {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function compose(a: Pose, b: Pose): Pose {
  return { r: mul3(a.r, b.r), p: add(apply3(a.r, b.p), a.p) };
}
export function transformPoint(a: Pose, v: Vec3): Vec3 {
  return add(apply3(a.r, v), a.p);
}

/** Rotation vector (axis·angle) of R, the log map of SO(3). */
export function rotationVector(r: Mat3): Vec3 {
  const cos = Math.min(1, Math.max(-1, (r[0] + r[4] + r[8] - 1) / 2));
  const angle = Math.acos(cos);
  const v: Vec3 = [r[7] - r[5], r[2] - r[6], r[3] - r[1]];
  if (angle < 1e-6) return scale(v, 0.5);
  if (Math.PI - angle < 1e-4) {
    // Near π the antisymmetric part vanishes: recover the axis from the diagonal.
    const x = Math.sqrt(Math.max(0, (r[0] + 1) / 2));
    const y = Math.sqrt(Math.max(0, (r[4] + 1) / 2)) * (r[1] + r[3] >= 0 ? 1 : -1);
    const z = Math.sqrt(Math.max(0, (r[8] + 1) / 2)) * (r[2] + r[6] >= 0 ? 1 : -1);
    return scale([x, y, z], angle);
  }
  return scale(v, angle / (2 * Math.sin(angle)));
}

export function matToQuat(m: Mat3): Quat {
  const tr = m[0] + m[4] + m[8];
  if (tr > 0) {
    const s = Math.sqrt(tr + 1) * 2;
    return { w: s / 4, x: (m[7] - m[5]) / s, y: (m[2] - m[6]) / s, z: (m[3] - m[1]) / s };
  }
  if (m[0] > m[4] && m[0] > m[8]) {
    const s = Math.sqrt(1 + m[0] - m[4] - m[8]) * 2;
    return { w: (m[7] - m[5]) / s, x: s / 4, y: (m[1] + m[3]) / s, z: (m[2] + m[6]) / s };
  }
  if (m[4] > m[8]) {
    const s = Math.sqrt(1 + m[4] - m[0] - m[8]) * 2;
    return { w: (m[2] - m[6]) / s, x: (m[1] + m[3]) / s, y: s / 4, z: (m[5] + m[7]) / s };
  }
  const s = Math.sqrt(1 + m[8] - m[0] - m[4]) * 2;
  return { w: (m[3] - m[1]) / s, x: (m[2] + m[6]) / s, y: (m[5] + m[7]) / s, z: s / 4 };
}

export function quatToMat(q: Quat): Mat3 {
  const { x, y, z, w } = q;
  return [
    1 - 2 * (y * y + z * z),
    2 * (x * y - z * w),
    2 * (x * z + y * w),
    2 * (x * y + z * w),
    1 - 2 * (x * x + z * z),
    2 * (y * z - x * w),
    2 * (x * z - y * w),
    2 * (y * z + x * w),
    1 - 2 * (x * x + y * y),
  ];
}

export function yawOfQuat(q: Quat): number {
  return Math.atan2(2 * (q.w * q.z + q.x * q.y), 1 - 2 * (q.y * q.y + q.z * q.z));
}

export function wrapAngle(a: number): number {
  return Math.atan2(Math.sin(a), Math.cos(a));
}
