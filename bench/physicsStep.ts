/**
 * Cost of one physics step of our world (servo model, forward kinematics, kinematic posing, Rapier step with
 * our contact settings) against a bare Rapier world holding the same bodies, stepped with nothing else.
 * Both replay the same expert-driven motion, so contacts and grasps are in the measured steps.
 */
import { ScriptedExpert } from '../src/sim/expert';
import { generateEpisode } from '../src/sim/tasks';
import { SimWorld } from '../src/sim/world';
import { type BenchRow, quantile } from './stats';

const SEEDS = [0, 1, 2];
const CONTROL_TICKS = 120;
const REPEATS = 5;

async function recordActions(seed: number): Promise<number[][]> {
  const ep = generateEpisode(seed, 'place');
  const w = await SimWorld.create(ep.scene);
  const expert = new ScriptedExpert(ep.task, ep.scene, w.config.controlHz);
  const actions: number[][] = [];
  for (let i = 0; i < CONTROL_TICKS; i++) {
    const a = expert.act(w);
    actions.push(a);
    w.setAction(a);
    w.stepControl();
  }
  w.dispose();
  return actions;
}

/** Microseconds per physics step. */
async function timeOurs(seed: number, actions: number[][]): Promise<number> {
  const w = await SimWorld.create(generateEpisode(seed, 'place').scene);
  const t0 = performance.now();
  for (const a of actions) {
    w.setAction(a);
    w.stepControl();
  }
  const us = ((performance.now() - t0) * 1000) / (actions.length * w.substeps);
  w.dispose();
  return us;
}

/** The same bodies, but only `world.step()`: the arm's kinematic bodies are replayed from recorded poses. */
async function timeBare(seed: number, actions: number[][]): Promise<number> {
  const driver = await SimWorld.create(generateEpisode(seed, 'place').scene);
  // Record link poses per physics step first, so the timed loop does nothing but step Rapier.
  const poses: { t: { x: number; y: number; z: number }; r: { x: number; y: number; z: number; w: number } }[][] = [];
  const bodies = ['shoulder', 'upper_arm', 'lower_arm', 'wrist', 'gripper'] as const;
  for (const a of actions) {
    driver.setAction(a);
    for (let k = 0; k < driver.substeps; k++) {
      driver.step();
      poses.push(bodies.map((b) => ({ t: driver.arm.bodies[b]!.translation(), r: driver.arm.bodies[b]!.rotation() })));
    }
  }
  driver.dispose();
  const bare = await SimWorld.create(generateEpisode(seed, 'place').scene);
  const handles = bodies.map((b) => bare.arm.bodies[b]!);
  const world = bare.world;
  let total = 0;
  for (const p of poses) {
    for (let i = 0; i < handles.length; i++) {
      handles[i].setNextKinematicTranslation(p[i].t);
      handles[i].setNextKinematicRotation(p[i].r);
    }
    const t0 = performance.now();
    world.step();
    total += performance.now() - t0;
  }
  bare.dispose();
  return (total * 1000) / poses.length;
}

export async function benchPhysicsStep(): Promise<BenchRow[]> {
  const ours: number[] = [];
  const bare: number[] = [];
  for (const seed of SEEDS) {
    const actions = await recordActions(seed);
    for (let r = 0; r < REPEATS; r++) {
      // Interleaved, so machine noise hits both sides alike.
      ours.push(await timeOurs(seed, actions));
      bare.push(await timeBare(seed, actions));
    }
  }
  const o = quantile(ours, 0.5);
  const b = quantile(bare, 0.5);
  return [
    {
      name: 'physics step (SimWorld.step)',
      value: o,
      unit: 'µs',
      p95: quantile(ours, 0.95),
      baseline: 'bare Rapier step, same bodies',
      baselineValue: b,
      ratio: o / b,
      note: `${SEEDS.length} seeds × ${REPEATS} runs × ${CONTROL_TICKS * 12} steps, 240 Hz`,
    },
  ];
}
