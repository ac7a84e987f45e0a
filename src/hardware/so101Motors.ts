/**
 * The SO-101 follower's motors: names, bus ids and encoder facts. The order is LeRobot's and the app's joint order
 * (`shoulder_pan.pos` … `gripper.pos`), so arrays indexed by it line up with actions and states.
 */

export const SO101_MOTOR_NAMES = ['shoulder_pan', 'shoulder_lift', 'elbow_flex', 'wrist_flex', 'wrist_roll', 'gripper'] as const;
export type MotorName = (typeof SO101_MOTOR_NAMES)[number];

/** Bus ids, as LeRobot's SO-101 setup assigns them. */
export const SO101_MOTOR_IDS: Readonly<Record<MotorName, number>> = Object.freeze({
  shoulder_pan: 1,
  shoulder_lift: 2,
  elbow_flex: 3,
  wrist_flex: 4,
  wrist_roll: 5,
  gripper: 6,
});

/** Ids in joint order. */
export const SO101_IDS: readonly number[] = SO101_MOTOR_NAMES.map((name) => SO101_MOTOR_IDS[name]);

export const GRIPPER: MotorName = 'gripper';

/** STS3215: 4096 ticks per turn; readings run 0…4095. */
export const TICKS_PER_TURN = 4096;
export const MAX_TICK = TICKS_PER_TURN - 1;
/** LeRobot's half turn, int(4095 / 2): half-turn homing makes the middle of each joint's range read this. */
export const HALF_TURN = 2047;
/** Homing_Offset is sign-magnitude with the sign at bit 11, so its magnitude is at most 2^11 − 1. */
export const MAX_HOMING_OFFSET = 2047;

export function isMotorName(name: string): name is MotorName {
  return (SO101_MOTOR_NAMES as readonly string[]).includes(name);
}

/** "motor 4 (wrist_flex)": how messages name a motor, by the number printed on the arm and its joint. */
export function motorLabel(idOrName: number | MotorName): string {
  if (typeof idOrName === 'number') {
    const name = SO101_MOTOR_NAMES.find((n) => SO101_MOTOR_IDS[n] === idOrName);
    return name ? `motor ${idOrName} (${name})` : `motor ${idOrName}`;
  }
  return `motor ${SO101_MOTOR_IDS[idOrName]} (${idOrName})`;
}
