/**
 * Task families, their natural-language templates, seeded sampling, and success predicates computed from sim
 * state only. Four families: pick up X, put X in bowl Y, push X to a side, stack X on Y.
 */
import { Rng } from './rng';
import { type BowlSpec, describeBowl, describeObject, generateScene, type ObjectSpec, type SceneSpec } from './scene';
import type { SimWorld } from './world';

export const TASK_FAMILIES = ['pick', 'place', 'push', 'stack'] as const;
export type TaskFamily = (typeof TASK_FAMILIES)[number];
export const SIDES = ['left', 'right'] as const;
export type Side = (typeof SIDES)[number];

export type Task =
  | { family: 'pick'; object: string }
  | { family: 'place'; object: string; bowl: string }
  | { family: 'push'; object: string; side: Side }
  | { family: 'stack'; object: string; base: string };

/** Sides as the robot sees them (it faces +x, so its left is +y); the default viewer stands behind it. */
export const SIDE_REGION = {
  /** An object is "on the left" when its centre is past this y (m). */
  boundary: 0.12,
  /** Where the expert aims a pushed object's centre (m). */
  goal: 0.15,
} as const;
export const SIDE_SIGN: Record<Side, 1 | -1> = { left: 1, right: -1 };

/** Episode time limits per family (s of sim time). */
export const TIME_LIMIT: Record<TaskFamily, number> = { pick: 15, place: 20, push: 20, stack: 20 };

export const TEMPLATES: Record<TaskFamily, readonly string[]> = {
  pick: ['pick up the {object}', 'lift the {object}', 'grab the {object} and lift it', 'raise the {object}', 'pick the {object} up'],
  place: ['put the {object} in the {bowl}', 'place the {object} into the {bowl}', 'drop the {object} in the {bowl}', 'move the {object} into the {bowl}'],
  push: ['push the {object} to the {side}', 'slide the {object} to the {side}', 'push the {object} {side}', 'shove the {object} to the {side} side'],
  stack: ['stack the {object} on the {base}', 'put the {object} on top of the {base}', 'place the {object} on the {base}', 'stack the {object} on top of the {base}'],
};

export function objectById(scene: SceneSpec, id: string): ObjectSpec {
  const o = scene.objects.find((x) => x.id === id);
  if (!o) throw new Error(`no object ${id}`);
  return o;
}
export function bowlById(scene: SceneSpec, id: string): BowlSpec {
  const b = scene.bowls.find((x) => x.id === id);
  if (!b) throw new Error(`no bowl ${id}`);
  return b;
}

/** The instruction for a task, in the first (or a chosen) phrasing of its family. */
export function describeTask(task: Task, scene: SceneSpec, phrasing = 0): string {
  const t = TEMPLATES[task.family];
  const template = t[((phrasing % t.length) + t.length) % t.length];
  const object = describeObject(objectById(scene, task.object));
  return template
    .replace('{object}', object)
    .replace('{bowl}', task.family === 'place' ? describeBowl(bowlById(scene, task.bowl)) : '')
    .replace('{side}', task.family === 'push' ? task.side : '')
    .replace('{base}', task.family === 'stack' ? describeObject(objectById(scene, task.base)) : '');
}

/** Can the expert push this object to this side: goal within reach and no bowl in the way? */
function pushFeasible(scene: SceneSpec, o: ObjectSpec, side: Side): boolean {
  const s = SIDE_SIGN[side];
  if (s * o.y > SIDE_REGION.boundary - 0.05) return false;
  const goal = { x: o.x, y: s * SIDE_REGION.goal };
  const start = { x: o.x, y: o.y - s * 0.04 };
  if (Math.hypot(goal.x, goal.y) > 0.265 || Math.hypot(start.x, start.y) < 0.13) return false;
  // Keep the swept corridor (object and fingers) clear of bowls.
  const lo = Math.min(start.y, goal.y);
  const hi = Math.max(start.y, goal.y);
  for (const b of scene.bowls) {
    const outer = b.radius + b.wall + 0.03;
    const dy = b.y < lo ? lo - b.y : b.y > hi ? b.y - hi : 0;
    if (Math.hypot(b.x - o.x, dy) < outer + o.size) return false;
  }
  return true;
}

/** All tasks of a family that make sense in a scene (and that the expert can do). */
export function candidateTasks(scene: SceneSpec, family: TaskFamily): Task[] {
  const out: Task[] = [];
  for (const o of scene.objects) {
    if (family === 'pick') out.push({ family, object: o.id });
    if (family === 'place') for (const b of scene.bowls) out.push({ family, object: o.id, bowl: b.id });
    if (family === 'push') for (const side of SIDES) if (pushFeasible(scene, o, side)) out.push({ family, object: o.id, side });
    if (family === 'stack')
      for (const b of scene.objects) if (b.id !== o.id && b.size >= o.size - 0.004) out.push({ family, object: o.id, base: b.id });
  }
  return out;
}

/** Seeds from here up are held out for evaluation: data generation refuses them. */
export const EVAL_SEED_START = 1_000_000;

export interface Episode {
  seed: number;
  scene: SceneSpec;
  task: Task;
  instruction: string;
}

/**
 * The episode for a seed: its layout, a task of the family (the seed picks one when none is given) and its
 * instruction. A layout with no feasible task of the family is redrawn from a derived seed, deterministically.
 */
export function generateEpisode(seed: number, family?: TaskFamily): Episode {
  const rng = new Rng(seed, 0x7a5c);
  const fam = family ?? rng.pick(TASK_FAMILIES);
  for (let k = 0; k < 100; k++) {
    const scene = generateScene(seed, {}, k);
    const tasks = candidateTasks(scene, fam);
    if (tasks.length === 0) continue;
    const task = rng.pick(tasks);
    return { seed, scene, task, instruction: describeTask(task, scene, rng.int(0, 99)) };
  }
  throw new Error(`no ${fam} task for seed ${seed}`);
}

export type TaskStatus = 'running' | 'success';

/** Tracks a task's success predicate over time; call `update` once per control tick. */
export class TaskMonitor {
  private heldFor = 0;
  private readonly restZ: number;
  status: TaskStatus = 'running';
  successTime: number | null = null;

  constructor(
    readonly task: Task,
    readonly scene: SceneSpec,
  ) {
    this.restZ = objectById(scene, task.object).height / 2;
  }

  /** How long the predicate must hold continuously (s). */
  static readonly HOLD: Record<TaskFamily, number> = { pick: 1.0, place: 0.3, push: 0.3, stack: 0.3 };

  update(world: SimWorld, dt: number): TaskStatus {
    if (this.status === 'success') return this.status;
    if (this.satisfied(world)) this.heldFor += dt;
    else this.heldFor = 0;
    if (this.heldFor >= TaskMonitor.HOLD[this.task.family] - 1e-9) {
      this.status = 'success';
      this.successTime = world.time;
    }
    return this.status;
  }

  /** The instantaneous predicate, without the hold time. */
  satisfied(world: SimWorld): boolean {
    const task = this.task;
    const o = objectById(this.scene, task.object);
    const s = world.objectState(task.object);
    const speed = Math.hypot(...s.v);
    switch (task.family) {
      case 'pick':
        return s.p[2] - this.restZ >= 0.05;
      case 'place': {
        const b = bowlById(this.scene, task.bowl);
        const inside = Math.hypot(s.p[0] - b.x, s.p[1] - b.y) < b.radius - 0.2 * o.size;
        const low = s.p[2] < b.height + o.height / 2;
        return inside && low && speed < 0.05 && !world.objectsTouchingFingers().has(task.object);
      }
      case 'push': {
        const onTable = Math.abs(s.p[2] - this.restZ) < 0.01;
        return onTable && SIDE_SIGN[task.side] * s.p[1] > SIDE_REGION.boundary && speed < 0.05;
      }
      case 'stack': {
        const base = objectById(this.scene, task.base);
        const bs = world.objectState(task.base);
        const centred = Math.hypot(s.p[0] - bs.p[0], s.p[1] - bs.p[1]) < 0.5 * base.size;
        const onTop = Math.abs(s.p[2] - bs.p[2] - (o.height + base.height) / 2) < 0.01;
        const baseDown = Math.abs(bs.p[2] - base.height / 2) < 0.01;
        return centred && onTop && baseDown && speed < 0.05 && !world.objectsTouchingFingers().has(task.object);
      }
    }
  }
}
