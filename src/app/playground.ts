/**
 * The page's engine room: one animation loop that advances the session, mirrors the sim into three.js,
 * draws the viewer and refreshes the policy-camera insets. React only mounts it and reads the store.
 */
import { DEFAULT_POLICY_CAMERAS, type PolicyCameraSpec } from '../render/cameraSpec';
import { PolicyCamera } from '../render/policyCamera';
import { TabletopScene } from '../render/tabletopScene';
import { Viewer } from '../render/viewer';
import type { Session } from './session';

export interface InsetTarget {
  spec: PolicyCameraSpec;
  canvas: HTMLCanvasElement;
}

export class Playground {
  readonly viewer: Viewer;
  private tabletop: TabletopScene | null = null;
  private cameras: PolicyCamera[] = [];
  private insets: InsetTarget[] = [];
  private frame = 0;
  private last = 0;
  private sceneVersion = -1;
  /** The latest policy-camera frames (RGBA, top row first), by camera name. */
  readonly pixels = new Map<string, Uint8Array<ArrayBuffer>>();
  onError: ((e: unknown) => void) | null = null;

  constructor(
    readonly session: Session,
    canvas: HTMLCanvasElement,
    readonly cameraSpecs: readonly PolicyCameraSpec[] = DEFAULT_POLICY_CAMERAS,
  ) {
    this.viewer = new Viewer(canvas);
    this.rebuild();
  }

  setInsets(insets: InsetTarget[]): void {
    this.insets = insets;
    this.captureInsets();
  }

  start(): void {
    const loop = (now: number) => {
      this.frame = requestAnimationFrame(loop);
      try {
        this.tick(this.last === 0 ? 0 : (now - this.last) / 1000);
      } catch (e) {
        this.onError?.(e);
      }
      this.last = now;
    };
    this.frame = requestAnimationFrame(loop);
  }

  stop(): void {
    cancelAnimationFrame(this.frame);
    this.last = 0;
  }

  /** One frame: physics for the elapsed time, then draw; the insets refresh whenever the policy would act. */
  tick(seconds: number): void {
    if (this.session.state.sceneVersion !== this.sceneVersion) this.rebuild();
    const ticks = this.session.advance(seconds);
    this.tabletop?.update(this.session.world.snapshot());
    this.viewer.render();
    if (ticks > 0) this.captureInsets(true);
  }

  private rebuild(): void {
    for (const c of this.cameras) c.dispose();
    this.tabletop?.dispose();
    this.tabletop = new TabletopScene(this.session.world.spec);
    this.tabletop.update(this.session.world.snapshot());
    this.viewer.setScene(this.tabletop);
    this.cameras = this.cameraSpecs.map((s) => new PolicyCamera(s, this.tabletop as TabletopScene));
    this.sceneVersion = this.session.state.sceneVersion;
    this.captureInsets();
  }

  /** `afterViewer`: the viewer drew this frame, so its shadow map is current and can be reused. */
  private captureInsets(afterViewer = false): void {
    for (const cam of this.cameras) {
      const px = cam.capture(this.viewer.renderer, this.pixels.get(cam.spec.name), afterViewer);
      this.pixels.set(cam.spec.name, px);
      const inset = this.insets.find((i) => i.spec.name === cam.spec.name);
      if (!inset) continue;
      const ctx = inset.canvas.getContext('2d');
      if (!ctx) continue;
      if (inset.canvas.width !== cam.spec.width) inset.canvas.width = cam.spec.width;
      if (inset.canvas.height !== cam.spec.height) inset.canvas.height = cam.spec.height;
      ctx.putImageData(new ImageData(new Uint8ClampedArray(px), cam.spec.width, cam.spec.height), 0, 0);
    }
  }

  dispose(): void {
    this.stop();
    for (const c of this.cameras) c.dispose();
    this.tabletop?.dispose();
    this.viewer.dispose();
  }
}
