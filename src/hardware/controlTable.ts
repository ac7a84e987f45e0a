/**
 * The STS3215 control table (the registers LeRobot's SO-101 follower uses) and the value encodings that go with it:
 * little-endian bytes on the wire, and sign-magnitude for the signed registers.
 */

/** `[address, size in bytes]` of each register. */
export const CONTROL_TABLE = {
  Model_Number: [3, 2],
  ID: [5, 1],
  Baud_Rate: [6, 1],
  Return_Delay_Time: [7, 1],
  Min_Position_Limit: [9, 2],
  Max_Position_Limit: [11, 2],
  Max_Torque_Limit: [16, 2],
  P_Coefficient: [21, 1],
  D_Coefficient: [22, 1],
  I_Coefficient: [23, 1],
  Protection_Current: [28, 2],
  Homing_Offset: [31, 2],
  Operating_Mode: [33, 1],
  Overload_Torque: [36, 1],
  Torque_Enable: [40, 1],
  Acceleration: [41, 1],
  Goal_Position: [42, 2],
  Goal_Time: [44, 2],
  Goal_Velocity: [46, 2],
  Torque_Limit: [48, 2],
  Lock: [55, 1],
  Present_Position: [56, 2],
  Present_Velocity: [58, 2],
  Present_Load: [60, 2],
  Present_Voltage: [62, 1],
  Present_Temperature: [63, 1],
  Status: [65, 1],
  Moving: [66, 1],
  Present_Current: [69, 2],
  Maximum_Acceleration: [85, 1],
} as const satisfies Record<string, readonly [number, 1 | 2]>;

export type RegisterName = keyof typeof CONTROL_TABLE;

/** Index of the sign bit of each sign-magnitude register; every other register is unsigned. */
export const SIGN_BITS = {
  Homing_Offset: 11,
  Present_Load: 10,
  Goal_Position: 15,
  Goal_Velocity: 15,
  Present_Position: 15,
  Present_Velocity: 15,
} as const satisfies Partial<Record<RegisterName, number>>;

export const MODEL_NUMBER_STS3215 = 777;

export interface RegisterSpec {
  readonly name: RegisterName;
  readonly address: number;
  readonly size: 1 | 2;
  /** Sign bit index for sign-magnitude registers, undefined for unsigned ones. */
  readonly signBit: number | undefined;
}

export const REGISTER_NAMES = Object.keys(CONTROL_TABLE) as RegisterName[];

export function isRegisterName(name: string): name is RegisterName {
  return Object.hasOwn(CONTROL_TABLE, name);
}

export function registerSpec(name: RegisterName): RegisterSpec {
  const [address, size] = CONTROL_TABLE[name];
  const signBit: number | undefined = (SIGN_BITS as Partial<Record<RegisterName, number>>)[name];
  return { name, address, size, signBit };
}

/** Signed integer → sign-magnitude raw value. Throws RangeError when the magnitude does not fit below the sign bit. */
export function encodeSignMagnitude(value: number, signBit: number): number {
  if (!Number.isInteger(value)) throw new RangeError(`sign-magnitude value must be an integer, got ${value}`);
  const maxMagnitude = 2 ** signBit - 1;
  const magnitude = Math.abs(value);
  if (magnitude > maxMagnitude) throw new RangeError(`|${value}| exceeds ${maxMagnitude} (sign bit ${signBit})`);
  return value < 0 ? 2 ** signBit + magnitude : magnitude;
}

/** Sign-magnitude raw value → signed integer. Bits above the sign bit are ignored, as the servo does. */
export function decodeSignMagnitude(raw: number, signBit: number): number {
  const magnitude = raw % 2 ** signBit;
  const negative = Math.floor(raw / 2 ** signBit) % 2 === 1;
  return negative ? -magnitude : magnitude;
}

/** Unsigned integer → `size` little-endian bytes. Throws RangeError when it does not fit. */
export function encodeLE(value: number, size: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** (8 * size)) {
    throw new RangeError(`${value} does not fit in ${size} unsigned byte(s)`);
  }
  const out = new Uint8Array(size);
  let v = value;
  for (let i = 0; i < size; i++) {
    out[i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

/** `size` little-endian bytes at `offset` → unsigned integer. */
export function decodeLE(bytes: ArrayLike<number>, offset: number, size: number): number {
  let v = 0;
  for (let i = size - 1; i >= 0; i--) v = v * 256 + bytes[offset + i];
  return v;
}

/** A register's value (signed where the register is sign-magnitude) → its wire bytes. */
export function encodeRegister(name: RegisterName, value: number): Uint8Array {
  const { size, signBit } = registerSpec(name);
  const raw = signBit === undefined ? value : encodeSignMagnitude(value, signBit);
  try {
    return encodeLE(raw, size);
  } catch {
    throw new RangeError(`${name}: value ${value} out of range`);
  }
}

/** A register's wire bytes (at `offset`) → its value. */
export function decodeRegister(name: RegisterName, bytes: ArrayLike<number>, offset = 0): number {
  const { size, signBit } = registerSpec(name);
  const raw = decodeLE(bytes, offset, size);
  return signBit === undefined ? raw : decodeSignMagnitude(raw, signBit);
}
