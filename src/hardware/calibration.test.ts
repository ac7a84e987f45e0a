import { calibrationError } from './calibrationTesting';
import { describe, expect, it } from 'vitest';
import {
  type Calibration,
  calibrationToJson,
  MAX_CALIBRATION_JSON_CHARS,
  type MotorCalibration,
  normalize,
  parseCalibrationJson,
  sameCalibration,
  unnormalize,
  validateCalibration,
} from './calibration';
import { TEST_CALIBRATION } from './so101Fixtures';

const EXAMPLE: MotorCalibration = { id: 1, drive_mode: 0, homing_offset: 0, range_min: 1015, range_max: 3128 };
const INVERTED: MotorCalibration = { ...EXAMPLE, drive_mode: 1 };

/** A file as LeRobot writes it (json.dump, indent 4). */
const LEROBOT_FILE = `{
    "shoulder_pan": {
        "id": 1,
        "drive_mode": 0,
        "homing_offset": -1180,
        "range_min": 790,
        "range_max": 3310
    },
    "shoulder_lift": {"id": 2, "drive_mode": 0, "homing_offset": 910, "range_min": 800, "range_max": 3290},
    "elbow_flex": {"id": 3, "drive_mode": 0, "homing_offset": -640, "range_min": 820, "range_max": 3270},
    "wrist_flex": {"id": 4, "drive_mode": 0, "homing_offset": 1450, "range_min": 830, "range_max": 3260},
    "wrist_roll": {"id": 5, "drive_mode": 0, "homing_offset": -95, "range_min": 160, "range_max": 3950},
    "gripper": {"id": 6, "drive_mode": 0, "homing_offset": 275, "range_min": 2020, "range_max": 3380}
}`;

function plain(cal: Calibration): Record<string, Record<string, number>> {
  return JSON.parse(calibrationToJson(cal));
}


describe('normalisation (LeRobot formulas)', () => {
  it("matches SO101.md's example: min 1015, max 3128, raw 2000", () => {
    expect(normalize(2000, EXAMPLE, 'range_m100_100')).toBeCloseTo(-6.7676, 4);
    expect(normalize(2000, EXAMPLE, 'degrees')).toBeCloseTo(-6.2857, 4);
    expect(normalize(2000, EXAMPLE, 'range_0_100')).toBeCloseTo(46.6162, 4);
  });

  it('clamps to the calibrated range in the range modes, but not in degrees', () => {
    expect(normalize(500, EXAMPLE, 'range_m100_100')).toBe(-100);
    expect(normalize(4000, EXAMPLE, 'range_m100_100')).toBe(100);
    expect(normalize(500, EXAMPLE, 'range_0_100')).toBe(0);
    expect(normalize(4000, EXAMPLE, 'range_0_100')).toBe(100);
    // Past the recorded range a joint still reads its true angle.
    expect(normalize(500, EXAMPLE, 'degrees')).toBeCloseTo(((500 - 2071.5) * 360) / 4095, 9);
  });

  it('inverts with drive_mode in the range modes only', () => {
    expect(normalize(2000, INVERTED, 'range_m100_100')).toBeCloseTo(6.7676, 4);
    expect(normalize(2000, INVERTED, 'range_0_100')).toBeCloseTo(100 - 46.6162, 4);
    expect(normalize(2000, INVERTED, 'degrees')).toBeCloseTo(-6.2857, 4);
    expect(unnormalize(6.768, INVERTED, 'range_m100_100')).toBe(1999);
    expect(unnormalize(100, INVERTED, 'range_0_100')).toBe(1015);
  });

  it('inverse maps truncate toward zero, as int() does', () => {
    // −6.768 maps back to 1999.996: truncation gives 1999 where rounding would give 2000.
    expect(unnormalize(-6.768, EXAMPLE, 'range_m100_100')).toBe(1999);
    expect(unnormalize(-6.7676, EXAMPLE, 'range_m100_100')).toBe(2000);
    expect(unnormalize(normalize(2000, EXAMPLE, 'degrees'), EXAMPLE, 'degrees')).toBeGreaterThanOrEqual(1999);
    // A negative result truncates up (toward zero), not down.
    const small: MotorCalibration = { ...EXAMPLE, range_min: 0, range_max: 100 };
    const v = (-60.5 * 360) / 4095; // → −10.5 ticks
    expect(unnormalize(v, small, 'degrees')).toBe(-10);
  });

  it('clamps commands to the range in the range modes', () => {
    expect(unnormalize(150, EXAMPLE, 'range_m100_100')).toBe(3128);
    expect(unnormalize(-150, EXAMPLE, 'range_m100_100')).toBe(1015);
    expect(unnormalize(120, EXAMPLE, 'range_0_100')).toBe(3128);
    expect(unnormalize(-5, EXAMPLE, 'range_0_100')).toBe(1015);
  });

  it('round-trips every tick of a range to within one tick (the truncation)', () => {
    for (const mode of ['range_m100_100', 'range_0_100', 'degrees'] as const) {
      let exact = 0;
      for (let t = EXAMPLE.range_min; t <= EXAMPLE.range_max; t++) {
        const back = unnormalize(normalize(t, EXAMPLE, mode), EXAMPLE, mode);
        expect(t - back === 0 || t - back === 1).toBe(true);
        if (back === t) exact++;
      }
      expect(exact).toBeGreaterThan(0.5 * (EXAMPLE.range_max - EXAMPLE.range_min));
    }
  });

  it('refuses a non-finite command and a degenerate range', () => {
    expect(() => unnormalize(Number.NaN, EXAMPLE, 'degrees')).toThrow(RangeError);
    expect(() => unnormalize(Number.POSITIVE_INFINITY, EXAMPLE, 'range_0_100')).toThrow(RangeError);
    expect(() => normalize(2000, { ...EXAMPLE, range_max: 1015 }, 'degrees')).toThrow(RangeError);
  });
});

describe('calibration JSON', () => {
  it('reads a file as LeRobot writes it', () => {
    const cal = parseCalibrationJson(LEROBOT_FILE);
    expect(cal.shoulder_pan).toEqual({ id: 1, drive_mode: 0, homing_offset: -1180, range_min: 790, range_max: 3310 });
    expect(sameCalibration(cal, TEST_CALIBRATION)).toBe(true);
  });

  it('exports and re-imports without loss, in LeRobot field order and indent', () => {
    const text = calibrationToJson(TEST_CALIBRATION);
    expect(text).toContain('\n    "shoulder_pan": {\n        "id": 1,\n        "drive_mode": 0,\n        "homing_offset": -1180,');
    const back = parseCalibrationJson(text);
    expect(back).toEqual(TEST_CALIBRATION);
    expect(calibrationToJson(back)).toBe(text);
  });

  it('returns a fresh, frozen object holding only the known fields', () => {
    const cal = validateCalibration(JSON.parse(LEROBOT_FILE));
    expect(Object.isFrozen(cal)).toBe(true);
    expect(Object.isFrozen(cal.gripper)).toBe(true);
    expect(Object.keys(cal.gripper)).toEqual(['id', 'drive_mode', 'homing_offset', 'range_min', 'range_max']);
  });

  const base = () => plain(TEST_CALIBRATION);
  const withField = (motor: string, field: string, value: unknown) => {
    const c: Record<string, Record<string, unknown>> = base();
    c[motor][field] = value;
    return JSON.stringify(c);
  };

  it.each([
    ['a string field', withField('wrist_flex', 'range_min', '830'), 'wrist_flex.range_min', 'got "830"'],
    ['a boolean field', withField('gripper', 'drive_mode', true), 'gripper.drive_mode', 'got true'],
    ['a null field', withField('elbow_flex', 'homing_offset', null), 'elbow_flex.homing_offset', 'got null'],
    ['a fraction', withField('shoulder_pan', 'range_max', 3310.5), 'shoulder_pan.range_max', 'got 3310.5'],
    ['a huge number', withField('shoulder_lift', 'range_max', 1e308), 'shoulder_lift.range_max', 'got 1e+308'],
    ['a number past the tick range', withField('shoulder_lift', 'range_max', 4096), 'shoulder_lift.range_max', 'from 0 to 4095'],
    ['a negative range', withField('wrist_roll', 'range_min', -5), 'wrist_roll.range_min', 'got -5'],
    ['an offset Homing_Offset cannot hold', withField('wrist_roll', 'homing_offset', 2048), 'wrist_roll.homing_offset', 'from -2047 to 2047'],
    ['drive_mode 2', withField('gripper', 'drive_mode', 2), 'gripper.drive_mode', '0 or 1'],
    ['a wrong id', withField('wrist_flex', 'id', 7), 'wrist_flex.id', "4 (the SO-101's id for wrist_flex)"],
    ['min not below max', withField('elbow_flex', 'range_min', 3270), 'elbow_flex.range_min', 'must be below'],
    ['an object field', withField('gripper', 'range_min', { $gt: 0 }), 'gripper.range_min', 'got an object'],
    ['a list field', withField('gripper', 'range_min', [1]), 'gripper.range_min', 'got a list'],
    ['an unknown field', withField('gripper', 'torque', 1), 'gripper.torque', 'unknown field "torque"'],
  ])('rejects %s, naming the field', (_label, text, field, words) => {
    const err = calibrationError(() => parseCalibrationJson(text));
    expect(err.field).toBe(field);
    expect(err.message).toContain(words);
  });

  it('rejects a missing field and a missing motor', () => {
    const c: Record<string, Record<string, unknown>> = base();
    delete c.wrist_flex.homing_offset;
    expect(calibrationError(() => parseCalibrationJson(JSON.stringify(c))).message).toBe('calibration: wrist_flex.homing_offset is missing');
    const d: Record<string, unknown> = base();
    delete d.gripper;
    const err = calibrationError(() => parseCalibrationJson(JSON.stringify(d)));
    expect(err.message).toBe('calibration is missing motor "gripper"');
    expect(err.field).toBe('gripper');
  });

  it('rejects __proto__ and constructor keys without touching any prototype', () => {
    const body = JSON.stringify(base()).slice(1, -1);
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const err = calibrationError(() => parseCalibrationJson(`{"${key}": {"polluted": true}, ${body}}`));
      expect(err.message).toContain(`unknown motor "${key}"`);
    }
    const nested = calibrationError(() => parseCalibrationJson(`{${body.replace('"id":6', '"__proto__":{"polluted":1},"id":6')}}`));
    expect(nested.field).toBe('gripper.__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it.each([
    ['text that is not JSON', '{"shoulder_pan": {', 'not valid JSON'],
    ['an empty file', '', 'not valid JSON'],
    ['a top-level list', '[1, 2, 3]', 'must be an object, got a list'],
    ['null', 'null', 'must be an object, got null'],
    ['a number', '42', 'must be an object, got 42'],
    ['a motor that is a number', JSON.stringify({ ...base(), elbow_flex: 3 }), 'elbow_flex must be an object, got 3'],
    ['a file far too large', `{"x": "${'a'.repeat(MAX_CALIBRATION_JSON_CHARS)}"}`, 'too large'],
    ['deep nesting', `${'['.repeat(40_000)}${']'.repeat(40_000)}`, 'calibration'],
  ])('rejects %s with a readable CalibrationError', (_label, text, words) => {
    expect(calibrationError(() => parseCalibrationJson(text)).message).toContain(words);
  });

  it('rejects non-text input and a long hostile key, quoting it briefly', () => {
    expect(calibrationError(() => parseCalibrationJson(undefined)).message).toBe('calibration file must be text, got nothing');
    expect(calibrationError(() => parseCalibrationJson(42)).message).toContain('got 42');
    const err = calibrationError(() => parseCalibrationJson(JSON.stringify({ ['x'.repeat(5000)]: 1 })));
    expect(err.message.length).toBeLessThan(200);
  });

  it('never runs getters and wraps hostile objects into CalibrationError', () => {
    let called = false;
    const withGetter = { ...plain(TEST_CALIBRATION) };
    Object.defineProperty(withGetter, 'gripper', {
      enumerable: true,
      get() {
        called = true;
        throw new Error('boom');
      },
    });
    expect(calibrationError(() => validateCalibration(withGetter)).message).toContain('gripper is not a plain value');
    expect(called).toBe(false);
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(calibrationError(() => validateCalibration(trap)).message).toBe('calibration could not be read (trap)');
  });
});
