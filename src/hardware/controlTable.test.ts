import { describe, expect, it } from 'vitest';
import {
  CONTROL_TABLE,
  decodeLE,
  decodeRegister,
  decodeSignMagnitude,
  encodeLE,
  encodeRegister,
  encodeSignMagnitude,
  REGISTER_NAMES,
  registerSpec,
  SIGN_BITS,
} from './controlTable';

describe('STS3215 control table', () => {
  it('holds every register of SO101.md at its address and size', () => {
    const expected = `ID (5,1) · Baud_Rate (6,1) · Return_Delay_Time (7,1) · Min_Position_Limit (9,2) ·
      Max_Position_Limit (11,2) · Max_Torque_Limit (16,2) · P_Coefficient (21,1) · D_Coefficient (22,1) ·
      I_Coefficient (23,1) · Protection_Current (28,2) · Homing_Offset (31,2) · Operating_Mode (33,1) ·
      Overload_Torque (36,1) · Torque_Enable (40,1) · Acceleration (41,1) · Goal_Position (42,2) · Goal_Time (44,2) ·
      Goal_Velocity (46,2) · Torque_Limit (48,2) · Lock (55,1) · Present_Position (56,2) · Present_Velocity (58,2) ·
      Present_Load (60,2) · Present_Voltage (62,1) · Present_Temperature (63,1) · Status (65,1) · Moving (66,1) ·
      Present_Current (69,2) · Maximum_Acceleration (85,1) · Model_Number (3,2)`;
    const rows = [...expected.matchAll(/(\w+) \((\d+),(\d+)\)/g)].map((m) => [m[1], [Number(m[2]), Number(m[3])]]);
    expect(rows).toHaveLength(30);
    expect(Object.fromEntries(rows)).toEqual(CONTROL_TABLE);
  });

  it('has no overlapping registers', () => {
    const spans = REGISTER_NAMES.map((n) => CONTROL_TABLE[n]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i][0]).toBeGreaterThanOrEqual(spans[i - 1][0] + spans[i - 1][1]);
  });

  it('marks the sign-magnitude registers with their sign bit', () => {
    expect(registerSpec('Homing_Offset').signBit).toBe(11);
    expect(registerSpec('Present_Load').signBit).toBe(10);
    for (const n of ['Goal_Position', 'Goal_Velocity', 'Present_Position', 'Present_Velocity'] as const) {
      expect(registerSpec(n).signBit).toBe(15);
    }
    expect(registerSpec('Torque_Enable').signBit).toBeUndefined();
    expect(Object.keys(SIGN_BITS)).toHaveLength(6);
  });
});

describe('sign-magnitude', () => {
  it('puts Homing_Offset −1000 in bit 11: 0x800 | 1000, little-endian E8 0B', () => {
    expect(encodeSignMagnitude(-1000, 11)).toBe(0x800 | 1000);
    expect([...encodeRegister('Homing_Offset', -1000)]).toEqual([0xe8, 0x0b]);
    expect(decodeRegister('Homing_Offset', [0xe8, 0x0b])).toBe(-1000);
  });

  it('round-trips every value of every signed register', () => {
    for (const [name, bit] of Object.entries(SIGN_BITS) as [keyof typeof SIGN_BITS, number][]) {
      const max = 2 ** bit - 1;
      const wrong: number[] = [];
      for (let v = -max; v <= max; v++) {
        if (decodeSignMagnitude(encodeSignMagnitude(v, bit), bit) !== v) wrong.push(v);
        if (decodeRegister(name, encodeRegister(name, v)) !== v) wrong.push(v);
      }
      expect(wrong, name).toEqual([]);
    }
  });

  it('rejects magnitudes that reach the sign bit and non-integers', () => {
    expect(() => encodeSignMagnitude(2048, 11)).toThrow(RangeError);
    expect(() => encodeRegister('Homing_Offset', -2048)).toThrow(RangeError);
    expect(() => encodeRegister('Goal_Position', 1.5)).toThrow(RangeError);
    expect(encodeSignMagnitude(2047, 11)).toBe(2047);
  });

  it('ignores bits above the sign bit when decoding, and reads −0 as 0', () => {
    expect(decodeSignMagnitude(0xf000 | 0x800 | 5, 11)).toBe(-5);
    expect(decodeSignMagnitude(0x400, 10) === 0).toBe(true);
    expect(decodeRegister('Present_Load', encodeLE(0x400 | 300, 2))).toBe(-300);
  });
});

describe('little-endian', () => {
  it('encodes Goal_Position 2048 as 00 08 and unsigned registers plainly', () => {
    expect([...encodeRegister('Goal_Position', 2048)]).toEqual([0x00, 0x08]);
    expect([...encodeRegister('Model_Number', 777)]).toEqual([0x09, 0x03]);
    expect([...encodeRegister('Torque_Enable', 1)]).toEqual([1]);
  });

  it('round-trips and bounds', () => {
    for (const v of [0, 1, 255, 256, 4095, 65535]) expect(decodeLE(encodeLE(v, 2), 0, 2)).toBe(v);
    expect(decodeLE([9, 9, 0x34, 0x12], 2, 2)).toBe(0x1234);
    expect(() => encodeLE(65536, 2)).toThrow(RangeError);
    expect(() => encodeLE(-1, 2)).toThrow(RangeError);
    expect(() => encodeRegister('Torque_Enable', 256)).toThrow(RangeError);
  });
});
