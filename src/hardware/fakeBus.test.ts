import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeRegister, encodeRegister } from './controlTable';
import { FakeServoBus } from './fakeBus';
import {
  actionPacket,
  encodePacket,
  type Frame,
  Instruction,
  PacketFramer,
  pingPacket,
  readPacket,
  regWritePacket,
  syncReadPacket,
  syncWritePacket,
  writePacket,
} from './protocol';
import { referenceChecksum } from './testBytes';

/** Sends raw packets and collects the raw reply chunks until the fake is idle. */
async function exchange(fake: FakeServoBus, ...packets: Uint8Array[]) {
  const chunks: Uint8Array[] = [];
  const off = fake.onData((c) => chunks.push(c));
  for (const p of packets) await fake.write(p);
  while (!fake.idle) await new Promise((r) => setTimeout(r, 0));
  off();
  const bytes = Uint8Array.from(chunks.flatMap((c) => [...c]));
  return { chunks, bytes, frames: new PacketFramer().push(bytes) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('FakeServoBus', () => {
  it('answers PING with a real status packet, FF FF 01 02 00 FC', async () => {
    const fake = new FakeServoBus();
    const { bytes } = await exchange(fake, pingPacket(1));
    expect([...bytes]).toEqual([0xff, 0xff, 0x01, 0x02, 0x00, 0xfc]);
  });

  it('cuts replies into seeded random chunks no larger than maxChunkBytes', async () => {
    const replies = async (seed: number) => {
      const fake = new FakeServoBus({ seed, maxChunkBytes: 5 });
      return (await exchange(fake, syncReadPacket(56, 2, [1, 2, 3, 4, 5, 6]))).chunks.map((c) => c.length);
    };
    const sizes = await replies(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(6 * 8);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(5);
    expect(new Set(sizes).size).toBeGreaterThan(1);
    expect(await replies(3)).toEqual(sizes);
  });

  it('answers SYNC_READ with one status packet per motor, in the listed order, with valid checksums', async () => {
    const fake = new FakeServoBus();
    fake.motor(2).turnByHand(1234);
    const { bytes, frames } = await exchange(fake, syncReadPacket(56, 2, [1, 2, 3, 4, 5, 6]));
    expect(frames.map((f) => f.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(decodeRegister('Present_Position', frames[1].params)).toBe(1234);
    for (let i = 0; i < 6; i++) {
      const packet = bytes.subarray(8 * i, 8 * i + 8);
      expect(packet[7]).toBe(referenceChecksum(packet));
    }
  });

  it('does not answer broadcast writes, SYNC_WRITE or broadcast ACTION, but applies them', async () => {
    const fake = new FakeServoBus();
    const { bytes } = await exchange(
      fake,
      writePacket(0xfe, 40, [1]),
      syncWritePacket(42, 2, [
        [1, encodeRegister('Goal_Position', 100)],
        [2, encodeRegister('Goal_Position', 200)],
      ]),
      regWritePacket(0xfe, 42, encodeRegister('Goal_Position', 300)),
      actionPacket(),
    );
    expect(bytes).toHaveLength(0);
    expect([1, 2, 3].map((id) => fake.motor(id).get('Present_Position'))).toEqual([300, 300, 300]);
  });

  it('answers a broadcast PING from every motor, for bus scans', async () => {
    const fake = new FakeServoBus({ ids: [3, 1, 7] });
    const { frames } = await exchange(fake, pingPacket(0xfe));
    expect(frames.map((f) => f.id)).toEqual([1, 3, 7]);
  });

  it('stages REG_WRITE until ACTION', async () => {
    const fake = new FakeServoBus();
    fake.motor(1).set('Torque_Enable', 1);
    const staged = await exchange(fake, regWritePacket(1, 42, encodeRegister('Goal_Position', 777)));
    expect(staged.frames).toHaveLength(1);
    expect(fake.motor(1).get('Present_Position')).toBe(2048);
    await exchange(fake, actionPacket());
    expect(fake.motor(1).get('Present_Position')).toBe(777);
  });

  it('ignores instructions with a bad checksum and motors that are not there', async () => {
    const fake = new FakeServoBus();
    const bad = pingPacket(1);
    bad[5] ^= 1;
    expect((await exchange(fake, bad, pingPacket(9))).bytes).toHaveLength(0);
    expect(fake.received.map((f: Frame) => f.id)).toEqual([9]);
  });

  it('follows an ID change', async () => {
    const fake = new FakeServoBus({ ids: [1] });
    await exchange(fake, writePacket(1, 5, [8]));
    expect((await exchange(fake, pingPacket(8))).frames).toHaveLength(1);
    expect((await exchange(fake, pingPacket(1))).frames).toHaveLength(0);
  });

  it('puts the configured error bits in status packets', async () => {
    const fake = new FakeServoBus();
    fake.faults.errorBits.set(1, 4);
    const { frames } = await exchange(fake, readPacket(1, 3, 2));
    expect(frames[0]).toEqual({ id: 1, code: 4, params: Uint8Array.of(0x09, 0x03) });
  });

  it('stays silent for a missing motor, and corrupts replies when told to', async () => {
    const fake = new FakeServoBus({ seed: 5 });
    fake.faults.missing.add(3);
    expect((await exchange(fake, syncReadPacket(56, 2, [1, 2, 3, 4]))).frames.map((f) => f.id)).toEqual([1, 2, 4]);
    fake.faults.corruptProbability = 1;
    const { bytes } = await exchange(fake, pingPacket(1));
    expect(bytes).toHaveLength(6);
    expect([...bytes]).not.toEqual([...encodePacket(1, 0)]);
  });

  it('moves toward Goal_Position at the configured speed, reporting Moving and a signed velocity', () => {
    vi.useFakeTimers();
    const fake = new FakeServoBus({ ticksPerSecond: 1000 });
    const m = fake.motor(1);
    m.set('Goal_Position', 1000);
    vi.advanceTimersByTime(500);
    expect(m.get('Present_Position')).toBe(2048); // torque off: the servo does not drive
    m.set('Torque_Enable', 1);
    expect(m.get('Goal_Position')).toBe(2048); // enabling torque holds where it is
    m.set('Goal_Position', 1000);
    vi.advanceTimersByTime(500);
    expect(m.get('Present_Position')).toBe(1548);
    expect(m.get('Moving')).toBe(1);
    expect(m.get('Present_Velocity')).toBe(-1000);
    vi.advanceTimersByTime(1000);
    expect(m.get('Present_Position')).toBe(1000);
    expect(m.get('Moving')).toBe(0);
    expect(m.get('Present_Velocity')).toBe(0);
  });

  it('reports Present_Position = shaft − Homing_Offset (half-turn homing gives 2047)', () => {
    const fake = new FakeServoBus({ position: 3100 });
    const m = fake.motor(1);
    const offset = m.get('Present_Position') - 2047;
    m.set('Homing_Offset', offset);
    expect(m.get('Present_Position')).toBe(2047);
    m.set('Homing_Offset', -1000);
    expect(m.get('Present_Position')).toBe((3100 + 1000) % 4096);
  });

  it('after disconnect(): drops pending replies, rejects writes, notifies once', async () => {
    const fake = new FakeServoBus();
    const reasons: unknown[] = [];
    fake.onDisconnect((r) => reasons.push(r));
    const chunks: Uint8Array[] = [];
    fake.onData((c) => chunks.push(c));
    fake.faults.replyDelayMs = 5;
    await fake.write(pingPacket(1));
    fake.disconnect();
    fake.disconnect();
    expect(fake.idle).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(chunks).toHaveLength(0);
    expect(reasons).toHaveLength(1);
    await expect(fake.write(pingPacket(1))).rejects.toThrow();
    expect(fake.received[0].code).toBe(Instruction.PING);
  });
});
