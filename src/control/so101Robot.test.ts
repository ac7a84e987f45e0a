import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FakeServoBus } from '../hardware/fakeBus';
import { FakeSerialPort } from '../hardware/fakeSerialPort';
import { Instruction } from '../hardware/protocol';
import { So101Error, UNPLUGGED_MESSAGE } from '../hardware/so101Errors';
import { type FakeSo101Options, fakeSo101, fakeTicks, midTicks, placeJoints, TEST_CALIBRATION } from '../hardware/so101Fixtures';
import { SO101_IDS, SO101_MOTOR_NAMES } from '../hardware/so101Motors';
import { WebSerialTransport } from '../hardware/transport';
import { JOINT_NAMES } from '../sim/kinematics';
import { ACTION_HIGH, ACTION_LOW, ACTION_NAMES } from '../sim/units';
import { makeRobot, RobotNotConnectedError } from './robot';
import { REAL_JOINT_SPEED_DEG_S, So101Robot, type So101RobotConfig, so101Limits } from './so101Robot';

afterEach(() => {
  vi.useRealTimers();
});

function setup(options: FakeSo101Options = {}, config: Partial<So101RobotConfig> = {}) {
  const fake = fakeSo101(options);
  const robot = makeRobot({ type: 'so101', transport: fake, calibration: TEST_CALIBRATION, timeoutMs: 20, ...config }) as So101Robot;
  return { fake, robot };
}

function registers(fake: FakeServoBus, name: 'Torque_Enable' | 'Lock' | 'Homing_Offset'): number[] {
  return SO101_IDS.map((id) => fake.motor(id).get(name));
}

/** Addresses of every instruction that wrote something, in order. */
function writtenAddresses(fake: FakeServoBus): number[] {
  return fake.received.filter((f) => f.code === Instruction.WRITE || f.code === Instruction.SYNC_WRITE).map((f) => f.params[0]);
}

describe('So101Robot', () => {
  it('is made by the one factory and speaks the same feature names as the sim', () => {
    const { robot } = setup();
    expect(robot).toBeInstanceOf(So101Robot);
    expect(robot.name).toBe('so101_follower');
    expect([...SO101_MOTOR_NAMES]).toEqual([...JOINT_NAMES]);
    expect(robot.observationFeatures).toEqual(ACTION_NAMES);
    expect(robot.actionFeatures).toEqual(ACTION_NAMES);
    expect(robot.defaultStopMode).toBe('hold');
    expect(robot.isConnected).toBe(false);
  });

  it('connects without moving the arm: configure, goals = present, torque on, filter from the pose', async () => {
    const start = [1500, 2600, 1700, 2300, 2055, 2500];
    const { fake, robot } = setup({ ticks: start });
    await robot.connect();
    expect(robot.isConnected).toBe(true);
    expect(fakeTicks(fake)).toEqual(start);
    expect(fakeTicks(fake, 'Goal_Position')).toEqual(start);
    expect(registers(fake, 'Torque_Enable')).toEqual([1, 1, 1, 1, 1, 1]);
    expect(registers(fake, 'Lock')).toEqual([1, 1, 1, 1, 1, 1]);
    expect(fake.motor(6).get('Max_Torque_Limit')).toBe(500);
    // The motors already held this calibration: no EEPROM write of Homing_Offset (31) or the limits (9, 11).
    expect(writtenAddresses(fake).filter((a) => a === 31 || a === 9 || a === 11)).toEqual([]);
    // Goals are written before torque goes on.
    const addresses = writtenAddresses(fake);
    expect(addresses.lastIndexOf(42)).toBeLessThan(addresses.lastIndexOf(40));
    const { state } = await robot.getObservation();
    expect(robot.safety.hold()).toEqual(state);
    await robot.connect(); // idempotent
    await robot.disconnect();
  });

  it('writes the calibration into motors that do not hold it', async () => {
    const { fake, robot } = setup({ calibration: null, ticks: [2048, 2048, 2048, 2048, 2048, 2048] });
    await robot.connect();
    expect(registers(fake, 'Homing_Offset')).toEqual(SO101_MOTOR_NAMES.map((m) => TEST_CALIBRATION[m].homing_offset));
    expect(await robot.arm.motorsMatch(TEST_CALIBRATION)).toBe(true);
    await robot.disconnect();
  });

  it('sends step-limited actions and returns what it sent', async () => {
    const { fake, robot } = setup({}, { controlHz: 30 });
    await robot.connect();
    const { state } = await robot.getObservation();
    const target = [40, -30, 20, 10, -15, 80];
    const step = REAL_JOINT_SPEED_DEG_S / 30;
    const sent = await robot.sendAction(target);
    expect(sent[0]).toBeCloseTo(state[0] + step, 9);
    expect(fakeTicks(fake, 'Goal_Position')).toEqual(robot.arm.goalsToTicks(sent));
    let last = sent;
    for (let i = 0; i < 60; i++) last = await robot.sendAction(target);
    last.forEach((v, i) => {
      expect(v).toBeCloseTo(target[i], 9);
    });
    const after = (await robot.getObservation()).state;
    after.forEach((v, i) => {
      expect(Math.abs(v - target[i])).toBeLessThan(0.1);
    });
    const rejected = await robot.sendAction([Number.NaN, 0, 0, 0, 0, 0]);
    expect(rejected).toEqual(last);
    expect(robot.safety.counts).toMatchObject({ rejected: 1, total: 62 });
    await robot.disconnect();
  });

  it('a motor that does not answer at connect: readable error, nothing commanded, Connect works once fixed', async () => {
    const { fake, robot } = setup();
    fake.faults.missing.add(4);
    const err = await robot.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(So101Error);
    expect(err).toMatchObject({ problem: 'no_answer', motorIds: [4], message: 'motor 4 (wrist_flex) does not answer: check its cable.' });
    expect(robot.isConnected).toBe(false);
    expect(writtenAddresses(fake)).toEqual([]);
    expect(registers(fake, 'Torque_Enable')).toEqual([0, 0, 0, 0, 0, 0]);
    await expect(robot.sendAction([0, 0, 0, 0, 0, 0])).rejects.toBeInstanceOf(RobotNotConnectedError);
    fake.faults.missing.clear();
    await robot.connect();
    expect(robot.isConnected).toBe(true);
    await robot.disconnect();
  });

  it('a motor that stops answering mid-run: the others hold, the robot stops taking actions until Connect', async () => {
    let now = 0;
    const { fake, robot } = setup({ ticksPerSecond: 1000, now: () => now });
    await robot.connect();
    const start = fakeTicks(fake);
    for (let i = 0; i < 5; i++) await robot.sendAction([60, 60, 60, 60, 60, 90]);
    now += 40;
    fake.faults.missing.add(3);
    const err = await robot.getObservation().catch((e: unknown) => e);
    expect(err).toMatchObject({ problem: 'no_answer', motorIds: [3] });
    expect((err as Error).message).toBe(
      'motor 3 (elbow_flex) does not answer: check its cable. The other motors hold their position; press Connect to check the arm again.',
    );
    expect(robot.isConnected).toBe(false);
    now += 1000;
    for (const i of [0, 1, 3, 4, 5]) {
      expect(fakeTicks(fake)[i]).toBe(fakeTicks(fake, 'Goal_Position')[i]);
      expect(Math.abs(fakeTicks(fake)[i] - start[i])).toBe(40);
    }
    expect(registers(fake, 'Torque_Enable')).toEqual([1, 1, 1, 1, 1, 1]);
    await expect(robot.sendAction([0, 0, 0, 0, 0, 0])).rejects.toBe(err);
    fake.faults.missing.clear();
    await robot.connect();
    expect(robot.isConnected).toBe(true);
    await robot.disconnect();
  });

  it('cable pulled mid-motion: reports disconnected once, rejects readably, no unhandled rejection, no timers left', async () => {
    vi.useFakeTimers();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { fake, robot } = setup({ ticksPerSecond: 600 });
      const errors: Error[] = [];
      robot.onError((e) => errors.push(e));
      await robot.connect();
      for (let i = 0; i < 5; i++) {
        await robot.sendAction([60, 60, 60, 60, 60, 90]);
        await vi.advanceTimersByTimeAsync(33);
      }
      expect(fake.motor(1).get('Moving')).toBe(1);
      const observing = robot.getObservation().catch((e: unknown) => e);
      fake.disconnect();
      const err = await observing;
      expect(err).toBeInstanceOf(So101Error);
      expect(err).toMatchObject({ problem: 'disconnected', message: UNPLUGGED_MESSAGE });
      expect(robot.isConnected).toBe(false);
      expect(errors).toHaveLength(1);
      expect(errors[0].message).toBe(UNPLUGGED_MESSAGE);
      await expect(robot.sendAction([0, 0, 0, 0, 0, 0])).rejects.toThrow(UNPLUGGED_MESSAGE);
      await expect(robot.getObservation()).rejects.toThrow(UNPLUGGED_MESSAGE);
      await expect(robot.connect()).rejects.toThrow(UNPLUGGED_MESSAGE);
      await expect(robot.stop()).resolves.toBeUndefined();
      await vi.advanceTimersByTimeAsync(5000);
      expect(errors).toHaveLength(1);
      expect(vi.getTimerCount()).toBe(0);
      await expect(robot.disconnect()).resolves.toBeUndefined();
      vi.useRealTimers();
      await new Promise((r) => setTimeout(r, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('the watchdog holds the arm where it is when actions stop coming', async () => {
    vi.useFakeTimers();
    // Slow enough that one step (3° ≈ 34 ticks) is still under way when the watchdog fires.
    const { fake, robot } = setup({ ticksPerSecond: 40 }, { watchdogMs: 500 });
    await robot.connect();
    const start = fakeTicks(fake);
    await robot.sendAction([60, 60, 60, 60, 60, 90]);
    const goal = fakeTicks(fake, 'Goal_Position');
    expect(goal).not.toEqual(start);
    await vi.advanceTimersByTimeAsync(499);
    expect(fake.motor(1).get('Moving')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    const held = fakeTicks(fake, 'Goal_Position');
    // Stopped part way: neither where it started nor where it was sent.
    held.forEach((t, i) => {
      expect(t).not.toBe(start[i]);
      expect(t).not.toBe(goal[i]);
    });
    expect(fakeTicks(fake)).toEqual(held);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fakeTicks(fake)).toEqual(held);
    expect(registers(fake, 'Torque_Enable')).toEqual([1, 1, 1, 1, 1, 1]);
    expect(robot.isConnected).toBe(true);
    // The filter restarted from the held pose, so the next action steps from there.
    expect(robot.safety.hold()).toEqual(robot.arm.ticksToUnits(held));
    await robot.disconnect();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("stop() holds by default; 'release' goes limp, and the next action stiffens the arm where it lies", async () => {
    let now = 0;
    const { fake, robot } = setup({ ticksPerSecond: 1000, now: () => now });
    await robot.connect();
    await robot.sendAction([30, 0, 0, 0, 0, 50]);
    now += 20;
    await robot.stop();
    expect(fakeTicks(fake, 'Goal_Position')).toEqual(fakeTicks(fake));
    expect(registers(fake, 'Torque_Enable')).toEqual([1, 1, 1, 1, 1, 1]);
    await robot.stop('release');
    expect(registers(fake, 'Torque_Enable')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(registers(fake, 'Lock')).toEqual([0, 0, 0, 0, 0, 0]);
    // Gravity folds it down while limp.
    const sagged = midTicks().map((t) => t - 300);
    placeJoints(fake, sagged);
    const sent = await robot.sendAction([30, 0, 0, 0, 0, 50]);
    expect(registers(fake, 'Torque_Enable')).toEqual([1, 1, 1, 1, 1, 1]);
    const saggedUnits = robot.arm.ticksToUnits(sagged);
    expect(sent[0] - saggedUnits[0]).toBeCloseTo(robot.safety.limits.maxStep[0], 9);
    await robot.disconnect();
  });

  it('disconnect() releases torque and closes the port; later calls say it is not connected', async () => {
    const { fake, robot } = setup();
    await robot.connect();
    await robot.disconnect();
    expect(registers(fake, 'Torque_Enable')).toEqual([0, 0, 0, 0, 0, 0]);
    expect(fake.connected).toBe(false);
    await robot.disconnect();
    await expect(robot.getObservation()).rejects.toThrow('The arm is not connected: press Connect first.');
    await expect(robot.connect()).rejects.toBeInstanceOf(RobotNotConnectedError);
  });

  it('runs over WebSerialTransport on a fake SerialPort (what e2e injects as navigator.serial), and survives the cable pulled', async () => {
    const fake = fakeSo101();
    const port = new FakeSerialPort(fake);
    const transport = await WebSerialTransport.open(port);
    const robot = makeRobot({ type: 'so101', transport, calibration: TEST_CALIBRATION, timeoutMs: 50 });
    const errors: Error[] = [];
    robot.onError((e) => errors.push(e));
    await robot.connect();
    expect(port.openOptions?.baudRate).toBe(1_000_000);
    const sent = await robot.sendAction([10, 0, 0, 0, 0, 50]);
    expect((await robot.getObservation()).state[0]).toBeCloseTo(sent[0], 0);
    expect(port.readersTaken).toBe(1);
    const pending = robot.sendAction([20, 0, 0, 0, 0, 50]).catch((e: unknown) => e);
    fake.disconnect();
    const err = await pending;
    // The write may have gone out before the cable was pulled; either way the robot now knows.
    if (err instanceof Error) expect(err.message).toBe(UNPLUGGED_MESSAGE);
    await expect(robot.getObservation()).rejects.toThrow(UNPLUGGED_MESSAGE);
    expect(robot.isConnected).toBe(false);
    expect(errors.map((e) => e.message)).toEqual([UNPLUGGED_MESSAGE]);
    await robot.disconnect();
  });

  it('keeps working while the gripper reports overload (it does, squeezing), and shows the fault', async () => {
    const { fake, robot } = setup();
    await robot.connect();
    fake.faults.errorBits.set(6, 32);
    expect((await robot.getObservation()).state).toHaveLength(6);
    expect(robot.arm.faults.get(6)).toEqual(['overload']);
    await robot.disconnect();
  });
});

describe('so101Limits', () => {
  it('in degrees: the calibrated range narrowed to the URDF limits, at 90°/s', () => {
    const l = so101Limits(TEST_CALIBRATION, 'degrees', 30);
    for (let i = 0; i < 5; i++) {
      expect(l.low[i]).toBeGreaterThanOrEqual(ACTION_LOW[i]);
      expect(l.high[i]).toBeLessThanOrEqual(ACTION_HIGH[i]);
      expect(l.maxStep[i]).toBeCloseTo(3, 12);
    }
    // wrist_roll's calibrated range (±166°) is wider than the URDF's, so the URDF wins.
    expect(l.low[4]).toBe(ACTION_LOW[4]);
    expect([l.low[5], l.high[5]]).toEqual([0, 100]);
    expect(l.names).toEqual(ACTION_NAMES);
  });

  it('in range_m100_100: ±100 with 90°/s converted through each range', () => {
    const l = so101Limits(TEST_CALIBRATION, 'range_m100_100', 30);
    expect(l.low.slice(0, 5)).toEqual([-100, -100, -100, -100, -100]);
    const c = TEST_CALIBRATION.shoulder_pan;
    expect(l.maxStep[0]).toBeCloseTo((3 * (4095 / 360) * 200) / (c.range_max - c.range_min), 12);
    expect(() => so101Limits(TEST_CALIBRATION, 'degrees', 0)).toThrow(RangeError);
  });
});
