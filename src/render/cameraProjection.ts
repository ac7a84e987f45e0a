/**
 * Where a world point lands in a policy camera's image, with the same pose and lens PolicyCamera renders
 * with (fixed cameras look at their target with z up; wrist cameras ride on the gripper link). Pure math on
 * three.js objects, no renderer: it runs in Node, where training projects objects into recorded frames.
 */
import * as THREE from 'three';
import type { Pose, Vec3 } from '../sim/math';
import type { PolicyCameraSpec } from './cameraSpec';
import { toMatrix4 } from './tabletopScene';

export interface ImagePoint {
  /** Normalised image coordinates: 0 at the left/top edge, 1 at the right/bottom edge. */
  u: number;
  v: number;
  /** In front of the camera and inside the frame. */
  visible: boolean;
}

export class CameraProjector {
  private readonly camera: THREE.PerspectiveCamera;
  private readonly mount = new THREE.Object3D();
  private readonly p = new THREE.Vector3();

  constructor(readonly spec: PolicyCameraSpec) {
    this.camera = new THREE.PerspectiveCamera(spec.fov, spec.width / spec.height, 0.01, 5);
    this.camera.up.set(0, 0, 1);
    this.camera.position.set(...spec.position);
    const target = new THREE.Vector3(...spec.target);
    if (spec.mount === 'wrist') {
      const m = new THREE.Matrix4().lookAt(this.camera.position, target, new THREE.Vector3(1, 0, 0));
      this.camera.quaternion.setFromRotationMatrix(m);
      this.mount.add(this.camera);
    } else {
      this.camera.lookAt(target);
    }
    this.camera.updateMatrixWorld(true);
  }

  /** Project `point` (world frame); `gripper` is the gripper link's world pose (needed by wrist cameras). */
  project(point: Vec3, gripper?: Pose): ImagePoint {
    if (this.spec.mount === 'wrist') {
      if (!gripper) throw new Error(`camera ${this.spec.name} rides on the gripper: its pose is needed`);
      this.mount.position.set(...gripper.p);
      this.mount.quaternion.setFromRotationMatrix(toMatrix4(gripper.r));
      this.mount.updateMatrixWorld(true);
    }
    this.p.set(...point).project(this.camera);
    const u = (this.p.x + 1) / 2;
    const v = (1 - this.p.y) / 2;
    const visible = this.p.z > -1 && this.p.z < 1 && u >= 0 && u <= 1 && v >= 0 && v <= 1;
    return { u, v, visible };
  }
}
