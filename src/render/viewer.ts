/** The person's view: a WebGL canvas with an orbiting camera, shadows, and resize handling. */
import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { TabletopScene } from './tabletopScene';

export class Viewer {
  readonly renderer: THREE.WebGLRenderer;
  readonly camera: THREE.PerspectiveCamera;
  readonly controls: OrbitControls;
  private tabletop: TabletopScene | null = null;

  constructor(readonly canvas: HTMLCanvasElement) {
    // preserveDrawingBuffer lets tests and screenshots read the canvas after a frame.
    this.renderer = new THREE.WebGLRenderer({ canvas, antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(2, globalThis.devicePixelRatio ?? 1));
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = THREE.PCFSoftShadowMap;
    this.camera = new THREE.PerspectiveCamera(45, 1, 0.01, 20);
    this.camera.up.set(0, 0, 1);
    this.controls = new OrbitControls(this.camera, canvas);
    this.controls.enableDamping = true;
    this.resetView();
  }

  /** Behind and above the robot, so "left" on screen is the robot's left. */
  resetView(): void {
    this.camera.position.set(-0.42, -0.2, 0.58);
    this.controls.target.set(0.17, 0, 0.0);
    this.controls.update();
  }

  /** Eye and orbit target (m), for share links. */
  getView(): { eye: [number, number, number]; target: [number, number, number] } {
    const p = this.camera.position;
    const t = this.controls.target;
    return { eye: [p.x, p.y, p.z], target: [t.x, t.y, t.z] };
  }

  setView(v: { eye: readonly number[]; target: readonly number[] }): void {
    this.camera.position.set(v.eye[0], v.eye[1], v.eye[2]);
    this.controls.target.set(v.target[0], v.target[1], v.target[2]);
    this.controls.update();
  }

  setScene(t: TabletopScene): void {
    this.tabletop = t;
  }

  render(): void {
    if (!this.tabletop) return;
    const w = this.canvas.clientWidth;
    const h = this.canvas.clientHeight;
    const size = this.renderer.getSize(new THREE.Vector2());
    if (w > 0 && h > 0 && (size.x !== w || size.y !== h)) {
      this.renderer.setSize(w, h, false);
      this.camera.aspect = w / h;
      this.camera.updateProjectionMatrix();
    }
    this.controls.update();
    this.renderer.render(this.tabletop.scene, this.camera);
  }

  dispose(): void {
    this.controls.dispose();
    this.renderer.dispose();
  }
}
