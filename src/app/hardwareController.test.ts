import { afterEach, describe, expect, it, vi } from 'vitest';
import { calibrationToJson, normalize } from '../hardware/calibration';
import type { FakeServoBus } from '../hardware/fakeBus';
import { FakeSerialPort } from '../hardware/fakeSerialPort';
import { Instruction } from '../hardware/protocol';
import { UNPLUGGED_MESSAGE } from '../hardware/so101Errors';
import { fakeSo101, fakeTicks, midTicks, TEST_CALIBRATION } from '../hardware/so101Fixtures';
import { SO101_IDS, SO101_MOTOR_NAMES } from '../hardware/so101Motors';
import type { SerialPortLike } from '../hardware/transport';
import { CALIBRATION_STORAGE_KEY, type StorageLike } from './calibrationStore';
import { HardwareController, type HardwareControllerOptions, NO_WEB_SERIAL_MESSAGE } from './hardwareController';
import { Session } from './session';
import { createVirtualArm } from './virtualArm';

const TEST_JSON = calibrationToJson(TEST_CALIBRATION);

class MemoryStorage implements StorageLike {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

/** A navigator.serial whose chooser hands out ports on this fake arm. */
function serialFor(fake: FakeServoBus) {
  const calls = { requestPort: 0 };
  return {
    calls,
    requestPort: async (): Promise<SerialPortLike> => {
      calls.requestPort++;
      return new FakeSerialPort(fake);
    },
  };
}

/** Lets every queued reply, stream read and job settle. */
async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 0));
}

let session: Session | null = null;
let detach: (() => void) | null = null;
let controller: HardwareController | null = null;

afterEach(async () => {
  detach?.();
  await controller?.disconnect();
  session?.dispose();
  session = controller = detach = null;
  vi.useRealTimers();
});

async function setup(options: { fake?: FakeServoBus; storage?: StorageLike | null; calibrated?: boolean } & HardwareControllerOptions = {}) {
  session = await Session.create(0, 'place');
  const fake = options.fake ?? fakeSo101();
  const storage = options.storage ?? new MemoryStorage();
  if (options.calibrated !== false && storage) storage.setItem(CALIBRATION_STORAGE_KEY, TEST_JSON);
  const serial = serialFor(fake);
  controller = new HardwareController(session, { storage, serial, timeoutMs: 30, watchdogMs: null, ...options });
  detach = controller.attach();
  return { session, controller, fake, storage, serial };
}

/** Control ticks of the sim, letting the bus jobs finish between them. */
async function ticks(s: Session, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    s.advance(1 / s.world.config.controlHz + 1e-9);
    await flush();
  }
}

function degrees(fake: FakeServoBus): number[] {
  return fakeTicks(fake).map((t, i) => normalize(t, TEST_CALIBRATION[SO101_MOTOR_NAMES[i]], i === 5 ? 'range_0_100' : 'degrees'));
}

function goalWrites(fake: FakeServoBus): number {
  return fake.received.filter((f) => f.code === Instruction.SYNC_WRITE && f.params[0] === 42).length;
}

describe('HardwareController: connecting', () => {
  it('asks for a calibration, takes an imported file, saves it, and a reconnect does not ask again', async () => {
    const { controller: c, storage, fake, session: s } = await setup({ calibrated: false });
    expect(c.state.calibration).toBeNull();
    await c.connect();
    expect(c.state.status).toBe('needs-calibration');
    expect(c.state.message).toMatch(/import a LeRobot calibration file or run the calibration wizard/);
    expect(c.state.portLabel).toBe('Serial port');

    expect(await c.importCalibration('{"shoulder_pan": 3}', 'bad.json')).toBe(false);
    expect(c.state.message).toMatch(/^bad\.json is not a usable SO-101 calibration: calibration: shoulder_pan must be an object/);
    expect(c.state.status).toBe('needs-calibration');

    expect(await c.importCalibration(TEST_JSON, 'so101.json')).toBe(true);
    expect(c.state.status).toBe('connected');
    expect(c.state.calibrationOrigin).toBe('imported from so101.json');
    expect(storage!.getItem(CALIBRATION_STORAGE_KEY)).toBe(TEST_JSON);
    expect(c.exportCalibration()).toBe(TEST_JSON);
    expect(c.state.readings).toHaveLength(6);
    expect(SO101_IDS.map((id) => fake.motor(id).get('Torque_Enable'))).toEqual([1, 1, 1, 1, 1, 1]);
    await c.disconnect();
    expect(c.state.status).toBe('disconnected');
    // Disconnect releases torque, as LeRobot does.
    expect(SO101_IDS.map((id) => fake.motor(id).get('Torque_Enable'))).toEqual([0, 0, 0, 0, 0, 0]);

    // A fresh page with the same storage: straight to connected.
    const again = new HardwareController(s, { storage, serial: serialFor(fake), timeoutMs: 30, watchdogMs: null });
    expect(again.state.calibrationOrigin).toBe('saved in this browser');
    await again.connect();
    expect(again.state.status).toBe('connected');
    await again.disconnect();
  });

  it('says what to do without Web Serial, when no port is chosen, and when the saved calibration is broken', async () => {
    session = await Session.create(0, 'place');
    const none = new HardwareController(session, { storage: null, serial: null });
    expect(none.state.webSerial).toBe(false);
    expect(none.state.message).toBe(NO_WEB_SERIAL_MESSAGE);
    await none.connect();
    expect(none.state.status).toBe('error');
    expect(none.state.message).toMatch(/^Web Serial needs Chrome or Edge on a desktop/);

    const cancelled = new HardwareController(session, {
      storage: null,
      serial: { requestPort: () => Promise.reject(Object.assign(new Error('No port selected by the user.'), { name: 'NotFoundError' })) },
    });
    await cancelled.connect();
    expect(cancelled.state.status).toBe('disconnected');
    expect(cancelled.state.message).toBe('No port was chosen.');

    /** A port another program holds: open() fails as Chrome's does. */
    class BusyPort extends FakeSerialPort {
      override open(): Promise<void> {
        return Promise.reject(Object.assign(new Error('Failed to open serial port.'), { name: 'NetworkError' }));
      }
    }
    const busy = new HardwareController(session, { storage: null, serial: { requestPort: async () => new BusyPort(fakeSo101()) } });
    await busy.connect();
    expect(busy.state.status).toBe('error');
    expect(busy.state.message).toMatch(/^Could not open the port: another program or tab may be using it/);

    const storage = new MemoryStorage();
    storage.setItem(CALIBRATION_STORAGE_KEY, '{"nope": 1}');
    const broken = new HardwareController(session, { storage, serial: null });
    expect(broken.state.calibration).toBeNull();
    expect(broken.state.problem).toBe(true);
    expect(broken.state.message).toMatch(/^The calibration saved in this browser cannot be used/);
  });

  it('a silent motor at connect: a readable message, and Connect checks again once it is fixed', async () => {
    const fake = fakeSo101();
    fake.faults.missing.add(4);
    const { controller: c, serial } = await setup({ fake });
    await c.connect();
    expect(c.state.status).toBe('error');
    expect(c.state.message).toMatch(/motor 4 \(wrist_flex\) does not answer: check its cable\. Then press Connect to check again\./);
    fake.faults.missing.clear();
    await c.connect();
    expect(c.state.status).toBe('connected');
    // The open port was reused: no second port chooser.
    expect(serial.calls.requestPort).toBe(1);
  });
});

describe('HardwareController: modes', () => {
  it('mirror: torque off, the sim arm follows the real arm moved by hand', async () => {
    const { controller: c, fake, session: s } = await setup();
    await c.connect();
    c.start();
    expect(c.state.running).toBe(true);
    await ticks(s, 3);
    expect(SO101_IDS.map((id) => fake.motor(id).get('Torque_Enable'))).toEqual([0, 0, 0, 0, 0, 0]);
    const mid = midTicks();
    // The person turns the pan and the elbow.
    fake.motor(1).turnByHand(mid[0] + 300);
    fake.motor(3).turnByHand(mid[2] - 200);
    await ticks(s, 30);
    const real = degrees(fake);
    const sim = s.world.jointTargets();
    for (let i = 0; i < 5; i++) expect(sim[i]).toBeCloseTo(real[i], 3);
    expect(real[0]).toBeCloseTo((300 * 360) / 4095, 3);
    expect(s.world.jointState()[0]).toBeGreaterThan(20);
    await new Promise((r) => setTimeout(r, 120));
    await ticks(s, 1);
    expect(c.state.readings![0]).toBeCloseTo(real[0], 3);
  });

  it('mirror takes the sim from the expert; real-drives-sim leaves it to a running driver', async () => {
    const { controller: c, session: s } = await setup();
    await c.connect();
    s.runExpert();
    c.start(); // mirror
    expect(s.state.driver).toBe('none');
    c.setMode('real-drives-sim');
    s.runExpert();
    await ticks(s, 3);
    expect(s.state.driver).toBe('expert');
  });

  it('sim drives real: the expert moves the sim and the real arm follows within the safety limits', async () => {
    const { controller: c, fake, session: s } = await setup();
    await c.connect();
    c.setMode('sim-drives-real');
    c.start();
    expect(s.runExpert()).toBe(true);
    const start = degrees(fake);
    await ticks(s, 40);
    const real = degrees(fake);
    const targets = s.world.jointTargets();
    const moved = real.map((v, i) => Math.abs(v - start[i]));
    expect(Math.max(...moved.slice(0, 5))).toBeGreaterThan(5);
    // The sim's targets reach the motors (a tick behind, and at most 90°/s).
    for (let i = 0; i < 5; i++) expect(Math.abs(real[i] - targets[i])).toBeLessThan(90 / 20 + 1);
    expect(SO101_IDS.map((id) => fake.motor(id).get('Torque_Enable'))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('real only: idle, the sim follows the real arm; with a driver, the driver’s actions go to the real arm', async () => {
    const { controller: c, fake, session: s } = await setup();
    await c.connect();
    c.setMode('real-only');
    c.start();
    const writes = goalWrites(fake);
    await ticks(s, 5);
    expect(goalWrites(fake)).toBe(writes);
    s.runExpert();
    await ticks(s, 10);
    expect(goalWrites(fake)).toBeGreaterThan(writes + 5);
  });

  it('never queues bus jobs: a slow bus drops ticks instead, one job in flight at a time', async () => {
    const { controller: c, fake, session: s } = await setup();
    await c.connect();
    c.setMode('sim-drives-real');
    c.start();
    s.runExpert();
    fake.faults.replyDelayMs = 15;
    const before = fake.received.length;
    // Five ticks before the bus answers (a stalled tab catching up): one job starts, the rest are dropped.
    for (let i = 0; i < 5; i++) s.advance(1 / s.world.config.controlHz + 1e-9);
    expect(c.state.droppedTicks).toBe(4);
    await new Promise((r) => setTimeout(r, 60));
    // One job: one goal write and one position read.
    expect(fake.received.length - before).toBe(2);
  });
});

describe('HardwareController: stop and failures', () => {
  it('Stop-all stops the sim driver and holds the real arm; nothing streams until Start', async () => {
    const { controller: c, fake, session: s } = await setup();
    await c.connect();
    c.setMode('sim-drives-real');
    c.start();
    s.runExpert();
    await ticks(s, 15);
    await c.stopAll();
    expect(s.state.driver).toBe('none');
    expect(s.state.status).toBe('stopped');
    expect(c.state.running).toBe(false);
    expect(c.state.message).toMatch(/^Stopped\. The real arm holds where it is/);
    expect(fakeTicks(fake, 'Goal_Position')).toEqual(fakeTicks(fake));
    expect(SO101_IDS.map((id) => fake.motor(id).get('Torque_Enable'))).toEqual([1, 1, 1, 1, 1, 1]);
    const writes = goalWrites(fake);
    await ticks(s, 10);
    expect(goalWrites(fake)).toBe(writes);
    c.start();
    await ticks(s, 3);
    expect(goalWrites(fake)).toBeGreaterThan(writes);
  });

  it('cable pulled mid-motion: a readable error, the sim keeps running, nothing unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { controller: c, fake, session: s } = await setup();
      await c.connect();
      c.setMode('sim-drives-real');
      c.start();
      s.runExpert();
      await ticks(s, 10);
      // Pulled while a job is on the wire.
      s.advance(1 / 20 + 1e-9);
      fake.disconnect();
      await flush(10);
      expect(c.state.status).toBe('error');
      expect(c.state.message).toBe(UNPLUGGED_MESSAGE);
      expect(c.state.message).toMatch(/^The arm is disconnected: /);
      expect(c.state.running).toBe(false);
      const t0 = s.world.time;
      await ticks(s, 10);
      expect(s.world.time).toBeGreaterThan(t0);
      expect(s.state.driver).toBe('expert');
      await flush(10);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a motor going silent mid-run: the message names it and streaming stops', async () => {
    const { controller: c, fake, session: s } = await setup();
    await c.connect();
    c.setMode('sim-drives-real');
    c.start();
    s.runExpert();
    await ticks(s, 5);
    fake.faults.missing.add(6);
    await ticks(s, 2);
    await new Promise((r) => setTimeout(r, 80));
    await flush();
    expect(c.state.status).toBe('error');
    expect(c.state.message).toMatch(/motor 6 \(gripper\) does not answer/);
    expect(c.state.running).toBe(false);
  });

  it('shows motor faults (an overloaded gripper) without stopping', async () => {
    const { controller: c, fake, session: s } = await setup();
    await c.connect();
    c.start();
    fake.faults.errorBits.set(6, 32);
    await ticks(s, 3);
    await new Promise((r) => setTimeout(r, 120));
    await ticks(s, 2);
    expect(c.state.faults).toEqual(['motor 6 (gripper): overload']);
    expect(c.state.status).toBe('connected');
  });
});

describe('HardwareController: virtual arm and wizard', () => {
  it('calibrates the virtual arm with the wizard (the simulated hand moves it), then connects with the result', async () => {
    vi.useFakeTimers();
    const storage = new MemoryStorage();
    const { controller: c } = await setup({ storage, calibrated: false, makeVirtualArm: createVirtualArm, timeoutMs: 30 });
    await c.connectVirtual();
    expect(c.state.status).toBe('needs-calibration');
    expect(c.state.portLabel).toBe('Virtual SO-101');
    await c.startWizard();
    expect(c.state.wizard?.step).toBe('centre');
    await vi.advanceTimersByTimeAsync(200);
    await c.wizardNext();
    expect(c.state.wizard?.step).toBe('ranges');
    expect(c.state.wizard?.problems).toEqual(['No positions recorded yet: move the joints while the wizard is recording.']);
    // A few sweeps of the simulated hand.
    await vi.advanceTimersByTimeAsync(7000);
    expect(c.state.wizard?.problems).toEqual([]);
    await c.wizardFinish();
    expect(c.state.wizard).toBeNull();
    expect(c.state.status).toBe('connected');
    expect(c.state.calibrationOrigin).toBe('from the calibration wizard');
    const cal = c.state.calibration!;
    // The sweep reaches the arm's mechanical ends: the ranges it records span those of the arm's true calibration.
    for (const m of SO101_MOTOR_NAMES) {
      const span = cal[m].range_max - cal[m].range_min;
      const trueSpan = TEST_CALIBRATION[m].range_max - TEST_CALIBRATION[m].range_min;
      expect(Math.abs(span - trueSpan)).toBeLessThan(60);
    }
    expect(storage.getItem(CALIBRATION_STORAGE_KEY)).toBe(calibrationToJson(cal));
    c.unplugVirtual();
    await vi.advanceTimersByTimeAsync(10);
    expect(c.state.status).toBe('error');
    expect(c.state.message).toBe(UNPLUGGED_MESSAGE);
  });

  it('the virtual arm moves toward its goals at a servo’s speed, not instantly', async () => {
    vi.useFakeTimers();
    const { controller: c, session: s } = await setup({ makeVirtualArm: createVirtualArm });
    await c.connectVirtual();
    expect(c.state.status).toBe('connected');
    c.setMode('sim-drives-real');
    c.start();
    s.runExpert();
    for (let i = 0; i < 40; i++) {
      s.advance(1 / 20 + 1e-9);
      await vi.advanceTimersByTimeAsync(50);
    }
    const readings = c.state.readings!;
    const targets = s.world.jointTargets();
    // Following, a little behind.
    expect(Math.max(...readings.slice(0, 5).map((v, i) => Math.abs(v - targets[i])))).toBeLessThan(15);
  });
});
