/**
 * Runs in Chromium: policy-camera render + readback per frame at several resolutions, against a baseline of
 * clearing and reading back an empty target of the same size (the fixed cost of a GPU→CPU readback).
 */
import * as THREE from 'three';
import { FRONT_CAMERA } from '../src/render/cameraSpec';
import { PolicyCamera } from '../src/render/policyCamera';
import { TabletopScene } from '../src/render/tabletopScene';
import { generateEpisode } from '../src/sim/tasks';
import { SimWorld } from '../src/sim/world';

export interface RenderBenchResult {
  resolution: number;
  /** Render + readback with the frame's shadow map reused, as the app does after drawing the viewer. */
  captureMs: number[];
  /** The same, redrawing the shadow map too (a capture with no viewer frame before it). */
  captureWithShadowsMs: number[];
  baselineMs: number[];
}

async function run(resolutions: number[], frames: number): Promise<RenderBenchResult[]> {
  const ep = generateEpisode(0, 'place');
  const world = await SimWorld.create(ep.scene);
  const tabletop = new TabletopScene(ep.scene);
  tabletop.update(world.snapshot());
  const canvas = document.createElement('canvas');
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: false });
  renderer.shadowMap.enabled = true;
  const out: RenderBenchResult[] = [];
  for (const res of resolutions) {
    const cam = new PolicyCamera({ ...FRONT_CAMERA, width: res, height: res }, tabletop);
    const empty = new THREE.WebGLRenderTarget(res, res);
    const emptyScene = new THREE.Scene();
    const buf = new Uint8Array(res * res * 4);
    const captureMs: number[] = [];
    const captureWithShadowsMs: number[] = [];
    const baselineMs: number[] = [];
    const warmup = 10;
    for (let i = 0; i < frames + warmup; i++) {
      // The arm moves between frames, as in a closed loop.
      world.setAction([10 * Math.sin(i / 5), -40, 50, 60, 0, 30]);
      world.stepControl();
      tabletop.update(world.snapshot());
      let t0 = performance.now();
      cam.capture(renderer, buf);
      const cs = performance.now() - t0;
      t0 = performance.now();
      cam.capture(renderer, buf, true);
      const c = performance.now() - t0;
      t0 = performance.now();
      renderer.setRenderTarget(empty);
      renderer.render(emptyScene, cam.camera);
      renderer.readRenderTargetPixels(empty, 0, 0, res, res, buf);
      renderer.setRenderTarget(null);
      const b = performance.now() - t0;
      if (i >= warmup) {
        captureMs.push(c);
        captureWithShadowsMs.push(cs);
        baselineMs.push(b);
      }
    }
    cam.dispose();
    empty.dispose();
    out.push({ resolution: res, captureMs, captureWithShadowsMs, baselineMs });
  }
  renderer.dispose();
  world.dispose();
  return out;
}

const w = window as unknown as { __bench?: (r: number[], f: number) => Promise<RenderBenchResult[]> };
w.__bench = run;
