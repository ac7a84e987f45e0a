/**
 * Tabletop scenes as pure data from a seed (`generateScene`), and a builder that puts one into a Rapier world
 * (`buildTabletop`). Base frame = world frame: z up, the arm's base at the origin on the table top, facing +x.
 */
import type RAPIER_NS from '@dimforge/rapier3d-compat';
import { COLLISION } from './collision';
import type { Rapier } from './rapier';
import { Rng } from './rng';

export const OBJECT_COLORS = ['red', 'green', 'blue', 'yellow', 'purple', 'orange'] as const;
export type ColorName = (typeof OBJECT_COLORS)[number];
export const SHAPES = ['cube', 'cylinder'] as const;
export type ShapeName = (typeof SHAPES)[number];

/** Base RGB of each colour name (0..1); renderers may vary the shade but never the hue family. */
export const COLOR_RGB: Record<ColorName, [number, number, number]> = {
  red: [0.85, 0.12, 0.1],
  green: [0.12, 0.65, 0.2],
  blue: [0.12, 0.3, 0.85],
  yellow: [0.95, 0.82, 0.1],
  purple: [0.55, 0.2, 0.75],
  orange: [0.98, 0.5, 0.08],
};

export interface ObjectSpec {
  id: string;
  shape: ShapeName;
  color: ColorName;
  /** Cube edge or cylinder diameter (m). */
  size: number;
  /** Height (m): the edge for a cube. */
  height: number;
  x: number;
  y: number;
  yaw: number;
  mass: number;
}

export interface BowlSpec {
  id: string;
  color: ColorName;
  x: number;
  y: number;
  /** Inner radius at the floor (m). */
  radius: number;
  /** Wall height (m). */
  height: number;
  wall: number;
}

export interface SceneSpec {
  seed: number;
  objects: ObjectSpec[];
  bowls: BowlSpec[];
}

export const TABLE = {
  /** Table top extent in the base frame (m); the arm stands at its near edge. */
  minX: -0.12,
  maxX: 0.52,
  minY: -0.42,
  maxY: 0.42,
  thickness: 0.04,
  friction: 0.4,
} as const;

/** Where objects and bowls may be placed: an annulus sector in front of the arm that it reaches pointing down. */
export const PLACEMENT = {
  minRadius: 0.15,
  maxRadius: 0.27,
  maxAngle: (58 * Math.PI) / 180,
  /** Free space kept around every object for the open jaw (m). */
  clearance: 0.035,
} as const;

const BOWL_DEFAULT = { radius: 0.05, height: 0.03, wall: 0.005 };

export interface SceneOptions {
  objects?: [number, number];
  bowls?: [number, number];
}

/** A deterministic layout for a seed: 3–5 objects (unique colour+shape), 1–2 bowls, no overlaps. */
export function generateScene(seed: number, opts: SceneOptions = {}, variant = 0): SceneSpec {
  const rng = new Rng(seed, variant);
  const [minObj, maxObj] = opts.objects ?? [3, 5];
  const [minBowl, maxBowl] = opts.bowls ?? [1, 2];
  for (let attempt = 0; ; attempt++) {
    const nObj = rng.int(minObj, maxObj);
    const nBowl = rng.int(minBowl, maxBowl);
    const bowlColors = rng.shuffle(OBJECT_COLORS).slice(0, nBowl);
    // Every object has a distinct (colour, shape), and the set spans at least three colours and both shapes.
    const kinds = rng.shuffle(OBJECT_COLORS.flatMap((c) => SHAPES.map((s) => [c, s] as const)));
    const chosen: (readonly [ColorName, ShapeName])[] = [];
    for (const k of kinds) {
      if (chosen.length === nObj) break;
      chosen.push(k);
    }
    const colors = new Set(chosen.map((k) => k[0]));
    const shapes = new Set(chosen.map((k) => k[1]));
    if (colors.size < 3 || shapes.size < 2) continue;

    const placed: { x: number; y: number; r: number }[] = [];
    const place = (footprint: number): { x: number; y: number } | null => {
      for (let t = 0; t < 200; t++) {
        const r = rng.uniform(PLACEMENT.minRadius, PLACEMENT.maxRadius);
        const a = rng.uniform(-PLACEMENT.maxAngle, PLACEMENT.maxAngle);
        const x = r * Math.cos(a);
        const y = r * Math.sin(a);
        if (placed.every((p) => Math.hypot(p.x - x, p.y - y) >= p.r + footprint + PLACEMENT.clearance)) {
          placed.push({ x, y, r: footprint });
          return { x, y };
        }
      }
      return null;
    };

    const bowls: BowlSpec[] = [];
    let ok = true;
    for (let i = 0; i < nBowl && ok; i++) {
      const outer = BOWL_DEFAULT.radius + BOWL_DEFAULT.wall + 0.01;
      const p = place(outer);
      if (!p) ok = false;
      else bowls.push({ id: `bowl${i}`, color: bowlColors[i], x: p.x, y: p.y, ...BOWL_DEFAULT });
    }
    const objects: ObjectSpec[] = [];
    for (let i = 0; i < chosen.length && ok; i++) {
      const [color, shape] = chosen[i];
      const size = shape === 'cube' ? rng.uniform(0.026, 0.036) : rng.uniform(0.026, 0.034);
      const height = shape === 'cube' ? size : rng.uniform(0.03, 0.04);
      const p = place((size / 2) * Math.SQRT2);
      if (!p) {
        ok = false;
        break;
      }
      const volume = shape === 'cube' ? size ** 3 : Math.PI * (size / 2) ** 2 * height;
      objects.push({
        id: `obj${i}`,
        shape,
        color,
        size,
        height,
        x: p.x,
        y: p.y,
        yaw: rng.uniform(-Math.PI / 4, Math.PI / 4),
        mass: 900 * volume,
      });
    }
    if (ok) return { seed, objects, bowls };
    if (attempt > 50) throw new Error(`could not lay out a scene for seed ${seed}`);
  }
}

export function describeObject(o: Pick<ObjectSpec, 'color' | 'shape'>): string {
  return `${o.color} ${o.shape}`;
}
export function describeBowl(b: Pick<BowlSpec, 'color'>): string {
  return `${b.color} bowl`;
}

export interface TabletopHandles {
  table: RAPIER_NS.RigidBody;
  objects: Map<string, RAPIER_NS.RigidBody>;
  bowls: Map<string, RAPIER_NS.RigidBody>;
}

const BOWL_SEGMENTS = 16;

/** Put a scene into a world. Pure with respect to its inputs: the same spec gives the same bodies in the same order. */
export function buildTabletop(R: Rapier, world: RAPIER_NS.World, spec: SceneSpec): TabletopHandles {
  const table = world.createRigidBody(R.RigidBodyDesc.fixed());
  const hx = (TABLE.maxX - TABLE.minX) / 2;
  const hy = (TABLE.maxY - TABLE.minY) / 2;
  world.createCollider(
    R.ColliderDesc.cuboid(hx, hy, TABLE.thickness / 2)
      .setTranslation(TABLE.minX + hx, TABLE.minY + hy, -TABLE.thickness / 2)
      .setFriction(TABLE.friction)
      .setCollisionGroups(COLLISION.table),
    table,
  );

  const bowls = new Map<string, RAPIER_NS.RigidBody>();
  for (const b of spec.bowls) {
    const body = world.createRigidBody(R.RigidBodyDesc.fixed().setTranslation(b.x, b.y, 0));
    const floor = 0.004;
    world.createCollider(
      R.ColliderDesc.cylinder(floor / 2, b.radius + b.wall)
        .setRotation(X_TO_Z)
        .setTranslation(0, 0, floor / 2)
        .setFriction(0.6)
        .setCollisionGroups(COLLISION.bowl),
      body,
    );
    const mid = b.radius + b.wall / 2;
    const seg = ((2 * Math.PI * mid) / BOWL_SEGMENTS) * 0.6;
    for (let i = 0; i < BOWL_SEGMENTS; i++) {
      const a = (i / BOWL_SEGMENTS) * Math.PI * 2;
      world.createCollider(
        R.ColliderDesc.cuboid(b.wall / 2, seg, b.height / 2)
          .setTranslation(mid * Math.cos(a), mid * Math.sin(a), b.height / 2)
          .setRotation({ x: 0, y: 0, z: Math.sin(a / 2), w: Math.cos(a / 2) })
          .setFriction(0.6)
          .setCollisionGroups(COLLISION.bowl),
        body,
      );
    }
    bowls.set(b.id, body);
  }

  const objects = new Map<string, RAPIER_NS.RigidBody>();
  for (const o of spec.objects) {
    const body = world.createRigidBody(
      R.RigidBodyDesc.dynamic()
        .setTranslation(o.x, o.y, o.height / 2)
        .setRotation({ x: 0, y: 0, z: Math.sin(o.yaw / 2), w: Math.cos(o.yaw / 2) })
        .setCanSleep(false),
    );
    const desc =
      o.shape === 'cube'
        ? R.ColliderDesc.cuboid(o.size / 2, o.size / 2, o.height / 2)
        : R.ColliderDesc.cylinder(o.height / 2, o.size / 2).setRotation(X_TO_Z);
    world.createCollider(desc.setMass(o.mass).setFriction(0.9).setCollisionGroups(COLLISION.object), body);
    objects.set(o.id, body);
  }
  return { table, objects, bowls };
}

/** Rapier cylinders stand along y; this quarter turn about x stands them along z. */
const X_TO_Z = { x: Math.SQRT1_2, y: 0, z: 0, w: Math.SQRT1_2 };
