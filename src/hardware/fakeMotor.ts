/**
 * A simulated STS3215: a 256-byte register memory plus a shaft. Model (a plausible servo, not a firmware replica):
 * - Present_Position = (shaft − Homing_Offset) mod 4096, as the servo reports it.
 * - With Torque_Enable 1 the shaft moves toward Goal_Position (clamped to the position limits) at `ticksPerSecond`
 *   (Infinity = instantly), linearly in the reported frame; Moving and Present_Velocity follow the motion.
 * - With torque off the shaft stays where it is unless `turnByHand` moves it. Enabling torque sets
 *   Goal_Position to the present position, so enabling never makes the arm jump.
 * Time comes from `now()` (milliseconds), read lazily on each access, so a test can drive it with fake timers.
 */
import {
  CONTROL_TABLE,
  decodeRegister,
  encodeRegister,
  MODEL_NUMBER_STS3215,
  type RegisterName,
  registerSpec,
} from './controlTable';

export const TICKS_PER_TURN = 4096;

export interface FakeMotorOptions {
  /** Initial shaft position in ticks; 2048 = mid-range. */
  position?: number;
  /** Servo speed; Infinity moves instantly, which keeps protocol tests independent of time. */
  ticksPerSecond?: number;
  now?: () => number;
}

/** Power-up values of the registers the SO-101 code touches (typical STS3215 factory settings). */
const POWER_UP: Partial<Record<RegisterName, number>> = {
  Model_Number: MODEL_NUMBER_STS3215,
  Baud_Rate: 0,
  Return_Delay_Time: 0,
  Min_Position_Limit: 0,
  Max_Position_Limit: 4095,
  Max_Torque_Limit: 1000,
  P_Coefficient: 32,
  D_Coefficient: 32,
  I_Coefficient: 0,
  Protection_Current: 500,
  Homing_Offset: 0,
  Operating_Mode: 0,
  Overload_Torque: 80,
  Torque_Enable: 0,
  Torque_Limit: 1000,
  Lock: 1,
  Present_Voltage: 120,
  Present_Temperature: 30,
};

function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

export class FakeMotor {
  readonly memory = new Uint8Array(256);
  private shaft: number;
  private velocity = 0;
  private lastUpdate: number;
  private readonly ticksPerSecond: number;
  private readonly now: () => number;

  constructor(id: number, options: FakeMotorOptions = {}) {
    this.now = options.now ?? Date.now;
    this.ticksPerSecond = options.ticksPerSecond ?? Number.POSITIVE_INFINITY;
    this.lastUpdate = this.now();
    for (const [name, value] of Object.entries(POWER_UP) as [RegisterName, number][]) this.store(name, value);
    this.store('ID', id);
    this.shaft = options.position ?? 2048;
    this.store('Goal_Position', this.present());
    this.sync();
  }

  get id(): number {
    return this.memory[CONTROL_TABLE.ID[0]];
  }

  /** A register's decoded value, as the servo would report it now. */
  get(name: RegisterName): number {
    this.update();
    return decodeRegister(name, this.memory, registerSpec(name).address);
  }

  /** Writes a register as the WRITE instruction does (with its side effects). */
  set(name: RegisterName, value: number): void {
    this.writeBytes(registerSpec(name).address, encodeRegister(name, value));
  }

  /** Moves the shaft as a hand would: to `present` ticks in the reported frame. */
  turnByHand(present: number): void {
    this.update();
    this.shaft = mod(present + this.peek('Homing_Offset'), TICKS_PER_TURN);
    this.sync();
  }

  readBytes(address: number, length: number): Uint8Array {
    this.update();
    return this.memory.slice(address, address + length);
  }

  writeBytes(address: number, data: ArrayLike<number>): void {
    this.update();
    const torqueWasOn = this.torqueOn();
    for (let i = 0; i < data.length && address + i < this.memory.length; i++) this.memory[address + i] = data[i];
    const touched = (name: RegisterName) => {
      const [a, size] = CONTROL_TABLE[name];
      return address < a + size && a < address + data.length;
    };
    if (touched('Torque_Enable') && this.torqueOn() && !torqueWasOn) this.store('Goal_Position', this.present());
    if (touched('Torque_Enable') && !this.torqueOn()) this.velocity = 0;
    this.sync();
  }

  private torqueOn(): boolean {
    return this.memory[CONTROL_TABLE.Torque_Enable[0]] === 1;
  }

  private present(): number {
    return mod(Math.round(this.shaft) - this.peek('Homing_Offset'), TICKS_PER_TURN);
  }

  private target(): number {
    const lo = this.peek('Min_Position_Limit');
    const hi = this.peek('Max_Position_Limit');
    return Math.min(hi, Math.max(lo, this.peek('Goal_Position')));
  }

  /** Advances the motion to now. */
  private update(): void {
    const t = this.now();
    const dt = Math.max(0, t - this.lastUpdate) / 1000;
    this.lastUpdate = t;
    if (!this.torqueOn()) {
      this.velocity = 0;
    } else {
      const offset = this.peek('Homing_Offset');
      const from = mod(this.shaft - offset, TICKS_PER_TURN);
      const delta = this.target() - from;
      const maxStep = Number.isFinite(this.ticksPerSecond) ? this.ticksPerSecond * dt : Number.POSITIVE_INFINITY;
      const step = Math.sign(delta) * Math.min(Math.abs(delta), maxStep);
      // Two reads in the same millisecond keep the last velocity rather than report a stop.
      if (dt > 0) this.velocity = Number.isFinite(this.ticksPerSecond) ? step / dt : 0;
      this.shaft = mod(from + step + offset, TICKS_PER_TURN);
    }
    this.sync();
  }

  /** Writes the derived registers (present position, velocity, moving) into memory. */
  private sync(): void {
    const moving = this.torqueOn() && this.present() !== this.target();
    this.store('Present_Position', this.present());
    this.store('Present_Velocity', moving ? Math.round(this.velocity) : 0);
    this.store('Moving', moving ? 1 : 0);
  }

  private peek(name: RegisterName): number {
    return decodeRegister(name, this.memory, registerSpec(name).address);
  }

  private store(name: RegisterName, value: number): void {
    this.memory.set(encodeRegister(name, value), registerSpec(name).address);
  }
}
