/**
 * The SO-101 follower arm on a FeetechBus: named motors, LeRobot's configuration, torque, calibration registers,
 * and positions in LeRobot units. One SYNC_READ per observation and one SYNC_WRITE per command, as LeRobot's
 * `get_observation` / `send_action`. Every failure leaves as an So101Error with a message a hobbyist can act on.
 */
import type { FeetechBus } from './bus';
import {
  type BodyNormMode,
  type Calibration,
  type MotorCalibration,
  normalize,
  normModeOf,
  unnormalize,
} from './calibration';
import { MODEL_NUMBER_STS3215, type RegisterName } from './controlTable';
import { ChecksumError, DisconnectedError, MotorError, TimeoutError } from './errors';
import type { StatusErrorName } from './protocol';
import { noAnswerMessage, So101Error, toSo101Error } from './so101Errors';
import { MAX_TICK, motorLabel, SO101_IDS, SO101_MOTOR_NAMES } from './so101Motors';

/**
 * What LeRobot writes on configure, for every motor: `configure_motors()` (fast replies and acceleration) and the
 * SO-101 follower's position-mode PID (P 16 instead of the factory 32: less shaking).
 */
export const SO101_MOTOR_SETTINGS: readonly (readonly [RegisterName, number])[] = [
  ['Return_Delay_Time', 0], // 2 µs instead of the factory 500 µs before each reply
  ['Maximum_Acceleration', 254],
  ['Acceleration', 254],
  ['Operating_Mode', 0], // position servo
  ['P_Coefficient', 16],
  ['I_Coefficient', 0],
  ['D_Coefficient', 32],
];

/** The gripper's extra limits, so it cannot burn out squeezing an object: half torque, half current. */
export const SO101_GRIPPER_SETTINGS: readonly (readonly [RegisterName, number])[] = [
  ['Max_Torque_Limit', 500],
  ['Protection_Current', 250],
  ['Overload_Torque', 25],
];

const GRIPPER_ID = SO101_IDS[SO101_IDS.length - 1];
const NUM_MOTORS = SO101_IDS.length;

export interface So101ArmOptions {
  /** LeRobot's mode for the five body joints. Default 'degrees': the app's unit (src/sim/units.ts). */
  bodyMode?: BodyNormMode;
}

export interface ScanReport {
  /** All six motors answered and are STS3215s. */
  readonly ok: boolean;
  readonly found: readonly number[];
  readonly missing: readonly number[];
  /** Answered, but only with corrupt packets. */
  readonly garbled: readonly number[];
  readonly wrongModel: readonly { readonly id: number; readonly model: number }[];
  /** One or more sentences for the person at the arm. */
  readonly message: string;
}

/** The calibration registers as stored in the motors. */
export type MotorCalibrationRegisters = Pick<MotorCalibration, 'homing_offset' | 'range_min' | 'range_max'>;

export class So101Arm {
  private cal: Calibration | null;
  private readonly faultMap = new Map<number, readonly StatusErrorName[]>();
  readonly bodyMode: BodyNormMode;

  constructor(
    readonly bus: FeetechBus,
    calibration: Calibration | null,
    options: So101ArmOptions = {},
  ) {
    this.cal = calibration;
    this.bodyMode = options.bodyMode ?? 'degrees';
  }

  get calibration(): Calibration | null {
    return this.cal;
  }

  /**
   * Fault bits motors reported on the latest exchanges (overheat, overload…), by id. A fault bit does not void a
   * reading (the data is valid), and a squeezing gripper reports overload routinely, so faults are kept here
   * for display instead of failing the control loop. Cleared by a clean position read.
   */
  get faults(): ReadonlyMap<number, readonly StatusErrorName[]> {
    return this.faultMap;
  }

  /** Asks every motor for its model number: which answer, which are silent, and what to check. */
  async scan(): Promise<ScanReport> {
    const found: number[] = [];
    const missing: number[] = [];
    const garbled: number[] = [];
    const wrongModel: { id: number; model: number }[] = [];
    for (const id of SO101_IDS) {
      let model: number;
      try {
        model = await this.bus.read(id, 'Model_Number');
      } catch (err) {
        if (err instanceof MotorError && err.values.has(id)) {
          this.noteFault(err);
          model = err.values.get(id)!;
        } else if (err instanceof TimeoutError) {
          missing.push(id);
          continue;
        } else if (err instanceof ChecksumError) {
          garbled.push(id);
          continue;
        } else {
          throw toSo101Error(err);
        }
      }
      found.push(id);
      if (model !== MODEL_NUMBER_STS3215) wrongModel.push({ id, model });
    }
    const sentences: string[] = [];
    if (missing.length > 0) sentences.push(noAnswerMessage(missing));
    for (const id of garbled) {
      sentences.push(`${motorLabel(id)} answers with garbled data: check that its cable is firmly seated.`);
    }
    for (const { id, model } of wrongModel) {
      sentences.push(`${motorLabel(id)} answers but is not an STS3215 (model number ${model}): an SO-101 needs STS3215 motors with ids 1 to 6.`);
    }
    const ok = sentences.length === 0;
    if (ok) sentences.push(`All ${NUM_MOTORS} motors answer.`);
    return { ok, found, missing, garbled, wrongModel, message: sentences.join(' ') };
  }

  /**
   * Writes LeRobot's settings (above). Leaves torque OFF: mode and EEPROM registers need torque off and Lock 0,
   * and the caller decides when to enable (after setting goals to the present position, so nothing jumps).
   */
  async configure(): Promise<void> {
    await this.disableTorque();
    for (const id of SO101_IDS) {
      const settings = id === GRIPPER_ID ? [...SO101_MOTOR_SETTINGS, ...SO101_GRIPPER_SETTINGS] : SO101_MOTOR_SETTINGS;
      for (const [register, value] of settings) await this.writeOne(id, register, value);
    }
  }

  /** Torque on for all motors: Torque_Enable 1 then Lock 1, each as one SYNC_WRITE. */
  async enableTorque(): Promise<void> {
    await this.syncWriteAll('Torque_Enable', 1);
    await this.syncWriteAll('Lock', 1);
  }

  /** Torque off for all motors (the arm goes limp): Torque_Enable 0 then Lock 0, each as one SYNC_WRITE. */
  async disableTorque(): Promise<void> {
    await this.syncWriteAll('Torque_Enable', 0);
    await this.syncWriteAll('Lock', 0);
  }

  /** Present_Position of every motor in ticks (joint order), one SYNC_READ. Needs no calibration. */
  async readRawPositions(ids: readonly number[] = SO101_IDS): Promise<number[]> {
    const values = await this.syncRead('Present_Position', ids);
    return ids.map((id) => values.get(id)!);
  }

  /** Present positions in LeRobot units (joint order): `observation.state`. */
  async readPositions(): Promise<number[]> {
    this.requireCalibration();
    return this.ticksToUnits(await this.readRawPositions());
  }

  /** Present_Position ticks (joint order) → LeRobot units through the calibration. */
  ticksToUnits(raw: ArrayLike<number>): number[] {
    const cal = this.requireCalibration();
    return SO101_MOTOR_NAMES.map((m, i) => normalize(raw[i], cal[m], normModeOf(m, this.bodyMode)));
  }

  /** LeRobot units → ticks, clamped to each motor's calibrated range. Throws So101Error on a bad command. */
  goalsToTicks(units: ArrayLike<number>): number[] {
    const cal = this.requireCalibration();
    if (units.length !== NUM_MOTORS) {
      throw new So101Error('bad_value', `Refusing to move: a command needs ${NUM_MOTORS} positions, got ${units.length}.`);
    }
    return SO101_MOTOR_NAMES.map((m, i) => {
      const v = units[i];
      if (!Number.isFinite(v)) throw new So101Error('bad_value', `Refusing to move: the position for ${m} is ${v}.`, [SO101_IDS[i]]);
      const c = cal[m];
      return Math.min(c.range_max, Math.max(c.range_min, unnormalize(v, c, normModeOf(m, this.bodyMode))));
    });
  }

  /** Goal positions in LeRobot units (joint order), one SYNC_WRITE of Goal_Position. Returns the ticks written. */
  async writeGoals(units: ArrayLike<number>): Promise<number[]> {
    const ticks = this.goalsToTicks(units);
    await this.syncWrite('Goal_Position', new Map(SO101_IDS.map((id, i) => [id, ticks[i]])));
    return ticks;
  }

  /**
   * Torque stays as it is and each goal becomes the present position, so a moving arm stops where it is.
   * With a silent motor, the others still hold, then the So101Error naming it is thrown.
   * Returns the held positions in ticks (joint order).
   */
  async holdPosition(): Promise<number[]> {
    try {
      const raw = await this.readRawPositions();
      await this.syncWrite('Goal_Position', new Map(SO101_IDS.map((id, i) => [id, raw[i]])));
      return raw;
    } catch (err) {
      const cause = err instanceof So101Error ? err.cause : err;
      if (cause instanceof TimeoutError) {
        const answering = SO101_IDS.filter((id) => !cause.missingIds.includes(id));
        const raw = await this.readRawPositions(answering).catch(() => null);
        if (raw) await this.syncWrite('Goal_Position', new Map(answering.map((id, i) => [id, raw[i]]))).catch(() => {});
      }
      throw toSo101Error(err);
    }
  }

  /** Homing_Offset and position limits as stored in each motor. */
  async readMotorCalibration(): Promise<Record<number, MotorCalibrationRegisters>> {
    const offsets = await this.syncRead('Homing_Offset', SO101_IDS);
    const mins = await this.syncRead('Min_Position_Limit', SO101_IDS);
    const maxs = await this.syncRead('Max_Position_Limit', SO101_IDS);
    const out: Record<number, MotorCalibrationRegisters> = {};
    for (const id of SO101_IDS) out[id] = { homing_offset: offsets.get(id)!, range_min: mins.get(id)!, range_max: maxs.get(id)! };
    return out;
  }

  /** True when the motors hold `calibration`'s offsets and limits (LeRobot's `is_calibrated`). */
  async motorsMatch(calibration: Calibration): Promise<boolean> {
    const stored = await this.readMotorCalibration();
    return SO101_MOTOR_NAMES.every((m, i) => {
      const s = stored[SO101_IDS[i]];
      const c = calibration[m];
      return s.homing_offset === c.homing_offset && s.range_min === c.range_min && s.range_max === c.range_max;
    });
  }

  /**
   * Stores `calibration` in the motors (Homing_Offset, Min/Max_Position_Limit, as LeRobot's `write_calibration`)
   * and uses it from now on. Turns torque off first: these are EEPROM registers, writable only with Lock 0.
   */
  async writeCalibration(calibration: Calibration): Promise<void> {
    await this.disableTorque();
    for (const [i, m] of SO101_MOTOR_NAMES.entries()) {
      const id = SO101_IDS[i];
      const c = calibration[m];
      await this.writeOne(id, 'Homing_Offset', c.homing_offset);
      await this.writeOne(id, 'Min_Position_Limit', c.range_min);
      await this.writeOne(id, 'Max_Position_Limit', c.range_max);
    }
    this.cal = calibration;
  }

  /**
   * Torque off, Homing_Offset 0 and the full 0…4095 range in every motor, so positions read the bare shaft:
   * the calibration wizard's first step (LeRobot's `reset_calibration`). Forgets the calibration in use.
   */
  async resetCalibration(): Promise<void> {
    await this.disableTorque();
    for (const id of SO101_IDS) {
      await this.writeOne(id, 'Homing_Offset', 0);
      await this.writeOne(id, 'Min_Position_Limit', 0);
      await this.writeOne(id, 'Max_Position_Limit', MAX_TICK);
    }
    this.cal = null;
  }

  /** Writes the wizard's half-turn offsets (joint order). Torque must be off, as after resetCalibration(). */
  async writeHomingOffsets(offsets: readonly number[]): Promise<void> {
    for (const [i, id] of SO101_IDS.entries()) await this.writeOne(id, 'Homing_Offset', offsets[i]);
  }

  private requireCalibration(): Calibration {
    if (!this.cal) {
      throw new So101Error('bad_value', 'The arm has no calibration: run the calibration wizard or import a calibration file first.');
    }
    return this.cal;
  }

  private async syncWriteAll(register: RegisterName, value: number): Promise<void> {
    await this.syncWrite(register, new Map(SO101_IDS.map((id) => [id, value])));
  }

  private async syncWrite(register: RegisterName, values: ReadonlyMap<number, number>): Promise<void> {
    try {
      await this.bus.syncWrite(register, values);
    } catch (err) {
      throw toSo101Error(err);
    }
  }

  /** A SYNC_READ that keeps a reading whose status carries fault bits (see `faults`). */
  private async syncRead(register: RegisterName, ids: readonly number[]): Promise<Map<number, number>> {
    try {
      const values = await this.bus.syncRead(register, ids);
      this.faultMap.clear();
      return values;
    } catch (err) {
      if (err instanceof MotorError && ids.every((id) => err.values.has(id))) {
        this.noteFault(err);
        return new Map(err.values);
      }
      throw toSo101Error(err);
    }
  }

  /** An acknowledged write; a fault bit in the acknowledgement is noted, not thrown (the write took effect). */
  private async writeOne(id: number, register: RegisterName, value: number): Promise<void> {
    try {
      await this.bus.write(id, register, value);
    } catch (err) {
      if (err instanceof MotorError) this.noteFault(err);
      else throw toSo101Error(err);
    }
  }

  private noteFault(err: MotorError): void {
    this.faultMap.set(err.motorId, err.errors);
  }
}

/** True for the errors after which no request can succeed (the caller should drop the arm). */
export function isUnplugged(err: unknown): boolean {
  return err instanceof DisconnectedError || (err instanceof So101Error && err.problem === 'disconnected');
}
