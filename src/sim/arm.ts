/**
 * The simulated SO-101 in Rapier. Arm links are kinematic bodies posed from forward kinematics of a servo
 * model (position control with a speed limit, within the joint limits): infinitely stiff like a geared servo
 * that holds its pose. The jaw is a dynamic body on a force-limited revolute motor, so grasping is contact and
 * friction only; nothing is ever attached to the gripper.
 */
import { LINK_SHAPES, type LinkShape } from './armGeometry';
import { JOINTS, type LinkName, type LinkPoses, linkPoses, NUM_ARM_JOINTS, NUM_JOINTS } from './kinematics';
import { apply3, compose, IDENTITY3, type Mat3, matToQuat, mul3, type Pose, quatToMat, rotationVector, rpy, sub, transpose3, type Vec3 } from './math';
import type { Rapier } from './rapier';
import { COLLISION } from './collision';
import type RAPIER_NS from '@dimforge/rapier3d-compat';

type World = RAPIER_NS.World;
type RigidBody = RAPIER_NS.RigidBody;

export const ARM_SERVO = {
  /** Proportional gain of the servo model (1/s): a 35 ms time constant, like a loaded STS3215. */
  gain: 28,
  /** Speed limit (rad/s): the STS3215's no-load speed at 7.4 V is about 4.7 rad/s; loaded arms move slower. */
  maxSpeed: 3.0,
} as const;

export const JAW_MOTOR = {
  /** Soft position spring (N·m/rad) and its damping: with the force cap this is a squeeze, not a vice. */
  stiffness: 5,
  damping: 0.2,
  /** Torque cap (N·m): about 3 N at the pads, enough to hold a 50 g object through a brisk carry. */
  maxTorque: 0.25,
  /** A jaw lighter than ~50 g lets the held cube slip. */
  mass: 0.06,
} as const;

const LINKS_KINEMATIC: LinkName[] = ['shoulder', 'upper_arm', 'lower_arm', 'wrist', 'gripper'];
const JAW_SPEC = JOINTS[NUM_ARM_JOINTS];
const JAW_ORIGIN = rpy(JAW_SPEC.rpy[0], JAW_SPEC.rpy[1], JAW_SPEC.rpy[2]);
/** The jaw hinge axis in the gripper frame. */
const JAW_AXIS: Vec3 = apply3(JAW_ORIGIN, [0, 0, 1]);

export class SimArm {
  /** Servo positions of the five arm joints (rad). */
  readonly q: number[];
  /** Commanded targets: five arm joints and the jaw (rad). */
  readonly target: number[];
  readonly bodies: Partial<Record<LinkName, RigidBody>> = {};
  readonly fingerColliders: number[] = [];
  private readonly jawJoint: RAPIER_NS.RevoluteImpulseJoint;
  private readonly base: Pose;

  constructor(
    private readonly R: Rapier,
    private readonly world: World,
    initialQ: readonly number[],
    base: Pose = { r: IDENTITY3, p: [0, 0, 0] },
  ) {
    this.base = base;
    this.q = initialQ.slice(0, NUM_ARM_JOINTS);
    this.target = initialQ.slice(0, NUM_JOINTS);
    const poses = linkPoses([...this.q, initialQ[NUM_ARM_JOINTS]], base);

    const baseBody = world.createRigidBody(this.poseDesc(R.RigidBodyDesc.fixed(), poses.base));
    this.bodies.base = baseBody;
    this.addShapes(baseBody, LINK_SHAPES.base, IDENTITY3);
    for (const link of LINKS_KINEMATIC) {
      const body = world.createRigidBody(this.poseDesc(R.RigidBodyDesc.kinematicPositionBased(), poses[link]));
      this.bodies[link] = body;
      this.addShapes(body, LINK_SHAPES[link], IDENTITY3);
    }
    // The jaw body keeps the gripper's orientation at jaw angle 0, so Rapier's joint angle is the URDF angle.
    const g = poses.gripper;
    const hinge = compose(g, { r: IDENTITY3, p: JAW_SPEC.xyz });
    const jawRot = rotateAbout(g.r, JAW_AXIS, initialQ[NUM_ARM_JOINTS]);
    const jaw = world.createRigidBody(
      this.poseDesc(R.RigidBodyDesc.dynamic().setGravityScale(0).setCanSleep(false).setAngularDamping(1), {
        r: jawRot,
        p: hinge.p,
      }),
    );
    this.bodies.jaw = jaw;
    this.addShapes(jaw, LINK_SHAPES.jaw, JAW_ORIGIN, JAW_MOTOR.mass);
    const data = R.JointData.revolute(
      { x: JAW_SPEC.xyz[0], y: JAW_SPEC.xyz[1], z: JAW_SPEC.xyz[2] },
      { x: 0, y: 0, z: 0 },
      { x: JAW_AXIS[0], y: JAW_AXIS[1], z: JAW_AXIS[2] },
    );
    const joint = world.createImpulseJoint(data, this.bodies.gripper as RigidBody, jaw, true) as RAPIER_NS.RevoluteImpulseJoint;
    joint.setContactsEnabled(false);
    joint.setLimits(JAW_SPEC.lower, JAW_SPEC.upper);
    joint.configureMotorModel(R.MotorModel.ForceBased);
    joint.setMotorMaxForce?.(JAW_MOTOR.maxTorque);
    this.jawJoint = joint;
    this.applyJawTarget();
  }

  /** Set all six targets (rad); arm targets are clamped to the joint limits, as the servos' own limits do. */
  setTargets(t: ArrayLike<number>): void {
    for (let i = 0; i < NUM_JOINTS; i++) {
      const v = t[i];
      if (!Number.isFinite(v)) continue;
      this.target[i] = Math.min(JOINTS[i].upper, Math.max(JOINTS[i].lower, v));
    }
    this.applyJawTarget();
  }

  /** Advance the servo model by dt and pose the kinematic links for the coming physics step. */
  prePhysics(dt: number): void {
    const vmax = ARM_SERVO.maxSpeed * dt;
    for (let i = 0; i < NUM_ARM_JOINTS; i++) {
      const step = Math.max(-vmax, Math.min(vmax, (this.target[i] - this.q[i]) * Math.min(1, ARM_SERVO.gain * dt)));
      this.q[i] += step;
    }
    const poses = linkPoses([...this.q, 0], this.base);
    for (const link of LINKS_KINEMATIC) {
      const body = this.bodies[link] as RigidBody;
      const p = poses[link];
      body.setNextKinematicTranslation({ x: p.p[0], y: p.p[1], z: p.p[2] });
      body.setNextKinematicRotation(matToQuat(p.r));
    }
  }

  /** The jaw's measured angle (rad), from the bodies' relative rotation about the hinge axis. */
  jawAngle(): number {
    const g = this.bodies.gripper as RigidBody;
    const j = this.bodies.jaw as RigidBody;
    const rel = mul3(transpose3(quatToMat(g.rotation())), quatToMat(j.rotation()));
    const v = rotationVector(rel);
    return v[0] * JAW_AXIS[0] + v[1] * JAW_AXIS[1] + v[2] * JAW_AXIS[2];
  }

  /** Measured joint positions (rad): the servo positions and the jaw's real angle. */
  positions(): number[] {
    return [...this.q, this.jawAngle()];
  }

  /** Current link poses as the physics has them (for rendering). */
  currentLinkPoses(): LinkPoses {
    const out = {} as LinkPoses;
    for (const [name, body] of Object.entries(this.bodies) as [LinkName, RigidBody][]) {
      const t = body.translation();
      out[name] = { r: quatToMat(body.rotation()), p: [t.x, t.y, t.z] };
    }
    return out;
  }

  private applyJawTarget(): void {
    this.jawJoint.configureMotorPosition(this.target[NUM_ARM_JOINTS], JAW_MOTOR.stiffness, JAW_MOTOR.damping);
  }

  private poseDesc(desc: RAPIER_NS.RigidBodyDesc, pose: Pose): RAPIER_NS.RigidBodyDesc {
    return desc.setTranslation(pose.p[0], pose.p[1], pose.p[2]).setRotation(matToQuat(pose.r));
  }

  /** Shapes are given in a frame rotated by `frame` relative to the body (identity except for the jaw). */
  private addShapes(body: RigidBody, shapes: LinkShape[], frame: Mat3, mass?: number): void {
    const R = this.R;
    const rot = (v: Vec3): Vec3 => apply3(frame, v);
    const each = mass !== undefined ? mass / shapes.length : undefined;
    for (const s of shapes) {
      let desc: RAPIER_NS.ColliderDesc;
      if (s.kind === 'box') {
        const c = rot(s.center);
        desc = R.ColliderDesc.cuboid(s.half[0], s.half[1], s.half[2])
          .setTranslation(c[0], c[1], c[2])
          .setRotation(matToQuat(frame));
      } else {
        const a = rot(s.from);
        const b = rot(s.to);
        const d = sub(b, a);
        const len = Math.hypot(d[0], d[1], d[2]);
        const c: Vec3 = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2];
        desc = R.ColliderDesc.capsule(len / 2, s.radius).setTranslation(c[0], c[1], c[2]).setRotation(yToDirection(d));
      }
      const groups = s.role === 'finger' ? COLLISION.finger : COLLISION.armBody;
      desc.setCollisionGroups(groups).setFriction(1.0);
      if (each !== undefined) desc.setMass(each);
      const collider = this.world.createCollider(desc, body);
      if (s.role === 'finger') this.fingerColliders.push(collider.handle);
    }
  }
}

/** Rotation r followed by a rotation of angle a about axis (in r's frame). */
function rotateAbout(r: Mat3, axis: Vec3, a: number): Mat3 {
  const [x, y, z] = axis;
  const c = Math.cos(a);
  const s = Math.sin(a);
  const t = 1 - c;
  const m: Mat3 = [
    t * x * x + c, t * x * y - s * z, t * x * z + s * y,
    t * x * y + s * z, t * y * y + c, t * y * z - s * x,
    t * x * z - s * y, t * y * z + s * x, t * z * z + c,
  ];
  return mul3(r, m);
}

/** Quaternion turning +y onto direction d (Rapier capsules lie along y). */
function yToDirection(d: Vec3): { x: number; y: number; z: number; w: number } {
  const n = Math.hypot(d[0], d[1], d[2]) || 1;
  const u: Vec3 = [d[0] / n, d[1] / n, d[2] / n];
  const dotY = u[1];
  if (dotY < -0.999999) return { x: 1, y: 0, z: 0, w: 0 };
  // axis = y × u
  const ax = u[2];
  const az = -u[0];
  const w = 1 + dotY;
  const len = Math.hypot(ax, az, w);
  return { x: ax / len, y: 0, z: az / len, w: w / len };
}
