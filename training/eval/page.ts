/**
 * Runs in headless Chromium: closed-loop evaluation of a policy through the real runtime (worker, WASM) on
 * the real sim and renderer. Async mode paces the sim in wall-clock real time while inference runs beside it;
 * sync mode stops the sim while the model thinks. Time to success is in sim seconds.
 */
import * as THREE from 'three';
import { DEFAULT_POLICY_CAMERAS } from '../../src/render/cameraSpec';
import { PolicyCamera } from '../../src/render/policyCamera';
import { TabletopScene } from '../../src/render/tabletopScene';
import { PolicyClient } from '../../src/policy/client';
import type { FlowSampling } from '../../src/policy/manifest';
import type { EpisodeResult } from '../../src/sim/episode';
import { ScriptedExpert } from '../../src/sim/expert';
import { NUM_ARM_JOINTS } from '../../src/sim/kinematics';
import { FailureTracker, type FailureKind } from '../../src/sim/failure';
import type { PolicyInfo } from '../../src/policy/protocol';
import { generateEpisode, TIME_LIMIT, type TaskFamily, TaskMonitor } from '../../src/sim/tasks';
import { SimWorld } from '../../src/sim/world';
import { simPolicyLoop } from '../simPolicyLoop';

/** An episode's result as `npm run expert` reports it, plus what the policy loop counted. */
export interface EvalEpisode extends EpisodeResult {
  inferences: number;
  droppedNaN: number;
  /** Why it failed, judged from sim state (null on success). */
  failure: FailureKind | null;
  /** With `trace`: per tick, the joint state, the target the policy set, what the scripted expert would do,
   * where each object is (m), and which objects the fingers touch: enough to tell a hover from a drop without
   * replaying the episode, and why a stack resting on its base does not count (an open jaw still on it). */
  trace?: { state: number[]; target: number[]; expert: number[]; objects: Record<string, number[]>; touching: string[] }[];
}

/** The arm joints of an action (the gripper, last, keeps its open/close steps). */
const ARM_DIMS = Array.from({ length: NUM_ARM_JOINTS }, (_, i) => i);

let client: PolicyClient | null = null;
let info: PolicyInfo | null = null;
let renderer: THREE.WebGLRenderer | null = null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** → the model's label, and its flow sampling settings (null: not a flow head). */
async function load(modelUrl: string): Promise<LoadedModel> {
  client = new PolicyClient();
  info = await client.load(modelUrl, 'wasm');
  const head = info.manifest.head;
  return { label: `${info.name} (${head.type}) on ${info.backend.backend}`, flow: head.type === 'flow' ? { noiseScale: head.noise_scale, samples: head.samples } : null };
}

export interface LoadedModel {
  label: string;
  flow: Required<FlowSampling> | null;
}

export interface EpisodeOptions {
  mode: 'async' | 'sync';
  /** Record the per-tick trace with a shadow expert. */
  trace: boolean;
  /** Sync: actions run from each chunk before the next (unset: the whole chunk). */
  horizon?: number;
  /** Blend overlapping chunks (ACT temporal ensembling). */
  ensemble: boolean;
  /** Smooth each chunk hand-over of the arm joints over this many ticks (0: none). */
  blendTicks?: number;
  /** Flow heads: overrides the model's noise_scale and samples (unset: the model's). */
  sampling: FlowSampling;
}

async function episode(seed: number, family: TaskFamily, { mode, trace, horizon, ensemble, blendTicks, sampling }: EpisodeOptions): Promise<EvalEpisode> {
  if (!client || !info) throw new Error('load a model first');
  renderer ??= new THREE.WebGLRenderer({ canvas: document.createElement('canvas'), antialias: false });
  renderer.shadowMap.enabled = true;
  const m = info.manifest;
  const ep = generateEpisode(seed, family);
  const world = await SimWorld.create(ep.scene);
  world.setControlHz(m.control_hz);
  const tabletop = new TabletopScene(ep.scene);
  const cams = m.cameras.map((c) => {
    const spec = DEFAULT_POLICY_CAMERAS.find((d) => d.name === c.name);
    if (!spec) throw new Error(`no camera "${c.name}" in the scene`);
    return new PolicyCamera({ ...spec, width: c.width, height: c.height }, tabletop);
  });
  const loop = await simPolicyLoop(
    { client, manifest: m, world, tabletop, cams, renderer, instruction: ep.instruction, sampling },
    { mode, ensemble, horizon, blendTicks, blendDims: ARM_DIMS },
  );
  const monitor = new TaskMonitor(ep.task, ep.scene);
  const tracker = new FailureTracker(ep.task, ep.scene);
  // A shadow expert watches the same world and says what it would do: where the policy departs from it.
  const shadow = trace ? new ScriptedExpert(ep.task, ep.scene, m.control_hz) : null;
  const traced: NonNullable<EvalEpisode['trace']> = [];
  const period = 1 / m.control_hz;
  const limit = TIME_LIMIT[family];
  const wallStart = performance.now();
  let tick = 0;
  while (world.time < limit && monitor.status !== 'success') {
    while (loop.tick(tick).waiting) await sleep(1);
    if (mode === 'async') {
      // Real time: this tick happens when the wall clock says so, inference or not.
      const due = wallStart + tick * period * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else await sleep(0);
    }
    if (shadow) {
      const objects = Object.fromEntries(ep.scene.objects.map((o) => [o.id, [...world.objectState(o.id).p]]));
      traced.push({ state: world.jointState(), target: world.jointTargets(), expert: shadow.act(world), objects, touching: [...world.objectsTouchingFingers()] });
    }
    world.stepControl();
    tick++;
    monitor.update(world, period);
    tracker.update(world);
  }
  loop.stop();
  const st = loop.stats(tick);
  for (const cam of cams) cam.dispose();
  tabletop.dispose();
  world.dispose();
  const success = monitor.status === 'success';
  return {
    seed,
    family,
    instruction: ep.instruction,
    success,
    steps: tick,
    simSeconds: world.time,
    inferences: st.inferences,
    droppedNaN: st.droppedNaN,
    failure: success ? null : tracker.classify(),
    ...(trace ? { trace: traced } : {}),
  };
}

(window as unknown as { __eval: { load: typeof load; episode: typeof episode } }).__eval = { load, episode };
