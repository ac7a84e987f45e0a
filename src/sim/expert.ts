/**
 * The scripted expert: reads privileged state (object poses) and solves every task family with IK and a
 * grasp → lift → move → place state machine. Its output is exactly a policy's: six joint targets in LeRobot
 * units (units.ts), once per control tick.
 */
import { FIXED_PAD_X } from './armGeometry';
import { forwardKinematics, JOINTS, NUM_ARM_JOINTS, solveIk, TOOL_IN_GRIPPER, toolYaw, wrapHalfTurn } from './kinematics';
import { lerp3, norm, sub, type Vec3, yawOfQuat } from './math';
import { SIDE_REGION, SIDE_SIGN, type Task, TaskMonitor, bowlById, objectById } from './tasks';
import type { SceneSpec } from './scene';
import { radiansToAction, radiansToGripper } from './units';
import type { SimWorld } from './world';

export const EXPERT = {
  /** Free-space tool speed (m/s) and the slower speed near objects. */
  fastSpeed: 0.15,
  slowSpeed: 0.07,
  /** Tool acceleration limit (m/s²): a held object slips under sudden starts and stops. */
  accel: 0.6,
  /** Gripper commands in LeRobot units: open wide enough for a 4 cm object, closed past any object. */
  open: radiansToGripper(0.4),
  closed: 0,
  /** Carry height of the tool point (m): clears bowl rims and stacked objects. */
  carryZ: 0.075,
  /** Arrival tolerance of the measured tool point (m). */
  arriveTol: 0.005,
  /** A phase that has not arrived after this long gives up and moves on (s); a retry follows. */
  phaseTimeout: 5,
  maxAttempts: 4,
  /** A stacked object this far (m) off its base's centre while it comes down is going to land on the edge. */
  misalignTol: 0.012,
  /** …and the check starts when its bottom is this close (m) above where it would rest. */
  misalignCheckZ: 0.02,
  /** Retreats from misaligned lowerings per attempt. */
  maxRealigns: 2,
} as const;

export interface ExpertOptions {
  /**
   * The first carry of a stack aims the held object this far (m, horizontal) off the base, as a policy that
   * misjudged the base would: the lowering then sees the misalignment, goes back up and aims again. Recording
   * that shows a policy the way out of a lowering that is about to land on the base's edge.
   */
  misaim?: Vec3;
  /**
   * The first grasp goes down this far (m, horizontal) off the object, so the jaws shut on nothing or on an edge:
   * the lift comes up empty (or with the object badly held) and the expert grasps again. The recording's part
   * up to then is not for training (datagen fumble.ts); what follows shows the way out of an empty hand.
   */
  graspMiss?: Vec3;
}

const DOWN: Vec3 = [0, 0, -1];
/** A pick lifts the object's centre this far (m) above where it rested: well past the 5 cm the task asks for. */
const PICK_LIFT = 0.085;
/** A dropped object slower than this (m/s) has come to rest and can be grasped again. */
const DROP_SETTLED = 0.02;
/** An object this close (m) to the tool point, horizontally and vertically, is in the hand. */
const HOLD_REACH = 0.04;
/**
 * Taking over mid-task, the plan goes on the way the expert's own run would from the same state, so that a
 * policy trained on the takeovers learns to finish a move, not to back off and start it again:
 * - a held object within `nearDest` (m) of where it must rest (for a stack, also at least `clearance` (m) above
 *   that) is carried sideways at its height and lowered; farther or lower, it goes up to carrying height first;
 * - an empty hand within `nearGrasp` (m) of the grasp point, above it, descends from where it is.
 */
const TAKEOVER = { nearDest: 0.04, clearance: 0.005, nearGrasp: 0.02 } as const;

interface Phase {
  name: string;
  /** Tool-point goal, evaluated every tick so it can follow the object. */
  goal: () => Vec3;
  gripper: number;
  speed: number;
  /** Swing along an arc about the base (long moves) instead of a straight line (descents, pushes). */
  arc?: boolean;
  /** Wait after arriving (s), e.g. for the jaw to close. */
  settle: number;
  /** Extra condition to finish the phase. */
  until?: () => boolean;
  /** Checked every tick: true abandons the phase and the rest of the plan for `onAbort`'s. */
  abort?: () => boolean;
  onAbort?: () => Phase[];
}

/** The object is 2 cm or more off the table. */
export function isLifted(world: SimWorld, scene: SceneSpec, id: string): boolean {
  return world.objectState(id).p[2] > objectById(scene, id).height / 2 + 0.02;
}

/**
 * The object is off the table, between the jaws, and the jaws are commanded shut: someone (the expert, or a
 * policy the expert takes over from) is holding it.
 */
export function isHolding(world: SimWorld, scene: SceneSpec, id: string): boolean {
  if (!isLifted(world, scene, id)) return false;
  const p = world.objectState(id).p;
  const t = forwardKinematics(world.arm.q).p;
  return Math.hypot(p[0] - t[0], p[1] - t[1]) < HOLD_REACH && Math.abs(p[2] - t[2]) < HOLD_REACH && world.jointTargets()[NUM_ARM_JOINTS] < EXPERT.open / 2;
}

/** Where the instructed object's centre rests once the task is done: on the base's top, or on the floor of the bowl (the table's height). */
export function restPoint(world: SimWorld, scene: SceneSpec, task: Extract<Task, { family: 'place' | 'stack' }>): Vec3 {
  const h = objectById(scene, task.object).height / 2;
  if (task.family === 'place') {
    const b = bowlById(scene, task.bowl);
    return [b.x, b.y, h];
  }
  const bp = world.objectState(task.base).p;
  return [bp[0], bp[1], bp[2] + objectById(scene, task.base).height / 2 + h];
}

export class ScriptedExpert {
  private phases: Phase[] = [];
  private index = 0;
  private commanded: Vec3 | null = null;
  private speed = 0;
  private q: number[] | null = null;
  private yaw = 0;
  private phaseTime = 0;
  private settleTime = 0;
  private attempts = 0;
  private idleTime = 0;
  private realigns = 0;
  private misaim: Vec3 | null;
  private finished = false;
  private graspMiss: Vec3 | null;
  private readonly check: TaskMonitor;
  phaseName = 'start';

  constructor(
    readonly task: Task,
    readonly scene: SceneSpec,
    readonly controlHz: number,
    options: ExpertOptions = {},
  ) {
    this.check = new TaskMonitor(task, scene);
    this.misaim = options.misaim ?? null;
    this.graspMiss = options.graspMiss ?? null;
  }

  /** The next action (LeRobot units) for the world as it is now. */
  act(world: SimWorld): number[] {
    const dt = 1 / this.controlHz;
    if (!this.q) this.q = world.arm.q.slice(0, NUM_ARM_JOINTS);
    if (this.phases.length === 0 || this.index >= this.phases.length) this.onPlanEnd(world, dt);
    const current = this.phases[this.index];
    if (current.abort?.() && current.onAbort) {
      this.phases = current.onAbort();
      this.index = 0;
      this.phaseTime = 0;
      this.settleTime = 0;
    }
    const phase = this.phases[this.index];
    this.phaseName = phase.name;
    this.phaseTime += dt;

    const goal = phase.goal();
    const c0 = this.commanded ?? forwardKinematics(world.arm.q).p;
    const dist = phase.arc ? arcLength(c0, goal) : norm(sub(goal, c0));
    // Trapezoidal speed: ramp up, cruise, and brake in time to stop at the goal.
    this.speed = Math.min(phase.speed, this.speed + EXPERT.accel * dt, Math.sqrt(2 * EXPERT.accel * dist));
    const stepLen = Math.max(this.speed * dt, 1e-4);
    const t = stepLen / Math.max(dist, 1e-12);
    const c = dist <= stepLen ? goal : phase.arc ? arcLerp(c0, goal, t) : lerp3(c0, goal, t);
    this.commanded = c;
    this.q = this.ik(c, this.q);

    const measured = forwardKinematics(world.arm.q).p;
    const arrived = norm(sub(c, goal)) < 1e-6 && norm(sub(measured, goal)) < EXPERT.arriveTol;
    if (arrived && (!phase.until || phase.until())) this.settleTime += dt;
    if ((arrived && this.settleTime >= phase.settle - 1e-9 && (!phase.until || phase.until())) || this.phaseTime > EXPERT.phaseTimeout) {
      this.advance(world);
    }
    const action = radiansToAction([...this.q, 0]);
    action[NUM_ARM_JOINTS] = phase.gripper;
    return action;
  }

  private ik(p: Vec3, seed: number[]): number[] {
    const target = { position: p, approach: DOWN, yaw: this.yaw };
    const quick = solveIk(target, seed, 1e-4, false);
    if (quick.positionError < 0.002 && quick.approachError < 0.5) return quick.q;
    return solveIk(target, seed).q;
  }

  private advance(world: SimWorld): void {
    const phase = this.phases[this.index];
    this.index++;
    this.phaseTime = 0;
    this.settleTime = 0;
    // A grasp that lifted nothing starts over from the object's new pose.
    if (phase.name === 'lift' && !this.lifted(world)) this.plan(world);
  }

  /**
   * The task is done (the caller's monitor says so): drop the plan, whatever phase it was in — a retry may have
   * begun while a stack settled — and only clear the hand: a pick holds still with the object, the others lift
   * the tool straight up to above the carry height with the jaws as they are, and hold there. Never a new
   * attempt. Datagen's --tail records this, so a policy learns what follows a release.
   */
  finish(world: SimWorld): void {
    const t = this.commanded ?? forwardKinematics(world.arm.q).p;
    const pick = this.task.family === 'pick';
    const jaws = pick ? EXPERT.closed : this.task.family === 'push' ? (this.phases[this.index]?.gripper ?? EXPERT.closed) : EXPERT.open;
    const goal: Vec3 = [t[0], t[1], pick ? t[2] : Math.max(t[2], EXPERT.carryZ + 0.02)];
    this.phases = [{ name: 'clear', goal: () => goal, gripper: jaws, speed: EXPERT.slowSpeed, settle: Number.POSITIVE_INFINITY }];
    this.index = 0;
    this.phaseTime = 0;
    this.settleTime = 0;
    this.speed = 0;
    this.finished = true;
  }

  private onPlanEnd(world: SimWorld, dt: number): void {
    if (this.finished) {
      this.index = this.phases.length - 1;
      return;
    }
    if (this.phases.length === 0) {
      this.plan(world);
      return;
    }
    // Plan done: hold the last pose while the task's predicate settles; if it never does, try again.
    this.index = this.phases.length - 1;
    this.idleTime += dt;
    if (this.check.satisfied(world)) this.idleTime = 0;
    if (this.idleTime > 1.5 && this.attempts < EXPERT.maxAttempts) this.plan(world);
  }

  private lifted(world: SimWorld): boolean {
    return isLifted(world, this.scene, this.task.object);
  }

  /** The object is back down (not lifted) and still: it fell out of the hand. */
  private dropped(world: SimWorld): boolean {
    return !this.lifted(world) && norm(world.objectState(this.task.object).v) < DROP_SETTLED;
  }

  private holding(world: SimWorld): boolean {
    return isHolding(world, this.scene, this.task.object);
  }

  /** Build the phase list for the task from the object's current pose. */
  private plan(world: SimWorld): void {
    this.attempts++;
    this.index = 0;
    this.phaseTime = 0;
    this.settleTime = 0;
    this.idleTime = 0;
    this.realigns = 0;
    const task = this.task;
    const obj = objectById(this.scene, task.object);
    const objPos = (): Vec3 => world.objectState(task.object).p;
    const start = objPos();
    const graspZ = Math.max(0.012, start[2] - 0.003);
    const above = (p: Vec3, z: number): Vec3 => [p[0], p[1], z];
    const { fastSpeed: fast, slowSpeed: slow, open, closed, carryZ } = EXPERT;

    if (task.family === 'push') {
      const s = SIDE_SIGN[task.side];
      const back = (obj.size / 2) * Math.SQRT2 + 0.018;
      const pushZ = 0.016;
      this.yaw = Math.PI / 2;
      const behind = (): Vec3 => {
        const p = objPos();
        return [p[0], p[1] - s * back, pushZ];
      };
      const b0 = behind();
      const goal: Vec3 = [start[0], s * SIDE_REGION.goal - s * back, pushZ];
      this.phases = [
        { name: 'approach', goal: () => above(b0, 0.07), gripper: closed, speed: fast, settle: 0, arc: true },
        { name: 'descend', goal: () => b0, gripper: closed, speed: slow, settle: 0.1 },
        {
          name: 'push',
          // Track the object's x so it stays centred on the fingers while it slides.
          goal: () => [objPos()[0], goal[1], pushZ],
          gripper: closed,
          speed: slow,
          settle: 0.2,
        },
        { name: 'retreat', goal: () => [goal[0], goal[1] - s * 0.03, 0.08], gripper: closed, speed: slow, settle: 0 },
      ];
      return;
    }

    const phases: Phase[] = [];
    // Where the object must come to rest (its centre), for place and stack.
    let dest: Vec3 | null = null;
    if (task.family === 'place') {
      const b = bowlById(this.scene, task.bowl);
      dest = [b.x, b.y, b.height + obj.height / 2 + 0.012];
    } else if (task.family === 'stack') {
      const r = restPoint(world, this.scene, task);
      dest = [r[0], r[1], r[2] + 0.004];
    }
    const toolPose = forwardKinematics(world.arm.q);
    const tool = toolPose.p;
    // Shortcuts below are for taking over, which is always a first plan; the expert's own retries replan in full.
    const firstPlan = this.attempts === 1;
    // Where the tool holds the object relative to its centre; measured again while carrying it.
    let held: Vec3;
    // Taking over mid-task (from a policy) near the destination with the object in the hand: the carry ends here, at this height.
    let carryHeight: number | null = null;
    if (this.holding(world)) {
      // The object is already in the hand: carry on from here rather than open the jaws and grasp it again, the
      // way the expert's own run would go on from this state.
      this.yaw = toolYaw(toolPose);
      held = sub(tool, start);
      // A stacked object must clear the base's top before it moves over it; inside a bowl's rim it may move low.
      const clear = dest !== null && (task.family === 'place' || start[2] - dest[2] > TAKEOVER.clearance);
      if (firstPlan && dest !== null && clear && Math.hypot(start[0] - dest[0], start[1] - dest[1]) < TAKEOVER.nearDest) {
        // Already coming down over the destination: correct sideways at this height, then lower.
        carryHeight = tool[2];
      } else {
        const liftZ = task.family === 'pick' ? tool[2] + Math.max(0, obj.height / 2 + PICK_LIFT - start[2]) : Math.max(carryZ, tool[2]);
        phases.push({ name: 'lift', goal: () => [tool[0], tool[1], liftZ], gripper: closed, speed: slow, settle: 0.1 });
      }
    } else {
      this.yaw = this.graspYaw(world, start);
      const offset = this.graspOffset(world, [start[0], start[1], graspZ], obj.size);
      // Only the first grasp misses on purpose.
      const miss = this.graspMiss ?? [0, 0, 0];
      this.graspMiss = null;
      const grasp: Vec3 = [start[0] + offset[0] + miss[0], start[1] + offset[1] + miss[1], graspZ];
      held = [offset[0], offset[1], graspZ - start[2]];
      // Already coming down over the object (a policy's descent): go on down from here, no new hover.
      const descending = firstPlan && Math.hypot(tool[0] - grasp[0], tool[1] - grasp[1]) < TAKEOVER.nearGrasp && tool[2] >= graspZ && tool[2] <= graspZ + 0.08;
      if (!descending) phases.push({ name: 'approach', goal: () => above(grasp, graspZ + 0.07), gripper: open, speed: fast, settle: 0, arc: true });
      phases.push(
        { name: 'descend', goal: () => grasp, gripper: open, speed: slow, settle: 0.1 },
        { name: 'close', goal: () => grasp, gripper: closed, speed: slow, settle: 0.5 },
        // Pick tasks lift well past the 5 cm the task asks for, so a little slip in the hand cannot fail it.
        { name: 'lift', goal: () => above(grasp, task.family === 'pick' ? graspZ + PICK_LIFT : carryZ), gripper: closed, speed: slow, settle: 0.1 },
      );
    }
    if (dest !== null) {
      const to = dest;
      // Aim the object, not the tool: where it sits in the hand is measured while carrying it.
      const inHand = (): Vec3 => {
        const p = objPos();
        const t = forwardKinematics(world.arm.q).p;
        return [t[0] - p[0], t[1] - p[1], t[2] - p[2]];
      };
      const releaseZ = (): number => to[2] + held[2];
      // A stack coming down with the object (still held) off the base's centre: about to land on its edge. (A bowl
      // is wide enough not to need it.)
      const misaligned = (): boolean => {
        if (task.family !== 'stack' || !this.lifted(world)) return false;
        const p = objPos();
        return p[2] - to[2] < EXPERT.misalignCheckZ && Math.hypot(p[0] - to[0], p[1] - to[1]) > EXPERT.misalignTol;
      };
      const placing = (aim: Vec3, height: number | null = null): Phase[] => {
        const release = (z: number): Vec3 => [aim[0] + held[0], aim[1] + held[1], z];
        return [
          {
            name: 'carry',
            goal: () => {
              held = inHand();
              return release(height ?? carryZ);
            },
            gripper: closed,
            speed: height === null ? fast : slow,
            settle: 0.1,
            arc: height === null,
            // Dropped on the way (a slipping grasp, or jaws opened by mistake): once it lies still, grasp it again
            // from where it fell rather than carry an empty hand over the destination.
            abort: () => this.dropped(world),
            onAbort: () => {
              this.plan(world);
              return this.phases;
            },
          },
          {
            name: 'lower',
            goal: () => release(releaseZ()),
            gripper: closed,
            speed: slow,
            settle: 0.2,
            abort: () => this.realigns < EXPERT.maxRealigns && misaligned(),
            onAbort: () => {
              this.realigns++;
              // Straight back up where it is, then a fresh carry over the base's centre.
              const t = forwardKinematics(world.arm.q).p;
              return [{ name: 'realign', goal: () => [t[0], t[1], carryZ], gripper: closed, speed: slow, settle: 0.1 }, ...placing(to)];
            },
          },
          { name: 'release', goal: () => release(releaseZ()), gripper: open, speed: slow, settle: 0.4 },
          { name: 'retreat', goal: () => release(carryZ + 0.02), gripper: open, speed: slow, settle: 0 },
        ];
      };
      const misaim = task.family === 'stack' ? this.misaim : null;
      // Only the first attempt misjudges the base.
      this.misaim = null;
      phases.push(...placing(misaim ? [to[0] + misaim[0], to[1] + misaim[1], to[2]] : to, carryHeight));
    }
    this.phases = phases;
  }

  /**
   * The tool point sits off-centre between the jaws: the fixed finger is closer to it than the moving one.
   * Offset the tool so the object's centre lands where the pads meet it, a few mm clear of the fixed finger.
   */
  private graspOffset(world: SimWorld, center: Vec3, width: number): Vec3 {
    const q = solveIk({ position: center, approach: DOWN, yaw: this.yaw }, world.arm.q.slice(0, NUM_ARM_JOINTS)).q;
    const r = forwardKinematics(q).r;
    // The gripper's x axis is minus the tool's x axis (the tool frame is the gripper frame turned by π about y).
    const gripperX: Vec3 = [-r[0], -r[3], 0];
    const along = TOOL_IN_GRIPPER.p[0] - (FIXED_PAD_X + width / 2 + 0.004);
    return [gripperX[0] * along, gripperX[1] * along, 0];
  }

  /** Jaw closing axis across two cube faces (any for a cylinder), nearest the arm's natural wrist roll. */
  private graspYaw(world: SimWorld, p: Vec3): number {
    const natural = solveIk({ position: p, approach: DOWN }, world.arm.q.slice(0, NUM_ARM_JOINTS));
    const naturalYaw = toolYaw(forwardKinematics(natural.q));
    const obj = objectById(this.scene, this.task.object);
    if (obj.shape !== 'cube') return naturalYaw;
    const faceYaw = yawOfQuat(world.objectState(this.task.object).q);
    const quarter = Math.PI / 2;
    const k = Math.round(wrapHalfTurn(naturalYaw - faceYaw) / quarter);
    return faceYaw + k * quarter;
  }
}

/** Moves go along arcs about the shoulder pan axis, so a long carry swings around the base instead of across it. */
const PAN_AXIS = { x: JOINTS[0].xyz[0], y: JOINTS[0].xyz[1] };
function toCylindrical(p: Vec3): Vec3 {
  return [Math.hypot(p[0] - PAN_AXIS.x, p[1] - PAN_AXIS.y), Math.atan2(p[1] - PAN_AXIS.y, p[0] - PAN_AXIS.x), p[2]];
}
function arcLength(a: Vec3, b: Vec3): number {
  const ca = toCylindrical(a);
  const cb = toCylindrical(b);
  const r = (ca[0] + cb[0]) / 2;
  return Math.hypot(cb[0] - ca[0], r * (cb[1] - ca[1]), cb[2] - ca[2]);
}
function arcLerp(a: Vec3, b: Vec3, t: number): Vec3 {
  const ca = toCylindrical(a);
  const cb = toCylindrical(b);
  const r = ca[0] + (cb[0] - ca[0]) * t;
  const phi = ca[1] + (cb[1] - ca[1]) * t;
  return [PAN_AXIS.x + r * Math.cos(phi), PAN_AXIS.y + r * Math.sin(phi), ca[2] + (cb[2] - ca[2]) * t];
}
