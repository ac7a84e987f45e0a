import { describe, expect, it } from 'vitest';
import { FeetechBus } from './bus';
import { type Calibration, normalize, validateCalibration } from './calibration';
import type { RegisterName } from './controlTable';
import { ChecksumError, DisconnectedError, MotorError, TimeoutError } from './errors';
import type { FakeServoBus } from './fakeBus';
import { Instruction } from './protocol';
import { SO101_GRIPPER_SETTINGS, SO101_MOTOR_SETTINGS, So101Arm } from './so101';
import { So101Error, toSo101Error } from './so101Errors';
import { fakeSo101, fakeTicks, midTicks, TEST_CALIBRATION } from './so101Fixtures';
import { SO101_IDS, SO101_MOTOR_NAMES } from './so101Motors';

function setup(options: { calibration?: Calibration | null; bodyMode?: 'degrees' | 'range_m100_100'; motorsCalibrated?: boolean } = {}) {
  const fake = fakeSo101({ calibration: options.motorsCalibrated === false ? null : TEST_CALIBRATION });
  const calibration = options.calibration === undefined ? TEST_CALIBRATION : options.calibration;
  const arm = new So101Arm(new FeetechBus(fake, { timeoutMs: 20 }), calibration, { bodyMode: options.bodyMode });
  return { fake, arm };
}

function registers(fake: FakeServoBus, name: RegisterName): number[] {
  return SO101_IDS.map((id) => fake.motor(id).get(name));
}

/** The SYNC_WRITE packets received, as [address, values by id]. */
function syncWrites(fake: FakeServoBus): [number, number[]][] {
  return fake.received
    .filter((f) => f.code === Instruction.SYNC_WRITE)
    .map((f) => {
      const [address, size] = f.params;
      const values: number[] = [];
      for (let i = 2; i < f.params.length; i += 1 + size) values.push(size === 1 ? f.params[i + 1] : f.params[i + 1] + 256 * f.params[i + 2]);
      return [address, values];
    });
}

const EXAMPLE_CAL = validateCalibration({
  ...JSON.parse(JSON.stringify(TEST_CALIBRATION)),
  shoulder_pan: { id: 1, drive_mode: 0, homing_offset: 0, range_min: 1015, range_max: 3128 },
});

describe('So101Arm over the byte-level fake bus', () => {
  it("configure() writes LeRobot's values, read back from the motors' memory, and leaves torque off", async () => {
    const { fake, arm } = setup();
    fake.motor(3).set('Torque_Enable', 1);
    await arm.configure();
    expect(registers(fake, 'Operating_Mode')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(registers(fake, 'P_Coefficient')).toEqual([16, 16, 16, 16, 16, 16]);
    expect(registers(fake, 'I_Coefficient')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(registers(fake, 'D_Coefficient')).toEqual([32, 32, 32, 32, 32, 32]);
    expect(registers(fake, 'Return_Delay_Time')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(registers(fake, 'Acceleration')).toEqual([254, 254, 254, 254, 254, 254]);
    expect(registers(fake, 'Maximum_Acceleration')).toEqual([254, 254, 254, 254, 254, 254]);
    // Only the gripper gets the burn-out limits; the others keep their power-up values.
    expect(registers(fake, 'Max_Torque_Limit')).toEqual([1000, 1000, 1000, 1000, 1000, 500]);
    expect(registers(fake, 'Protection_Current')).toEqual([500, 500, 500, 500, 500, 250]);
    expect(registers(fake, 'Overload_Torque')).toEqual([80, 80, 80, 80, 80, 25]);
    expect(registers(fake, 'Torque_Enable')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(registers(fake, 'Lock')).toEqual([0, 0, 0, 0, 0, 0]);
    // Each setting is an acknowledged WRITE to one motor.
    const writes = fake.received.filter((f) => f.code === Instruction.WRITE);
    expect(writes).toHaveLength(6 * SO101_MOTOR_SETTINGS.length + SO101_GRIPPER_SETTINGS.length);
    await arm.bus.close();
  });

  it('torque on is Torque_Enable 1 then Lock 1, torque off Torque_Enable 0 then Lock 0, each one SYNC_WRITE', async () => {
    const { fake, arm } = setup();
    await arm.enableTorque();
    expect(registers(fake, 'Torque_Enable')).toEqual([1, 1, 1, 1, 1, 1]);
    expect(registers(fake, 'Lock')).toEqual([1, 1, 1, 1, 1, 1]);
    await arm.disableTorque();
    expect(registers(fake, 'Torque_Enable')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(registers(fake, 'Lock')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(syncWrites(fake)).toEqual([
      [40, [1, 1, 1, 1, 1, 1]],
      [55, [1, 1, 1, 1, 1, 1]],
      [40, [0, 0, 0, 0, 0, 0]],
      [55, [0, 0, 0, 0, 0, 0]],
    ]);
    expect(fake.received.every((f) => f.code === Instruction.SYNC_WRITE)).toBe(true);
    await arm.bus.close();
  });

  it('readPositions() is one SYNC_READ, converted through the calibration (SO101.md example on shoulder_pan)', async () => {
    const fake = fakeSo101({ calibration: EXAMPLE_CAL, ticks: [2000, ...midTicks(EXAMPLE_CAL).slice(1)] });
    const arm = new So101Arm(new FeetechBus(fake), EXAMPLE_CAL);
    const degrees = await arm.readPositions();
    expect(fake.received.map((f) => f.code)).toEqual([Instruction.SYNC_READ]);
    expect(degrees[0]).toBeCloseTo(-6.2857, 4);
    // Mid-range reads ±half a tick on the body joints: LeRobot's mid is (min + max) / 2.
    for (let i = 1; i < 5; i++) expect(Math.abs(degrees[i])).toBeLessThan(0.05);
    expect(degrees[5]).toBeCloseTo(50, 1);
    const m100 = await new So101Arm(arm.bus, EXAMPLE_CAL, { bodyMode: 'range_m100_100' }).readPositions();
    expect(m100[0]).toBeCloseTo(-6.7676, 4);
    await arm.bus.close();
  });

  it('writeGoals() is one SYNC_WRITE of Goal_Position, and positions round-trip to within a tick', async () => {
    const { fake, arm } = setup();
    await arm.enableTorque();
    fake.received.length = 0;
    const target = [30, -45, 60, -20, 90, 75];
    const ticks = await arm.writeGoals(target);
    expect(syncWrites(fake)).toEqual([[42, ticks]]);
    expect(fakeTicks(fake, 'Goal_Position')).toEqual(ticks);
    expect(fakeTicks(fake)).toEqual(ticks);
    const back = await arm.readPositions();
    const tick = 360 / 4095;
    back.forEach((v, i) => {
      expect(Math.abs(v - target[i])).toBeLessThanOrEqual(i === 5 ? 100 / 1360 : tick);
    });
    await arm.bus.close();
  });

  it('clamps goals to the calibrated range and refuses non-finite or short commands without writing', async () => {
    const { fake, arm } = setup();
    expect(arm.goalsToTicks([1000, -1000, 0, 0, 0, 500])).toEqual([
      TEST_CALIBRATION.shoulder_pan.range_max,
      TEST_CALIBRATION.shoulder_lift.range_min,
      ...midTicks().slice(2, 5),
      TEST_CALIBRATION.gripper.range_max,
    ]);
    fake.received.length = 0;
    await expect(arm.writeGoals([0, 0, Number.NaN, 0, 0, 0])).rejects.toMatchObject({
      name: 'So101Error',
      problem: 'bad_value',
      message: 'Refusing to move: the position for elbow_flex is NaN.',
    });
    await expect(arm.writeGoals([0, 0, 0])).rejects.toThrow(/needs 6 positions, got 3/);
    expect(fake.received).toHaveLength(0);
    await arm.bus.close();
  });

  it('asks for a calibration in words when it has none', async () => {
    const { arm } = setup({ calibration: null });
    await expect(arm.readPositions()).rejects.toThrow(/no calibration: run the calibration wizard or import a calibration file/);
    expect(await arm.readRawPositions()).toEqual(midTicks());
    await arm.bus.close();
  });

  it('stores a calibration in the motors and tells whether they hold it', async () => {
    const { fake, arm } = setup({ motorsCalibrated: false });
    expect(await arm.motorsMatch(TEST_CALIBRATION)).toBe(false);
    await arm.writeCalibration(TEST_CALIBRATION);
    expect(await arm.motorsMatch(TEST_CALIBRATION)).toBe(true);
    expect(registers(fake, 'Homing_Offset')).toEqual(SO101_MOTOR_NAMES.map((m) => TEST_CALIBRATION[m].homing_offset));
    expect(registers(fake, 'Min_Position_Limit')).toEqual(SO101_MOTOR_NAMES.map((m) => TEST_CALIBRATION[m].range_min));
    expect(registers(fake, 'Max_Position_Limit')).toEqual(SO101_MOTOR_NAMES.map((m) => TEST_CALIBRATION[m].range_max));
    await arm.resetCalibration();
    expect(arm.calibration).toBeNull();
    expect(registers(fake, 'Homing_Offset')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(registers(fake, 'Max_Position_Limit')).toEqual([4095, 4095, 4095, 4095, 4095, 4095]);
    await arm.bus.close();
  });

  it('holdPosition() stops a moving arm where it is: goal = present, torque stays on', async () => {
    let now = 0;
    const fake = fakeSo101({ ticksPerSecond: 1000, now: () => now });
    const arm = new So101Arm(new FeetechBus(fake, { timeoutMs: 20 }), TEST_CALIBRATION);
    await arm.enableTorque();
    const start = fakeTicks(fake);
    await arm.writeGoals([60, 60, 60, 60, 60, 90]);
    now += 100; // 100 ticks of travel, mid-motion
    const held = await arm.holdPosition();
    held.forEach((t, i) => {
      expect(Math.abs(t - start[i])).toBe(100);
    });
    expect(fakeTicks(fake, 'Goal_Position')).toEqual(held);
    now += 1000;
    expect(fakeTicks(fake)).toEqual(held);
    expect(registers(fake, 'Torque_Enable')).toEqual([1, 1, 1, 1, 1, 1]);
    await arm.bus.close();
  });

  it('with a silent motor, holdPosition() still holds the others, then names it', async () => {
    let now = 0;
    const fake = fakeSo101({ ticksPerSecond: 1000, now: () => now });
    const arm = new So101Arm(new FeetechBus(fake, { timeoutMs: 20 }), TEST_CALIBRATION);
    await arm.enableTorque();
    const start = fakeTicks(fake);
    await arm.writeGoals([60, 60, 60, 60, 60, 90]);
    now += 100;
    fake.faults.missing.add(4);
    await expect(arm.holdPosition()).rejects.toMatchObject({
      problem: 'no_answer',
      motorIds: [4],
      message: 'motor 4 (wrist_flex) does not answer: check its cable.',
    });
    now += 1000;
    for (const i of [0, 1, 2, 4, 5]) expect(fakeTicks(fake)[i] - start[i]).toBe(100);
    await arm.bus.close();
  });

  it('keeps a reading whose status carries fault bits, and reports the fault', async () => {
    const { fake, arm } = setup();
    fake.faults.errorBits.set(6, 32);
    const units = await arm.readPositions();
    expect(units).toHaveLength(6);
    expect(arm.faults.get(6)).toEqual(['overload']);
    fake.faults.errorBits.clear();
    await arm.readPositions();
    expect(arm.faults.size).toBe(0);
    await arm.bus.close();
  });
});

describe('So101Arm.scan', () => {
  it('reports all six motors', async () => {
    const { arm } = setup();
    const report = await arm.scan();
    expect(report).toMatchObject({ ok: true, found: SO101_IDS, missing: [], message: 'All 6 motors answer.' });
    await arm.bus.close();
  });

  it.each([
    [[4], 'motor 4 (wrist_flex) does not answer: check its cable.'],
    [[2, 4], 'motors 2 (shoulder_lift) and 4 (wrist_flex) do not answer: check their cables.'],
    [[4, 5, 6], 'motors 4 (wrist_flex), 5 (wrist_roll) and 6 (gripper) do not answer: check the cable into motor 4 (wrist_flex), where the chain stops.'],
    [[1, 2, 3, 4, 5, 6], "No motor answers: check that the arm's power supply is plugged in and switched on, and that the cable from the controller board to motor 1 is seated."],
  ])('explains silent motors %j in words', async (missing, message) => {
    const { fake, arm } = setup();
    for (const id of missing) fake.faults.missing.add(id);
    const report = await arm.scan();
    expect(report.ok).toBe(false);
    expect(report.missing).toEqual(missing);
    expect(report.message).toBe(message);
    await arm.bus.close();
  });

  it('spots a motor that is not an STS3215', async () => {
    const { fake, arm } = setup();
    fake.motor(3).set('Model_Number', 1234);
    const report = await arm.scan();
    expect(report.ok).toBe(false);
    expect(report.wrongModel).toEqual([{ id: 3, model: 1234 }]);
    expect(report.message).toContain('motor 3 (elbow_flex) answers but is not an STS3215 (model number 1234)');
    await arm.bus.close();
  });
});

describe('toSo101Error', () => {
  it('turns bus errors into messages a hobbyist can act on', () => {
    expect(toSo101Error(new TimeoutError([5], 100))).toMatchObject({ problem: 'no_answer', motorIds: [5], message: 'motor 5 (wrist_roll) does not answer: check its cable.' });
    expect(toSo101Error(new ChecksumError([2])).message).toMatch(/^Garbled reply from motor 2 \(shoulder_lift\): check that the cables are firmly seated/);
    expect(toSo101Error(new MotorError(6, 4, ['overheat'], new Map())).message).toMatch(/^motor 6 \(gripper\) reports overheat: switch the arm off, let it cool/);
    expect(toSo101Error(new DisconnectedError())).toMatchObject({ problem: 'disconnected', message: expect.stringMatching(/USB cable was unplugged/) });
    const same = new So101Error('bad_value', 'x');
    expect(toSo101Error(same)).toBe(same);
    expect(toSo101Error('weird')).toMatchObject({ problem: 'bad_value', message: 'Arm error: weird' });
  });

  it('units: degrees mid-range is 0 and the gripper 0…100 spans its range', () => {
    const c = TEST_CALIBRATION.gripper;
    expect(normalize(c.range_min, c, 'range_0_100')).toBe(0);
    expect(normalize(c.range_max, c, 'range_0_100')).toBe(100);
  });
});
