/**
 * The serial stack's cost, each figure against a baseline measured in the same run:
 * - bus round trip: FeetechBus SYNC_READ of Present_Position + SYNC_WRITE of Goal_Position against a FakeServoBus
 *   with no reply delay, in packets/s, against the same bytes written straight to the fake and its reply bytes
 *   awaited (the fake's own cost, no host-side codec);
 * - robot tick: So101Robot sendAction + getObservation (safety filter, units, both packets), in ticks/s, against
 *   the bare bus round trip above;
 * - codec per control tick: everything the host computes for one tick (units → ticks → SYNC_WRITE bytes, SYNC_READ
 *   bytes, reply bytes → frames → registers → units), in µs, against the packet codec alone on the same bytes
 *   (encodePacket and the framer, no registers or units).
 * The fake answers on microtasks, so the bus figures are CPU cost, not a serial line's speed: at 1 Mbaud the
 * 58 bytes of a round trip take ~0.6 ms on the wire, plus the USB adapter's latency.
 */
import { FeetechBus } from '../src/hardware/bus';
import { decodeRegister, encodeRegister } from '../src/hardware/controlTable';
import { FakeServoBus } from '../src/hardware/fakeBus';
import { encodePacket, Instruction, PacketFramer, syncReadPacket, syncWritePacket, toStatusPacket } from '../src/hardware/protocol';
import { So101Arm } from '../src/hardware/so101';
import { fakeSo101, midTicks, TEST_CALIBRATION } from '../src/hardware/so101Fixtures';
import { SO101_IDS } from '../src/hardware/so101Motors';
import { So101Robot } from '../src/control/so101Robot';
import { type BenchRow, quantile } from './stats';

const REPEATS = 7;
const ROUND_TRIPS = 2000;
/** SYNC_READ, six status packets, SYNC_WRITE. */
const PACKETS_PER_ROUND_TRIP = 8;
const CODEC_TICKS = 20_000;
const PRESENT = 56;
const GOAL = 42;

/** Round trips per second through FeetechBus. */
async function busRate(): Promise<number> {
  const bus = new FeetechBus(new FakeServoBus());
  const goals = new Map(SO101_IDS.map((id) => [id, 2048]));
  for (let i = 0; i < 100; i++) await bus.syncRead('Present_Position', SO101_IDS);
  const t0 = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i++) {
    await bus.syncRead('Present_Position', SO101_IDS);
    await bus.syncWrite('Goal_Position', goals);
  }
  const rate = ROUND_TRIPS / ((performance.now() - t0) / 1000);
  await bus.close();
  return rate;
}

/** Round trips per second with pre-encoded bytes written to the fake and its reply bytes counted, nothing decoded. */
async function echoRate(): Promise<number> {
  const fake = new FakeServoBus();
  const read = syncReadPacket(PRESENT, 2, SO101_IDS);
  const write = syncWritePacket(
    GOAL,
    2,
    SO101_IDS.map((id) => [id, encodeRegister('Goal_Position', 2048)] as const),
  );
  const replyBytes = SO101_IDS.length * 8;
  let received = 0;
  let wake: (() => void) | null = null;
  fake.onData((chunk) => {
    received += chunk.length;
    if (received >= replyBytes) wake?.();
  });
  const roundTrip = async () => {
    received = 0;
    const done = new Promise<void>((r) => {
      wake = r;
    });
    await fake.write(read);
    await done;
    await fake.write(write);
  };
  for (let i = 0; i < 100; i++) await roundTrip();
  const t0 = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i++) await roundTrip();
  return ROUND_TRIPS / ((performance.now() - t0) / 1000);
}

/** Control ticks per second through the Robot interface. */
async function robotRate(): Promise<number> {
  const robot = new So101Robot({ type: 'so101', transport: fakeSo101(), calibration: TEST_CALIBRATION, watchdogMs: null });
  await robot.connect();
  // A small back-and-forth, inside the step limit, so every action is sent as asked.
  const action = (i: number) => [i % 2, 0, 0, 0, 0, 50];
  for (let i = 0; i < 100; i++) {
    await robot.sendAction(action(i));
    await robot.getObservation();
  }
  const t0 = performance.now();
  for (let i = 0; i < ROUND_TRIPS; i++) {
    await robot.sendAction(action(i));
    await robot.getObservation();
  }
  const rate = ROUND_TRIPS / ((performance.now() - t0) / 1000);
  await robot.disconnect();
  return rate;
}

/** The six status packets a SYNC_READ of Present_Position gets back, cut in 7-byte reads as the fake does. */
function replyChunks(): Uint8Array[] {
  const ticks = midTicks();
  const bytes = Uint8Array.from(SO101_IDS.flatMap((id, i) => [...encodePacket(id, 0, encodeRegister('Present_Position', ticks[i]))]));
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 7) chunks.push(bytes.slice(at, at + 7));
  return chunks;
}

/** µs per tick: units → ticks → SYNC_WRITE, SYNC_READ, reply bytes → frames → registers → units. */
function codecFull(chunks: Uint8Array[]): number {
  // The arm's unit conversions only; its bus is never used here.
  const arm = new So101Arm(new FeetechBus(new FakeServoBus()), TEST_CALIBRATION);
  const framer = new PacketFramer();
  const units = [10, -20, 30, -5, 15, 40];
  let sink = 0;
  const t0 = performance.now();
  for (let t = 0; t < CODEC_TICKS; t++) {
    units[0] = t % 40;
    const goals = arm.goalsToTicks(units);
    const write = syncWritePacket(
      GOAL,
      2,
      SO101_IDS.map((id, i) => [id, encodeRegister('Goal_Position', goals[i])] as const),
    );
    const read = syncReadPacket(PRESENT, 2, SO101_IDS);
    const raw: number[] = [];
    for (const chunk of chunks) for (const frame of framer.push(chunk)) raw.push(decodeRegister('Present_Position', toStatusPacket(frame).params));
    sink += write.length + read.length + arm.ticksToUnits(raw)[0];
  }
  const us = ((performance.now() - t0) * 1000) / CODEC_TICKS;
  if (sink === Number.NEGATIVE_INFINITY) console.log(sink);
  return us;
}

/** µs per tick for the packet codec alone on the same bytes: two instruction packets, the replies framed. */
function codecRaw(chunks: Uint8Array[]): number {
  const framer = new PacketFramer();
  const writeParams = Uint8Array.from([GOAL, 2, ...SO101_IDS.flatMap((id) => [id, 0, 8])]);
  const readParams = Uint8Array.from([PRESENT, 2, ...SO101_IDS]);
  let sink = 0;
  const t0 = performance.now();
  for (let t = 0; t < CODEC_TICKS; t++) {
    writeParams[4] = t & 0xff;
    const write = encodePacket(0xfe, Instruction.SYNC_WRITE, writeParams);
    const read = encodePacket(0xfe, Instruction.SYNC_READ, readParams);
    let n = 0;
    for (const chunk of chunks) n += framer.push(chunk).length;
    sink += write.length + read.length + n;
  }
  const us = ((performance.now() - t0) * 1000) / CODEC_TICKS;
  if (sink === Number.NEGATIVE_INFINITY) console.log(sink);
  return us;
}

export async function benchSerial(): Promise<BenchRow[]> {
  const bus: number[] = [];
  const echo: number[] = [];
  const robot: number[] = [];
  const full: number[] = [];
  const raw: number[] = [];
  const chunks = replyChunks();
  for (let r = 0; r < REPEATS; r++) {
    // Interleaved, so machine noise hits each side alike.
    bus.push(await busRate());
    echo.push(await echoRate());
    robot.push(await robotRate());
    full.push(codecFull(chunks));
    raw.push(codecRaw(chunks));
  }
  const busPackets = quantile(bus, 0.5) * PACKETS_PER_ROUND_TRIP;
  const echoPackets = quantile(echo, 0.5) * PACKETS_PER_ROUND_TRIP;
  const busTrips = quantile(bus, 0.5);
  const robotTicks = quantile(robot, 0.5);
  const fullUs = quantile(full, 0.5);
  const rawUs = quantile(raw, 0.5);
  const note = `${REPEATS} runs × ${ROUND_TRIPS} round trips; FakeServoBus replies on microtasks in ≤7-byte chunks`;
  return [
    {
      name: 'bus sync read + sync write (FeetechBus ↔ FakeServoBus)',
      value: busPackets,
      unit: 'packets/s',
      // For a rate, p95 is the slow end: the 5th percentile of the rates.
      p95: quantile(bus, 0.05) * PACKETS_PER_ROUND_TRIP,
      baseline: 'same bytes echoed by the bare fake, no host codec',
      baselineValue: echoPackets,
      ratio: busPackets / echoPackets,
      note: `${note}; ${PACKETS_PER_ROUND_TRIP} packets per round trip`,
    },
    {
      name: 'robot tick (So101Robot sendAction + getObservation)',
      value: robotTicks,
      unit: 'ticks/s',
      p95: quantile(robot, 0.05),
      baseline: 'bare bus round trip (row above)',
      baselineValue: busTrips,
      ratio: robotTicks / busTrips,
      note: 'safety filter, units and both packets per tick',
    },
    {
      name: 'codec per control tick (units ↔ registers ↔ packets)',
      value: fullUs,
      unit: 'µs',
      p95: quantile(full, 0.95),
      baseline: 'packet codec alone, same bytes',
      baselineValue: rawUs,
      ratio: fullUs / rawUs,
      note: `${CODEC_TICKS} ticks per run; a 20 Hz control period is 50,000 µs`,
    },
  ];
}
