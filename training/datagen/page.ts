/**
 * Runs in headless Chromium: the real sim, renderer and scripted expert record one episode — policy-camera
 * images, joint state, the expert's intended action and the instruction — with domain randomisation and
 * DART-style noise on the executed actions (labels stay the expert's corrective actions).
 */
import * as THREE from 'three';
import { PolicyCamera } from '../../src/render/policyCamera';
import { TabletopScene } from '../../src/render/tabletopScene';
import { ScriptedExpert } from '../../src/sim/expert';
import { TIME_LIMIT, type TaskFamily, TaskMonitor } from '../../src/sim/tasks';
import { SimWorld } from '../../src/sim/world';
import { episodeSetup, type GenOptions } from './episodeSetup';

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
  /** base64 of uint8 [steps, r, r, 3] per camera, r its entry in `resolutions`. */
  images: Record<string, string>;
  /** base64 of float32 [steps, 6]. */
  state: string;
  action: string;
}

let renderer: THREE.WebGLRenderer | null = null;

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
  const expert = new ScriptedExpert(ep.task, ep.scene, world.config.controlHz, expertOpts);
  const monitor = new TaskMonitor(ep.task, ep.scene);
  const limit = TIME_LIMIT[family];
  const frames: Record<string, Uint8Array[]> = Object.fromEntries(specs.map((s) => [s.name, []]));
  const states: number[] = [];
  const actions: number[] = [];
  const rgba = new Uint8Array(Math.max(...specs.map((s) => s.width * s.height)) * 4);
  let steps = 0;
  while (world.time < limit && monitor.status !== 'success') {
    tabletop.update(world.snapshot());
    // The lights and objects are the same for every camera of a frame: draw the shadow map once (byte-identical images).
    for (const [k, cam] of cams.entries()) {
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
    const state = world.jointState();
    const { label, executed } = driver.next(expert, world);
    states.push(...state);
    actions.push(...label);
    world.setAction(executed);
    world.stepControl();
    steps++;
    monitor.update(world, 1 / world.config.controlHz);
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
    success: monitor.status === 'success',
    steps,
    fps: world.config.controlHz,
    res: opts.res,
    resolutions: Object.fromEntries(specs.map((s) => [s.name, s.width])),
    noiseDeg,
    recoveryCm: opts.recoveryCm ?? 0,
    recoveryDescents: opts.recoveryDescents === true,
    decoy: opts.decoy === true,
    misaimCm: opts.misaimCm ?? 0,
    images,
    state: base64(new Uint8Array(new Float32Array(states).buffer)),
    action: base64(new Uint8Array(new Float32Array(actions).buffer)),
  };
}

(window as unknown as { __generate: typeof generate }).__generate = generate;
