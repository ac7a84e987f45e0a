/**
 * Dense "where is it" targets per recorded frame: the instructed object's and the goal's positions in each
 * policy camera's image (normalised u, v and a visibility flag). The episode is replayed in Node from its
 * seed — same layout, cameras, noise and expert, so the same trajectory (checked against the recorded
 * joint states) — and the sim's poses are projected with the cameras' recorded jitter. Training uses them
 * to supervise heatmaps on the image features; the exported policy never sees them.
 *
 * The datagen page now writes targets.f32 itself; this replay is for recordings made before it did (and checks it).
 *
 * Usage: tsx training/sceneTargets.ts DATA_DIR [--force]
 * Writes targets.f32 in each episode folder: float32 [steps, cameras, 2 points (object, goal), 3 (u, v, visible)].
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CameraProjector } from '../src/render/cameraProjection';
import { ScriptedExpert } from '../src/sim/expert';
import type { TaskFamily } from '../src/sim/tasks';
import { SimWorld } from '../src/sim/world';
import { episodeSetup } from './datagen/episodeSetup';
import { taskPoints, writeFrameTargets } from './taskPoints';

interface Meta {
  seed: number;
  family: TaskFamily;
  task: unknown;
  steps: number;
  res: number;
  /** Per camera; absent before the front camera could differ from `res`. */
  resolutions?: Record<string, number>;
  noiseDeg: number;
  /** Absent in episodes recorded before recovery offsets existed. */
  recoveryCm?: number;
  /** Absent before descent offsets existed. */
  recoveryDescents?: boolean;
  /** Absent in episodes recorded before decoy approaches existed. */
  decoy?: boolean;
  /** Absent in episodes recorded before misaimed stacks existed. */
  misaimCm?: number;
  /** Absent before fumbles existed; null: none. */
  fumble?: string | null;
  /** Ticks a policy drove before the expert took over and recording began (datagen --handover); 0 or absent: none. */
  handoverTicks?: number;
  cameras: string[];
}

export interface ReplayResult {
  targets: Float32Array;
  /** Largest difference between the replayed and the recorded joint state (degrees). */
  stateError: number;
}

export async function replayTargets(meta: Meta, recordedState: Float32Array, maxNoiseDeg = 3): Promise<ReplayResult> {
  const setup = episodeSetup(meta.seed, meta.family, { res: meta.res, ...(meta.resolutions?.front ? { frontRes: meta.resolutions.front } : {}), randomize: true, maxNoiseDeg, recoveryCm: meta.recoveryCm ?? 0, recoveryDescents: meta.recoveryDescents === true, decoy: meta.decoy === true, misaimCm: meta.misaimCm ?? 0, fumble: meta.fumble != null });
  if (JSON.stringify(setup.ep.task) !== JSON.stringify(meta.task)) throw new Error(`seed ${meta.seed}: the regenerated task differs from the recorded one`);
  if (setup.noiseDeg !== meta.noiseDeg) throw new Error(`seed ${meta.seed}: noise ${setup.noiseDeg} ≠ recorded ${meta.noiseDeg}`);
  const { ep, driver } = setup;
  const cams = meta.cameras.map((name) => {
    const spec = setup.cameras.find((c) => c.name === name);
    if (!spec) throw new Error(`seed ${meta.seed}: no camera ${name}`);
    return new CameraProjector(spec);
  });
  const world = await SimWorld.create(ep.scene);
  const expert = new ScriptedExpert(ep.task, ep.scene, world.config.controlHz, setup.expert);
  const out = new Float32Array(meta.steps * cams.length * 2 * 3);
  const start = world.snapshot().objects[ep.task.object].p;
  let stateError = 0;
  try {
    for (let t = 0; t < meta.steps; t++) {
      const snap = world.snapshot();
      writeFrameTargets(out, t, cams, taskPoints(ep.task, ep.scene, snap, start), snap);
      const state = world.jointState();
      for (let j = 0; j < 6; j++) stateError = Math.max(stateError, Math.abs(state[j] - recordedState[t * 6 + j]));
      const { executed } = driver.next(expert, world);
      world.setAction(executed);
      world.stepControl();
    }
  } finally {
    world.dispose();
  }
  return { targets: out, stateError };
}

if (process.argv[1]?.endsWith('sceneTargets.ts')) {
  const dir = process.argv[2];
  const force = process.argv.includes('--force');
  if (!dir) throw new Error('usage: tsx training/sceneTargets.ts DATA_DIR [--force]');
  let n = 0;
  let worst = 0;
  const t0 = Date.now();
  for (const name of readdirSync(dir).sort()) {
    const metaPath = join(dir, name, 'meta.json');
    if (!existsSync(metaPath) || (!force && existsSync(join(dir, name, 'targets.f32')))) continue;
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    // A policy drove the start of it: no replay of the expert rebuilds that, and the page wrote the targets itself.
    if (meta.handoverTicks) continue;
    const raw = readFileSync(join(dir, name, 'state.f32'));
    const state = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const { targets, stateError } = await replayTargets(meta, state);
    // A replay that drifted from the recording would label the wrong pixels: refuse it.
    if (stateError > 0.5) {
      console.warn(`${name}: replay drifted ${stateError.toFixed(2)}° from the recording; no targets written`);
      continue;
    }
    worst = Math.max(worst, stateError);
    writeFileSync(join(dir, name, 'targets.f32'), new Uint8Array(targets.buffer));
    n++;
    if (n % 20 === 0) console.log(`${n} episodes, ${((Date.now() - t0) / n).toFixed(0)} ms each, worst state error ${worst.toExponential(2)}°`);
  }
  console.log(`scene targets written for ${n} episodes; worst replay state error ${worst.toExponential(2)}°`);
}
