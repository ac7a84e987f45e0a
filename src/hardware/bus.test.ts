import { afterEach, describe, expect, it, vi } from 'vitest';
import { FeetechBus } from './bus';
import { ChecksumError, DisconnectedError, MotorError, TimeoutError } from './errors';
import { FakeServoBus } from './fakeBus';
import { BROADCAST_ID, Instruction } from './protocol';
import { toHex } from './testBytes';

const IDS = [1, 2, 3, 4, 5, 6];

function setup(options: { timeoutMs?: number; retries?: number; seed?: number } = {}) {
  const fake = new FakeServoBus({ seed: options.seed ?? 1 });
  const bus = new FeetechBus(fake, { timeoutMs: options.timeoutMs ?? 50, retries: options.retries });
  // Distinct positions so a reply from the wrong motor would show.
  for (const id of IDS) fake.motor(id).turnByHand(1000 + 100 * id);
  return { fake, bus };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('FeetechBus against the byte-level fake', () => {
  it('pings a present motor', async () => {
    const { fake, bus } = setup();
    await expect(bus.ping(1)).resolves.toBeUndefined();
    expect(fake.received).toEqual([{ id: 1, code: Instruction.PING, params: new Uint8Array() }]);
  });

  it('reads the model number and round-trips writes', async () => {
    const { fake, bus } = setup();
    expect(await bus.read(3, 'Model_Number')).toBe(777);
    await bus.write(3, 'Torque_Enable', 1);
    await bus.write(3, 'Goal_Position', 2500);
    expect(await bus.read(3, 'Present_Position')).toBe(2500);
    expect(await bus.read(3, 'Goal_Position')).toBe(2500);
    await bus.write(3, 'Homing_Offset', -1000);
    expect(await bus.read(3, 'Homing_Offset')).toBe(-1000);
    // The servo's memory holds the sign-magnitude bytes (bit 11), not two's complement.
    expect(toHex(fake.motor(3).memory.subarray(31, 33))).toBe('E8 0B');
  });

  it('syncReads six motors with one packet', async () => {
    const { fake, bus } = setup();
    const positions = await bus.syncRead('Present_Position', [6, 5, 4, 3, 2, 1]);
    expect([...positions]).toEqual(IDS.map((id) => [id, 1000 + 100 * id]));
    expect(fake.received).toHaveLength(1);
    expect(fake.received[0].code).toBe(Instruction.SYNC_READ);
    expect([...fake.received[0].params]).toEqual([56, 2, ...IDS]);
  });

  it('syncWrites six motors with one packet and no reply', async () => {
    const { fake, bus } = setup();
    await bus.syncWrite('Torque_Enable', new Map(IDS.map((id) => [id, 1])));
    await bus.syncWrite('Goal_Position', new Map(IDS.map((id) => [id, 2000 + id])));
    expect(fake.received.map((f) => f.code)).toEqual([Instruction.SYNC_WRITE, Instruction.SYNC_WRITE]);
    expect(fake.idle).toBe(true);
    const positions = await bus.syncRead('Present_Position', IDS);
    expect([...positions.values()]).toEqual(IDS.map((id) => 2000 + id));
  });

  it('broadcasts a write without waiting for a reply', async () => {
    const { fake, bus } = setup();
    await bus.write(BROADCAST_ID, 'Torque_Enable', 1);
    expect(fake.idle).toBe(true);
    for (const id of IDS) expect(fake.motor(id).get('Torque_Enable')).toBe(1);
  });

  it('names a missing motor in a TimeoutError, and the next request still works', async () => {
    const { fake, bus } = setup({ timeoutMs: 30 });
    fake.faults.missing.add(4);
    const error = await bus.syncRead('Present_Position', IDS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).motorId).toBe(4);
    expect((error as TimeoutError).missingIds).toEqual([4]);
    await expect(bus.read(4, 'Present_Position')).rejects.toMatchObject({ name: 'TimeoutError', motorId: 4 });
    expect(await bus.read(5, 'Present_Position')).toBe(1500);
    fake.faults.missing.clear();
    expect((await bus.syncRead('Present_Position', IDS)).get(4)).toBe(1400);
  });

  it('times out on a reply slower than the timeout, then recovers', async () => {
    const { fake, bus } = setup({ timeoutMs: 20 });
    fake.faults.replyDelayMs = 60;
    await expect(bus.read(1, 'Present_Position')).rejects.toBeInstanceOf(TimeoutError);
    fake.faults.replyDelayMs = 0;
    // The late reply may still arrive during this request; it is the same register of the same motor.
    expect(await bus.read(2, 'Present_Position')).toBe(1200);
  });

  it('never returns a wrong value on a corrupting line: a ChecksumError or TimeoutError instead', async () => {
    vi.useFakeTimers();
    const { fake, bus } = setup({ timeoutMs: 15, seed: 42 });
    fake.faults.corruptProbability = 0.15;
    const outcomes = { ok: 0, checksum: 0, timeout: 0 };
    for (let n = 0; n < 300; n++) {
      const result = bus.syncRead('Present_Position', IDS).catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(15);
      const values = await result;
      if (values instanceof ChecksumError) outcomes.checksum++;
      else if (values instanceof TimeoutError) outcomes.timeout++;
      else {
        expect(values).toEqual(new Map(IDS.map((id) => [id, 1000 + 100 * id])));
        outcomes.ok++;
      }
    }
    expect(outcomes.ok).toBeGreaterThan(50);
    expect(outcomes.checksum).toBeGreaterThan(10);
    expect(outcomes.timeout).toBeGreaterThan(0);
    expect(bus.stats.checksumErrors).toBeGreaterThanOrEqual(outcomes.checksum);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('retries through corruption to the right value', async () => {
    vi.useFakeTimers();
    const { fake, bus } = setup({ timeoutMs: 15, retries: 8, seed: 7 });
    fake.faults.corruptProbability = 0.3;
    for (let n = 0; n < 120; n++) {
      const id = IDS[n % 6];
      const value = bus.read(id, 'Present_Position');
      await vi.advanceTimersByTimeAsync(15 * 9);
      expect(await value).toBe(1000 + 100 * id);
    }
    expect(bus.stats.checksumErrors).toBeGreaterThan(10);
  });

  it('reports error bits as a MotorError that still carries the values read', async () => {
    const { fake, bus } = setup();
    fake.faults.errorBits.set(2, 4 | 32);
    const single = await bus.read(2, 'Present_Position').catch((e: unknown) => e);
    expect(single).toBeInstanceOf(MotorError);
    expect(single).toMatchObject({ motorId: 2, errorByte: 36, errors: ['overheat', 'overload'] });
    expect((single as MotorError).values.get(2)).toBe(1200);
    const sync = (await bus.syncRead('Present_Position', IDS).catch((e: unknown) => e)) as MotorError;
    expect(sync).toBeInstanceOf(MotorError);
    expect(sync.motorId).toBe(2);
    expect(sync.values.size).toBe(6);
    await expect(bus.write(2, 'Torque_Enable', 1)).rejects.toBeInstanceOf(MotorError);
    expect(await bus.read(1, 'Present_Position')).toBe(1100);
  });

  it('runs one request at a time: concurrent calls queue', async () => {
    const { fake, bus } = setup();
    const write = fake.write.bind(fake);
    let overlapping = 0;
    fake.write = (bytes) => {
      if (!fake.idle) overlapping++;
      return write(bytes);
    };
    const reads = IDS.flatMap((id) => [bus.read(id, 'Present_Position'), bus.ping(id)]);
    const results = await Promise.all(reads);
    expect(results.filter((r) => r !== undefined)).toEqual(IDS.map((id) => 1000 + 100 * id));
    expect(overlapping).toBe(0);
  });

  it('rejects out-of-range values and bad ids without breaking the bus', async () => {
    const { bus } = setup();
    await expect(bus.write(1, 'Goal_Position', 40000)).rejects.toBeInstanceOf(RangeError);
    await expect(bus.read(300, 'Present_Position')).rejects.toBeInstanceOf(RangeError);
    await expect(bus.syncRead('Present_Position', [1, 1])).rejects.toBeInstanceOf(RangeError);
    expect(await bus.read(1, 'Present_Position')).toBe(1100);
  });
});

describe('FeetechBus timers and disconnects', () => {
  it('leaves no timer behind after a success or a timeout', async () => {
    vi.useFakeTimers();
    const { fake, bus } = setup({ timeoutMs: 100 });
    const read = bus.read(1, 'Present_Position');
    await vi.advanceTimersByTimeAsync(5);
    expect(await read).toBe(1100);
    expect(vi.getTimerCount()).toBe(0);
    fake.faults.missing.add(2);
    const lost = bus.read(2, 'Present_Position').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(99);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await lost).toBeInstanceOf(TimeoutError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects the request in flight and the queued ones with DisconnectedError when the cable is pulled', async () => {
    vi.useFakeTimers();
    const { fake, bus } = setup({ timeoutMs: 100 });
    fake.faults.replyDelayMs = 50;
    const inFlight = bus.read(1, 'Present_Position').catch((e: unknown) => e);
    const queued = bus.syncRead('Present_Position', IDS).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(10);
    expect(vi.getTimerCount()).toBe(2); // the bus timeout and the fake's pending reply
    fake.disconnect();
    expect(await inFlight).toBeInstanceOf(DisconnectedError);
    expect(await queued).toBeInstanceOf(DisconnectedError);
    expect(vi.getTimerCount()).toBe(0);
    expect(bus.connected).toBe(false);
    await expect(bus.ping(1)).rejects.toBeInstanceOf(DisconnectedError);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with DisconnectedError after close()', async () => {
    const { fake, bus } = setup();
    await bus.close();
    expect(fake.connected).toBe(false);
    await expect(bus.read(1, 'Present_Position')).rejects.toBeInstanceOf(DisconnectedError);
  });
});
