/**
 * Runs in headless Chromium: the real sim, renderer and scripted expert record one episode — policy-camera
 * images, joint state, the expert's intended action and the instruction — with domain randomisation and
 * DART-style noise on the executed actions (labels stay the expert's corrective actions). With a policy
 * loaded and `handoverSeconds` set, the policy drives first and the expert takes over (handover.ts).
 */
import * as THREE from 'three';
import { PolicyClient } from '../../src/policy/client';
import type { PolicyInfo } from '../../src/policy/protocol';
import { CameraProjector } from '../../src/render/cameraProjection';
import { PolicyCamera } from '../../src/render/policyCamera';
import { TabletopScene } from '../../src/render/tabletopScene';
import { ScriptedExpert } from '../../src/sim/expert';
import { TIME_LIMIT, type TaskFamily, TaskMonitor } from '../../src/sim/tasks';
import { SimWorld } from '../../src/sim/world';
import { simPolicyLoop } from '../simPolicyLoop';
import { taskPoints, writeFrameTargets } from '../taskPoints';
import { episodeSetup, type GenOptions, hasImages } from './episodeSetup';
import { carries, carryView, checkPolicyFits, type HandoverEvent, handoverTick, ReleaseTrigger } from './handover';

export type { GenOptions };

export interface EpisodeRecord {
  seed: number;
  family: TaskFamily;
  instruction: string;
  task: unknown;
  success: boolean;
  steps: number;
  fps: number;
  /** The wrist camera's resolution, and the front camera's unless `resolutions` says otherwise. */
  res: number;
  /** Square resolution per camera. */
  resolutions: Record<string, number>;
  noiseDeg: number;
  /** Largest recovery offset (cm); 0: none. */
  recoveryCm: number;
  /** Recovery offsets in descents too. */
  recoveryDescents: boolean;
  /** The first approach went over another object first. */
  decoy: boolean;
  /** Largest misaim (cm) of a stack's first carry; 0: none. */
  misaimCm: number;
  /** The fumble the episode had (fumble.ts), or null. */
  fumble: string | null;
  /** Steps [from, to) training leaves out (a deliberately missed grasp), or null. */
  skip: [number, number] | null;
  /** Ticks the policy drove before the expert took over (not recorded); 0: the expert drove from the start. */
  handoverTicks: number;
  /** The policy that drove them, or null. */
  handoverModel: string | null;
  /** What handed over (handover.ts), or null. */
  handoverEvent: HandoverEvent | null;
  /** With --frame-every above 1: that number, and the steps that have images, in order (else every step has one). */
  frameEvery?: number;
  imageSteps?: number[];
  /** Steps recorded past success (--tail); 0: the recording stops at success. */
  tailSteps: number;
  /** The policy solved the task before the handover: nothing to record (steps 0). */
  policySolved: boolean;
  /** base64 of float32 heatmap targets [steps, cameras, 2, 3] (sceneTargets.ts's layout). */
  targets: string;
  /** base64 of uint8 [steps, r, r, 3] per camera, r its entry in `resolutions`. */
  images: Record<string, string>;
  /** base64 of float32 [steps, 6]. */
  state: string;
  action: string;
}

let renderer: THREE.WebGLRenderer | null = null;
let policy: { client: PolicyClient; info: PolicyInfo } | null = null;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Load the policy that drives before each handover (WASM, as the eval runs it); → its name. */
async function loadPolicy(url: string): Promise<string> {
  const client = new PolicyClient();
  const info = await client.load(url, 'wasm');
  policy = { client, info };
  return `${info.name} (${info.manifest.head.type})`;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function generate(seed: number, family: TaskFamily, opts: GenOptions): Promise<EpisodeRecord> {
  renderer ??= new THREE.WebGLRenderer({ canvas: document.createElement('canvas'), antialias: false });
  renderer.shadowMap.enabled = true;
  const { ep, instruction, appearance, cameras: specs, noiseDeg, driver, expert: expertOpts } = episodeSetup(seed, family, opts);
  const world = await SimWorld.create(ep.scene);
  const tabletop = new TabletopScene(ep.scene, appearance);
  const cams = specs.map((s) => new PolicyCamera(s, tabletop));
  const hz = world.config.controlHz;
  const monitor = new TaskMonitor(ep.task, ep.scene);
  // Handing over at a lowering or release: the task that carries its object there, else null.
  const carried = opts.handoverAt === 'release' && carries(ep.task) ? ep.task : null;
  // At a release the window is only the latest handover; else a random tick in it.
  const handover = !opts.handoverSeconds ? 0 : carried ? Math.round(opts.handoverSeconds * hz) : handoverTick(seed, opts.handoverSeconds, hz);
  if (handover > 0) {
    if (!policy) throw new Error('--handover: load a policy first');
    checkPolicyFits(policy.info.manifest, specs, hz);
  }
  const start = world.snapshot().objects[ep.task.object].p;
  const trigger = carried ? new ReleaseTrigger(seed, hz) : null;
  let event: HandoverEvent | null = null;
  const stop = (tick: number): boolean => {
    event = tick >= handover ? 'time' : trigger && carried ? trigger.update(tick, carryView(world, carried, ep.scene)) : null;
    return event !== null;
  };
  // The policy's turn: nothing recorded, the world waits for every chunk (sync), as the eval's --sync does.
  const driven = handover > 0 && policy ? await drivePolicy(policy, world, tabletop, cams, instruction, monitor, stop, seed) : 0;
  const policySolved = monitor.status === 'success';
  // The expert plans from the world as the policy left it, and has the family's whole time limit from here.
  const expert = new ScriptedExpert(ep.task, ep.scene, hz, driven > 0 ? {} : expertOpts);
  const limit = world.time + TIME_LIMIT[family];
  const frames: Record<string, Uint8Array[]> = Object.fromEntries(specs.map((s) => [s.name, []]));
  const states: number[] = [];
  const actions: number[] = [];
  // The page writes every recording's heatmap targets from the world it rendered: a takeover cannot be replayed
  // from its seed, a fumble drifts in a replay, and a Node replay of a plain recording costs about a second an episode.
  const projectors = specs.map((s) => new CameraProjector(s));
  const targets: Float32Array[] = [];
  const rgba = new Uint8Array(Math.max(...specs.map((s) => s.width * s.height)) * 4);
  let steps = 0;
  const every = Math.max(1, opts.frameEvery ?? 1);
  const rendered: number[] = [];
  // Past success the expert finishes (ScriptedExpert.finish: no new attempt, the hand lifts clear) for the tail's ticks.
  const tail = Math.round((opts.tailSeconds ?? 0) * hz);
  let tailSteps = 0;
  const recording = () => world.time < limit && (monitor.status !== 'success' || tailSteps < tail);
  while (!policySolved && recording()) {
    if (monitor.status === 'success' && tailSteps++ === 0) expert.finish(world);
    const snap = world.snapshot();
    const render = hasImages(seed, steps, every);
    if (render) {
      tabletop.update(snap);
      rendered.push(steps);
    }
    // The lights and objects are the same for every camera of a frame: draw the shadow map once (byte-identical images).
    for (const [k, cam] of render ? cams.entries() : []) {
      const px = cam.spec.width * cam.spec.height;
      cam.capture(renderer, rgba, k > 0);
      const rgb = new Uint8Array(px * 3);
      for (let i = 0, j = 0; i < px; i++, j += 4) {
        rgb[i * 3] = rgba[j];
        rgb[i * 3 + 1] = rgba[j + 1];
        rgb[i * 3 + 2] = rgba[j + 2];
      }
      frames[cam.spec.name].push(rgb);
    }
    const t = new Float32Array(projectors.length * 2 * 3);
    writeFrameTargets(t, 0, projectors, taskPoints(ep.task, ep.scene, snap, start), snap);
    targets.push(t);
    const state = world.jointState();
    const { label, executed } = driver.next(expert, world);
    states.push(...state);
    actions.push(...label);
    world.setAction(executed);
    world.stepControl();
    steps++;
    monitor.update(world, 1 / hz);
  }
  for (const c of cams) c.dispose();
  tabletop.dispose();
  world.dispose();
  const images: Record<string, string> = {};
  for (const [name, list] of Object.entries(frames)) {
    const size = list[0]?.length ?? 0;
    const all = new Uint8Array(list.length * size);
    list.forEach((f, i) => {
      all.set(f, i * size);
    });
    images[name] = base64(all);
  }
  return {
    seed,
    family,
    instruction,
    task: ep.task,
    success: !policySolved && monitor.status === 'success',
    steps,
    fps: world.config.controlHz,
    res: opts.res,
    resolutions: Object.fromEntries(specs.map((s) => [s.name, s.width])),
    noiseDeg,
    recoveryCm: opts.recoveryCm ?? 0,
    recoveryDescents: opts.recoveryDescents === true,
    decoy: opts.decoy === true,
    misaimCm: driven > 0 ? 0 : (opts.misaimCm ?? 0),
    fumble: driver.fumble?.kind ?? null,
    skip: driver.fumble?.skip ?? null,
    handoverTicks: driven,
    handoverModel: driven > 0 && policy ? policy.info.name : null,
    handoverEvent: driven > 0 ? event : null,
    tailSteps,
    ...(every > 1 ? { frameEvery: every, imageSteps: rendered } : {}),
    policySolved,
    targets: base64(concat(targets)),
    images,
    state: base64(new Uint8Array(new Float32Array(states).buffer)),
    action: base64(new Uint8Array(new Float32Array(actions).buffer)),
  };
}

/**
 * The policy drives until `stop` says so, asked before each tick (sync: the world waits for each chunk); → the
 * ticks it drove. It stops early when it solves the task or runs out of the family's time.
 */
async function drivePolicy(
  p: NonNullable<typeof policy>,
  world: SimWorld,
  tabletop: TabletopScene,
  cams: PolicyCamera[],
  instruction: string,
  monitor: TaskMonitor,
  stop: (tick: number) => boolean,
  seed: number,
): Promise<number> {
  const m = p.info.manifest;
  // Seeded per episode: the same seed drives the same way.
  const loop = await simPolicyLoop(
    { client: p.client, manifest: m, world, tabletop, cams, renderer: renderer as THREE.WebGLRenderer, instruction, sampling: {}, noiseSeedOffset: seed * 1000 },
    { mode: 'sync', ensemble: false },
  );
  const family = monitor.task.family;
  let tick = 0;
  try {
    while (world.time < TIME_LIMIT[family] && monitor.status !== 'success' && !stop(tick)) {
      while (loop.tick(tick).waiting) await sleep(1);
      world.stepControl();
      tick++;
      monitor.update(world, 1 / m.control_hz);
    }
  } finally {
    loop.stop();
  }
  return tick;
}

function concat(parts: Float32Array[]): Uint8Array {
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return new Uint8Array(all.buffer);
}

Object.assign(window, { __generate: generate, __loadPolicy: loadPolicy });
