/**
 * Test fixtures for the SO-101 layers: a plausible calibration and a byte-speaking fake arm (FakeServoBus) whose
 * motors can already hold it, as an arm calibrated earlier keeps its EEPROM. Used by the tests and by the app's
 * "Virtual arm", so someone without hardware can try the whole flow.
 */
import { type Calibration, validateCalibration } from './calibration';
import { FakeServoBus, type FakeServoBusOptions } from './fakeBus';
import { SO101_IDS, SO101_MOTOR_NAMES } from './so101Motors';

/** Shaped like a real SO-101 file: ranges a little over the URDF's, the gripper's near the top of its turn. */
export const TEST_CALIBRATION: Calibration = validateCalibration({
  shoulder_pan: { id: 1, drive_mode: 0, homing_offset: -1180, range_min: 790, range_max: 3310 },
  shoulder_lift: { id: 2, drive_mode: 0, homing_offset: 910, range_min: 800, range_max: 3290 },
  elbow_flex: { id: 3, drive_mode: 0, homing_offset: -640, range_min: 820, range_max: 3270 },
  wrist_flex: { id: 4, drive_mode: 0, homing_offset: 1450, range_min: 830, range_max: 3260 },
  wrist_roll: { id: 5, drive_mode: 0, homing_offset: -95, range_min: 160, range_max: 3950 },
  gripper: { id: 6, drive_mode: 0, homing_offset: 275, range_min: 2020, range_max: 3380 },
});

/** The middle of each calibrated range, in ticks (joint order): 0° for the body joints. */
export function midTicks(calibration: Calibration = TEST_CALIBRATION): number[] {
  return SO101_MOTOR_NAMES.map((m) => Math.round((calibration[m].range_min + calibration[m].range_max) / 2));
}

export interface FakeSo101Options extends FakeServoBusOptions {
  /** Stored in the motors before the test starts; null leaves factory registers (an uncalibrated arm). */
  calibration?: Calibration | null;
  /** Present positions (homed frame, joint order) to start at; default midTicks. */
  ticks?: readonly number[];
}

export function fakeSo101(options: FakeSo101Options = {}): FakeServoBus {
  const calibration = options.calibration === undefined ? TEST_CALIBRATION : options.calibration;
  const fake = new FakeServoBus({ ...options, ids: SO101_IDS });
  if (calibration) {
    SO101_MOTOR_NAMES.forEach((m, i) => {
      const motor = fake.motor(SO101_IDS[i]);
      motor.set('Homing_Offset', calibration[m].homing_offset);
      motor.set('Min_Position_Limit', calibration[m].range_min);
      motor.set('Max_Position_Limit', calibration[m].range_max);
    });
  }
  placeJoints(fake, options.ticks ?? midTicks(calibration ?? TEST_CALIBRATION));
  return fake;
}

/** Moves every joint by hand to `ticks` (present positions, joint order). */
export function placeJoints(fake: FakeServoBus, ticks: readonly number[]): void {
  for (const [i, id] of SO101_IDS.entries()) fake.motor(id).turnByHand(ticks[i]);
}

/** Present positions of the fake motors (joint order), read straight from their memory. */
export function fakeTicks(fake: FakeServoBus, register: 'Present_Position' | 'Goal_Position' = 'Present_Position'): number[] {
  return SO101_IDS.map((id) => fake.motor(id).get(register));
}
