/**
 * LeRobot-compatible SO-101 calibration: the JSON file LeRobot writes (`{ "<motor>": {id, drive_mode,
 * homing_offset, range_min, range_max} }`, ranges in the homed Present_Position frame), its validation, and the
 * normalisation between raw ticks and LeRobot's units, formula for formula (motors_bus.py `_normalize` and
 * `_unnormalize`), so positions mean the same here as in a LeRobot recording of the same arm.
 */
import { HALF_TURN, MAX_HOMING_OFFSET, MAX_TICK, type MotorName, SO101_MOTOR_IDS, SO101_MOTOR_NAMES } from './so101Motors';

export interface MotorCalibration {
  readonly id: number;
  /** 1 inverts the direction in the `range_*` modes (LeRobot ignores it in `degrees`). */
  readonly drive_mode: 0 | 1;
  /** Written to the motor's Homing_Offset register: Present_Position = actual − homing_offset. */
  readonly homing_offset: number;
  readonly range_min: number;
  readonly range_max: number;
}

export type Calibration = Readonly<Record<MotorName, MotorCalibration>>;

/** LeRobot's MotorNormMode values. */
export type NormMode = 'range_m100_100' | 'range_0_100' | 'degrees';
/** The modes LeRobot offers for the five body joints; the gripper is always `range_0_100`. */
export type BodyNormMode = 'degrees' | 'range_m100_100';

export function normModeOf(motor: MotorName, body: BodyNormMode): NormMode {
  return motor === 'gripper' ? 'range_0_100' : body;
}

/** A calibration that cannot be used. `field` names the offending entry (`wrist_flex.range_min`), or is null. */
export class CalibrationError extends Error {
  readonly field: string | null;
  constructor(message: string, field: string | null = null) {
    super(message);
    this.name = 'CalibrationError';
    this.field = field;
  }
}

/** A LeRobot calibration file is under 1 kB; anything near this size is not one, so it is refused before parsing. */
export const MAX_CALIBRATION_JSON_CHARS = 100_000;

const FIELDS = ['id', 'drive_mode', 'homing_offset', 'range_min', 'range_max'] as const;

/** JSON text (e.g. an imported file) → a validated calibration. Throws only CalibrationError. */
export function parseCalibrationJson(text: unknown): Calibration {
  if (typeof text !== 'string') throw new CalibrationError(`calibration file must be text, got ${show(text)}`);
  if (text.length > MAX_CALIBRATION_JSON_CHARS) {
    throw new CalibrationError(`calibration file is too large (${text.length} characters): it is not a LeRobot calibration`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // SyntaxError for bad JSON, RangeError for nesting deep enough to overflow the parser's stack.
    throw new CalibrationError(`calibration file is not valid JSON (${err instanceof Error ? err.message : 'parse failed'})`);
  }
  return validateCalibration(value);
}

/**
 * Any value (parsed JSON, a structured clone) → a validated calibration, built fresh from the known fields only.
 * Throws only CalibrationError; property getters are never invoked, and unexpected failures are wrapped.
 */
export function validateCalibration(value: unknown): Calibration {
  try {
    return checkCalibration(value);
  } catch (err) {
    if (err instanceof CalibrationError) throw err;
    throw new CalibrationError(`calibration could not be read (${err instanceof Error ? err.message : 'unknown error'})`);
  }
}

function checkCalibration(value: unknown): Calibration {
  const root = asRecord(value, 'calibration', null);
  for (const key of Object.keys(root)) {
    if (!(SO101_MOTOR_NAMES as readonly string[]).includes(key)) {
      throw new CalibrationError(
        `calibration has an unknown motor ${show(key)} (an SO-101 has ${SO101_MOTOR_NAMES.join(', ')})`,
        key,
      );
    }
  }
  const out = {} as Record<MotorName, MotorCalibration>;
  for (const motor of SO101_MOTOR_NAMES) {
    if (!Object.hasOwn(root, motor)) throw new CalibrationError(`calibration is missing motor "${motor}"`, motor);
    out[motor] = checkMotor(motor, ownValue(root, motor, motor));
  }
  return Object.freeze(out);
}

function checkMotor(motor: MotorName, value: unknown): MotorCalibration {
  const entry = asRecord(value, motor, motor);
  for (const key of Object.keys(entry)) {
    if (!(FIELDS as readonly string[]).includes(key)) {
      throw new CalibrationError(`calibration: ${motor} has an unknown field ${show(key)}`, `${motor}.${key}`);
    }
  }
  const field = (name: (typeof FIELDS)[number], lo: number, hi: number, what: string): number => {
    const path = `${motor}.${name}`;
    if (!Object.hasOwn(entry, name)) throw new CalibrationError(`calibration: ${path} is missing`, path);
    const v = ownValue(entry, name, path);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) {
      throw new CalibrationError(`calibration: ${path} must be ${what}, got ${show(v)}`, path);
    }
    return v;
  };
  const expectedId = SO101_MOTOR_IDS[motor];
  const id = field('id', expectedId, expectedId, `${expectedId} (the SO-101's id for ${motor})`);
  const driveMode = field('drive_mode', 0, 1, '0 or 1');
  const homingOffset = field('homing_offset', -MAX_HOMING_OFFSET, MAX_HOMING_OFFSET, `an integer from ${-MAX_HOMING_OFFSET} to ${MAX_HOMING_OFFSET}`);
  const rangeMin = field('range_min', 0, MAX_TICK, `an integer from 0 to ${MAX_TICK}`);
  const rangeMax = field('range_max', 0, MAX_TICK, `an integer from 0 to ${MAX_TICK}`);
  if (rangeMin >= rangeMax) {
    throw new CalibrationError(
      `calibration: ${motor}.range_min (${rangeMin}) must be below ${motor}.range_max (${rangeMax})`,
      `${motor}.range_min`,
    );
  }
  return Object.freeze({ id, drive_mode: driveMode as 0 | 1, homing_offset: homingOffset, range_min: rangeMin, range_max: rangeMax });
}

function asRecord(value: unknown, what: string, field: string | null): object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CalibrationError(`${what === 'calibration' ? 'calibration' : `calibration: ${what}`} must be an object, got ${show(value)}`, field);
  }
  return value;
}

/** An own data property's value, without running getters. */
function ownValue(obj: object, key: string, path: string): unknown {
  const d = Object.getOwnPropertyDescriptor(obj, key);
  if (d && !('value' in d)) throw new CalibrationError(`calibration: ${path} is not a plain value`, path);
  return d?.value;
}

/** A short, safe description of an untrusted value for an error message. */
function show(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v.length > 32 ? `${v.slice(0, 32)}…` : v);
    case 'number':
    case 'boolean':
      return String(v);
    case 'object':
      return 'an object';
    default:
      return `a ${typeof v}`;
  }
}

/** The calibration as LeRobot writes it (4-space indent, LeRobot's field order), ready to save as a .json file. */
export function calibrationToJson(calibration: Calibration): string {
  const out: Record<string, Record<string, number>> = {};
  for (const motor of SO101_MOTOR_NAMES) {
    const c = calibration[motor];
    out[motor] = { id: c.id, drive_mode: c.drive_mode, homing_offset: c.homing_offset, range_min: c.range_min, range_max: c.range_max };
  }
  return `${JSON.stringify(out, null, 4)}\n`;
}

/** True when both hold the same values for every motor. */
export function sameCalibration(a: Calibration, b: Calibration): boolean {
  return SO101_MOTOR_NAMES.every((m) => FIELDS.every((f) => a[m][f] === b[m][f]));
}

function checkRange(c: MotorCalibration): void {
  if (!(c.range_max > c.range_min)) throw new RangeError(`invalid calibration for motor ${c.id}: range_min must be below range_max`);
}

/**
 * Raw Present_Position ticks → LeRobot units. `range_*` modes clamp to the calibrated range and honour drive_mode;
 * `degrees` does neither (as LeRobot), so a joint pushed past its recorded range still reads its true angle.
 */
export function normalize(raw: number, c: MotorCalibration, mode: NormMode): number {
  checkRange(c);
  const { range_min: min, range_max: max } = c;
  const bounded = Math.min(max, Math.max(min, raw));
  switch (mode) {
    case 'range_m100_100': {
      const norm = ((bounded - min) / (max - min)) * 200 - 100;
      return c.drive_mode ? -norm : norm;
    }
    case 'range_0_100': {
      const norm = ((bounded - min) / (max - min)) * 100;
      return c.drive_mode ? 100 - norm : norm;
    }
    case 'degrees':
      return ((raw - (min + max) / 2) * 360) / MAX_TICK;
  }
}

/**
 * LeRobot units → raw Goal_Position ticks, truncated toward zero as LeRobot's int(). `range_*` modes clamp the
 * value to their range; `degrees` does not (callers clamp ticks to the calibrated range). Throws RangeError on a
 * non-finite value: no position means "don't know", never "go to zero".
 */
export function unnormalize(value: number, c: MotorCalibration, mode: NormMode): number {
  checkRange(c);
  if (!Number.isFinite(value)) throw new RangeError(`cannot convert ${value} to a motor position`);
  const { range_min: min, range_max: max } = c;
  switch (mode) {
    case 'range_m100_100': {
      const v = Math.min(100, Math.max(-100, c.drive_mode ? -value : value));
      return Math.trunc(((v + 100) / 200) * (max - min) + min);
    }
    case 'range_0_100': {
      const v = Math.min(100, Math.max(0, c.drive_mode ? 100 - value : value));
      return Math.trunc((v / 100) * (max - min) + min);
    }
    case 'degrees':
      return Math.trunc((value * MAX_TICK) / 360 + (min + max) / 2);
  }
}

/** Half-turn homing: the offset that makes the present position read HALF_TURN (LeRobot: pos − int(4095 / 2)). */
export function halfTurnHomingOffset(actualPosition: number): number {
  return actualPosition - HALF_TURN;
}
