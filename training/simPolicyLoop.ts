/**
 * A policy driving the simulated arm from the policy cameras, through the real worker runtime and the one
 * safety filter: the wiring the eval page and the datagen handover share. The caller steps the world.
 */
import type * as THREE from 'three';
import { PolicyLoop, type PolicyLoopOptions } from '../src/control/policyLoop';
import { makeRobot } from '../src/control/robot';
import { defaultSimLimits } from '../src/control/safety';
import type { PolicyClient } from '../src/policy/client';
import type { FlowSampling, PolicyManifest } from '../src/policy/manifest';
import type { PolicyCamera } from '../src/render/policyCamera';
import type { TabletopScene } from '../src/render/tabletopScene';
import type { SimWorld } from '../src/sim/world';

export interface SimPolicyLoopDeps {
  client: PolicyClient;
  manifest: PolicyManifest;
  world: SimWorld;
  tabletop: TabletopScene;
  cams: PolicyCamera[];
  renderer: THREE.WebGLRenderer;
  instruction: string;
  sampling: FlowSampling;
  /** Added to the loop's per-chunk noise seed (0: the eval's seeds). */
  noiseSeedOffset?: number;
}

export async function simPolicyLoop(d: SimPolicyLoopDeps, options: Omit<PolicyLoopOptions, 'threshold' | 'stallTicks'>): Promise<PolicyLoop> {
  const robot = makeRobot({ type: 'sim', world: d.world, limits: defaultSimLimits(d.manifest.control_hz) });
  await robot.connect();
  return new PolicyLoop(
    {
      observe: () => {
        d.tabletop.update(d.world.snapshot());
        // One shadow map per frame, drawn by the first camera: the others see the same lights and objects.
        return { images: Object.fromEntries(d.cams.map((cam, k) => [cam.spec.name, cam.capture(d.renderer, undefined, k > 0)])), state: d.world.jointState() };
      },
      infer: async (obs, s) => {
        const r = await d.client.infer(obs.images, obs.state, d.instruction, (d.noiseSeedOffset ?? 0) + s, d.sampling);
        return { ...r, timings: { ...r.timings } };
      },
      robot,
    },
    { ...options, threshold: Math.max(1, Math.floor(d.manifest.chunk.length / 2)), stallTicks: 1 },
  );
}
