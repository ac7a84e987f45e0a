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
  name: string;
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

  private cameraSpecs: readonly PolicyCameraSpec[] = DEFAULT_POLICY_CAMERAS;

  constructor(
    readonly session: Session,
    canvas: HTMLCanvasElement,
  ) {
    this.viewer = new Viewer(canvas);
    this.rebuild();
  }

  /**
   * Use the cameras a policy asks for (by name, at its resolution). Throws with a clear message when the
   * scene has no camera of that name.
   */
  setPolicyCameras(cameras: readonly { name: string; width: number; height: number }[]): void {
    this.cameraSpecs = cameras.map((c) => {
      const spec = DEFAULT_POLICY_CAMERAS.find((d) => d.name === c.name);
      if (!spec) throw new Error(`the policy wants camera "${c.name}", but the scene has only ${DEFAULT_POLICY_CAMERAS.map((d) => `"${d.name}"`).join(', ')}`);
      return { ...spec, width: c.width, height: c.height };
    });
    this.rebuild();
  }

  get policyCameras(): readonly PolicyCameraSpec[] {
    return this.cameraSpecs;
  }

  /** The recorder's view of the policy cameras: names and resolutions. */
  cameraList(): { name: string; width: number; height: number }[] {
    return this.cameraSpecs.map((c) => ({ name: c.name, width: c.width, height: c.height }));
  }

  /** The policy's observation now: fresh pixel buffers (they are transferred to the worker). */
  observe(): Record<string, Uint8Array> {
    this.tabletop?.update(this.session.world.snapshot());
    const out: Record<string, Uint8Array> = {};
    for (const cam of this.cameras) out[cam.spec.name] = cam.capture(this.viewer.renderer);
    return out;
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
      const size = cam.spec.width * cam.spec.height * 4;
      const old = this.pixels.get(cam.spec.name);
      const px = cam.capture(this.viewer.renderer, old?.length === size ? old : new Uint8Array(size), afterViewer);
      this.pixels.set(cam.spec.name, px);
      const inset = this.insets.find((i) => i.name === cam.spec.name);
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
