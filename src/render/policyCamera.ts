/**
 * A policy camera: renders the tabletop to an offscreen target at the policy's resolution and reads the
 * pixels back as RGBA bytes, rows top to bottom (image order, as a model expects).
 */
import * as THREE from 'three';
import type { PolicyCameraSpec } from './cameraSpec';
import type { TabletopScene } from './tabletopScene';

export class PolicyCamera {
  readonly camera: THREE.PerspectiveCamera;
  private readonly target: THREE.WebGLRenderTarget;
  private readonly raw: Uint8Array<ArrayBuffer>;
  private readonly lookAt = new THREE.Vector3();

  constructor(
    readonly spec: PolicyCameraSpec,
    private readonly tabletop: TabletopScene,
  ) {
    this.camera = new THREE.PerspectiveCamera(spec.fov, spec.width / spec.height, 0.01, 5);
    this.camera.up.set(0, 0, 1);
    this.camera.position.set(...spec.position);
    this.lookAt.set(...spec.target);
    if (spec.mount === 'wrist') {
      // Ride on the gripper: pose given in the gripper link's frame, image "up" toward the jaw hinge (+x).
      const m = new THREE.Matrix4().lookAt(this.camera.position, this.lookAt, new THREE.Vector3(1, 0, 0));
      this.camera.quaternion.setFromRotationMatrix(m);
      tabletop.gripper.add(this.camera);
    } else {
      this.camera.lookAt(this.lookAt);
    }
    this.target = new THREE.WebGLRenderTarget(spec.width, spec.height, { depthBuffer: true, samples: 0 });
    // Render targets get the sRGB encoding only when their texture says so: then the bytes match the screen.
    this.target.texture.colorSpace = THREE.SRGBColorSpace;
    this.raw = new Uint8Array(spec.width * spec.height * 4);
  }

  /**
   * Render and read back. `out` (width·height·4 bytes) is filled and returned, top row first.
   * With `reuseShadows`, the shadow map drawn earlier in the same frame is kept (the lights have not moved).
   */
  capture(renderer: THREE.WebGLRenderer, out = new Uint8Array(this.spec.width * this.spec.height * 4), reuseShadows = false): Uint8Array<ArrayBuffer> {
    if (this.spec.mount === 'wrist') this.camera.updateMatrixWorld(true);
    const prev = renderer.getRenderTarget();
    const auto = renderer.shadowMap.autoUpdate;
    if (reuseShadows) renderer.shadowMap.autoUpdate = false;
    renderer.setRenderTarget(this.target);
    renderer.render(this.tabletop.scene, this.camera);
    renderer.readRenderTargetPixels(this.target, 0, 0, this.spec.width, this.spec.height, this.raw);
    renderer.setRenderTarget(prev);
    renderer.shadowMap.autoUpdate = auto;
    const row = this.spec.width * 4;
    for (let y = 0; y < this.spec.height; y++) {
      out.set(this.raw.subarray((this.spec.height - 1 - y) * row, (this.spec.height - y) * row), y * row);
    }
    return out;
  }

  dispose(): void {
    this.target.dispose();
    this.camera.removeFromParent();
  }
}
