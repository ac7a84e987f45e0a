/**
 * The three.js mirror of a sim world: meshes built once from the scene spec and the arm's link shapes, then
 * moved imperatively from sim snapshots every frame. No React, no physics.
 */
import * as THREE from 'three';
import { LINK_SHAPES, type LinkShape } from '../sim/armGeometry';
import type { LinkName } from '../sim/kinematics';
import { JOINTS, NUM_ARM_JOINTS } from '../sim/kinematics';
import { type Mat3, rpy } from '../sim/math';
import { type BowlSpec, type ObjectSpec, type SceneSpec, TABLE } from '../sim/scene';
import type { SimSnapshot } from '../sim/world';
import { type Appearance, NEUTRAL_APPEARANCE } from './appearance';
import { colorOf, PALETTE } from './materials';

/** URDF jaw frame relative to the jaw body (which keeps the gripper's orientation at jaw angle 0). */
const JAW_ORIGIN: Mat3 = rpy(...(JOINTS[NUM_ARM_JOINTS].rpy as [number, number, number]));

export class TabletopScene {
  readonly scene = new THREE.Scene();
  readonly links = new Map<LinkName, THREE.Object3D>();
  private readonly objects = new Map<string, THREE.Object3D>();
  private readonly disposables: { dispose(): void }[] = [];
  readonly keyLight: THREE.DirectionalLight;

  constructor(
    readonly spec: SceneSpec,
    readonly appearance: Appearance = NEUTRAL_APPEARANCE,
  ) {
    const s = this.scene;
    s.background = new THREE.Color(PALETTE.background);
    const look = appearance;
    const hemi = new THREE.HemisphereLight(0xf4f6ff, 0x4a4036, look.ambientIntensity);
    hemi.position.set(0, 0, 1);
    s.add(hemi);
    const key = new THREE.DirectionalLight(0xffffff, look.keyIntensity);
    key.position.set(...look.keyDirection);
    key.target.position.set(0.15, 0, 0);
    key.castShadow = true;
    key.shadow.mapSize.set(1024, 1024);
    const cam = key.shadow.camera;
    cam.left = -0.5;
    cam.right = 0.5;
    cam.top = 0.5;
    cam.bottom = -0.5;
    cam.near = 0.1;
    cam.far = 2.5;
    key.shadow.bias = -0.0004;
    key.shadow.normalBias = 0.002;
    s.add(key, key.target);
    this.keyLight = key;
    const fill = new THREE.DirectionalLight(0xdfe8ff, 0.5);
    fill.position.set(0.8, -0.6, 0.6);
    s.add(fill);

    this.addTable();
    for (const b of spec.bowls) this.addBowl(b);
    for (const o of spec.objects) this.addObject(o);
    for (const [name, shapes] of Object.entries(LINK_SHAPES) as [LinkName, LinkShape[]][]) this.addLink(name, shapes);
  }

  /** Move every mesh to the snapshot's poses. */
  update(snap: SimSnapshot): void {
    for (const [name, obj] of this.links) {
      const pose = snap.links[name];
      if (!pose) continue;
      obj.position.set(pose.p[0], pose.p[1], pose.p[2]);
      obj.quaternion.setFromRotationMatrix(toMatrix4(pose.r));
    }
    for (const [id, obj] of this.objects) {
      const st = snap.objects[id];
      if (!st) continue;
      obj.position.set(st.p[0], st.p[1], st.p[2]);
      obj.quaternion.set(st.q.x, st.q.y, st.q.z, st.q.w);
    }
  }

  /** The gripper link's object, for cameras that ride on it. */
  get gripper(): THREE.Object3D {
    return this.links.get('gripper') as THREE.Object3D;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.scene.clear();
  }

  private track<T extends { dispose(): void }>(x: T): T {
    this.disposables.push(x);
    return x;
  }

  private shaded(id: string, c: THREE.Color): THREE.Color {
    const d = this.appearance.shade[id];
    return d ? c.offsetHSL(d.h, d.s, d.l) : c;
  }

  private tint(c: THREE.Color): THREE.Color {
    const [r, g, b] = this.appearance.tableTint;
    return new THREE.Color(c.r * r, c.g * g, c.b * b);
  }

  private material(color: THREE.ColorRepresentation, roughness = 0.6): THREE.MeshStandardMaterial {
    return this.track(new THREE.MeshStandardMaterial({ color, roughness, metalness: 0.05 }));
  }

  private addTable(): void {
    const w = TABLE.maxX - TABLE.minX;
    const h = TABLE.maxY - TABLE.minY;
    const top = new THREE.Mesh(this.track(new THREE.BoxGeometry(w, h, TABLE.thickness)), this.material(this.tint(new THREE.Color(PALETTE.table)), 0.8));
    top.position.set(TABLE.minX + w / 2, TABLE.minY + h / 2, -TABLE.thickness / 2);
    top.receiveShadow = true;
    this.scene.add(top);
    const floor = new THREE.Mesh(this.track(new THREE.PlaneGeometry(6, 6)), this.material(PALETTE.floor, 0.95));
    floor.position.z = -0.75;
    floor.receiveShadow = true;
    this.scene.add(floor);
  }

  private addBowl(b: BowlSpec): void {
    const mat = this.material(this.shaded(b.id, colorOf(b.color)), 0.45);
    mat.side = THREE.DoubleSide;
    const bowl = new THREE.Group();
    const wall = new THREE.Mesh(this.track(new THREE.CylinderGeometry(b.radius + b.wall / 2, b.radius + b.wall / 2, b.height, 48, 1, true)), mat);
    wall.rotation.x = Math.PI / 2;
    wall.position.z = b.height / 2;
    const floor = new THREE.Mesh(this.track(new THREE.CircleGeometry(b.radius + b.wall / 2, 48)), mat);
    floor.position.z = 0.004;
    const rim = new THREE.Mesh(this.track(new THREE.TorusGeometry(b.radius + b.wall / 2, b.wall / 2, 8, 48)), mat);
    rim.position.z = b.height;
    for (const m of [wall, floor, rim]) {
      m.castShadow = true;
      m.receiveShadow = true;
      bowl.add(m);
    }
    bowl.position.set(b.x, b.y, 0);
    this.scene.add(bowl);
  }

  private addObject(o: ObjectSpec): void {
    let geo: THREE.BufferGeometry;
    if (o.shape === 'cube') geo = new THREE.BoxGeometry(o.size, o.size, o.height);
    else {
      geo = new THREE.CylinderGeometry(o.size / 2, o.size / 2, o.height, 32);
      geo.rotateX(Math.PI / 2);
    }
    this.track(geo);
    const mesh = new THREE.Mesh(geo, this.material(this.shaded(o.id, colorOf(o.color)), 0.5));
    mesh.castShadow = true;
    mesh.receiveShadow = true;
    mesh.name = o.id;
    this.scene.add(mesh);
    this.objects.set(o.id, mesh);
  }

  private addLink(name: LinkName, shapes: LinkShape[]): void {
    const group = new THREE.Group();
    group.name = name;
    // The jaw body keeps the gripper's orientation; its shapes are given in the URDF jaw frame.
    const holder = new THREE.Group();
    if (name === 'jaw') holder.quaternion.setFromRotationMatrix(toMatrix4(JAW_ORIGIN));
    group.add(holder);
    for (const s of shapes) {
      const color = s.role === 'finger' ? PALETTE.finger : PALETTE.armShell;
      let mesh: THREE.Mesh;
      if (s.kind === 'box') {
        mesh = new THREE.Mesh(this.track(new THREE.BoxGeometry(s.half[0] * 2, s.half[1] * 2, s.half[2] * 2)), this.material(color, 0.5));
        mesh.position.set(...s.center);
      } else {
        const a = new THREE.Vector3(...s.from);
        const b = new THREE.Vector3(...s.to);
        const len = a.distanceTo(b);
        mesh = new THREE.Mesh(this.track(new THREE.CapsuleGeometry(s.radius, len, 6, 16)), this.material(color, 0.45));
        mesh.position.copy(a).add(b).multiplyScalar(0.5);
        mesh.quaternion.setFromUnitVectors(new THREE.Vector3(0, 1, 0), b.clone().sub(a).normalize());
      }
      mesh.castShadow = true;
      mesh.receiveShadow = true;
      holder.add(mesh);
    }
    // A dark servo block at each joint, so the arm's joints read clearly.
    if (name !== 'base' && name !== 'jaw') {
      const servo = new THREE.Mesh(this.track(new THREE.BoxGeometry(0.026, 0.026, 0.034)), this.material(PALETTE.armJoint, 0.4));
      servo.castShadow = true;
      holder.add(servo);
    }
    this.scene.add(group);
    this.links.set(name, group);
  }
}

export function toMatrix4(r: Mat3): THREE.Matrix4 {
  return new THREE.Matrix4().set(r[0], r[1], r[2], 0, r[3], r[4], r[5], 0, r[6], r[7], r[8], 0, 0, 0, 0, 1);
}
