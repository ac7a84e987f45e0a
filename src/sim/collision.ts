/**
 * Collision groups (Rapier packs membership in the high 16 bits and the filter in the low 16).
 * Arm links touch objects only; fingers touch objects and the table but not each other; the arm never
 * touches the bowls or the table, because a kinematic link cannot be stopped by them anyway.
 */
const TABLE = 1;
const ARM = 2;
const FINGER = 4;
const OBJECT = 8;
const BOWL = 16;

const groups = (member: number, filter: number): number => ((member << 16) | filter) >>> 0;

export const COLLISION = {
  table: groups(TABLE, OBJECT | FINGER),
  armBody: groups(ARM, OBJECT),
  finger: groups(FINGER, OBJECT | TABLE),
  object: groups(OBJECT, TABLE | ARM | FINGER | OBJECT | BOWL),
  bowl: groups(BOWL, OBJECT),
} as const;
