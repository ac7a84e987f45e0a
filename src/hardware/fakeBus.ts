/**
 * A fake Feetech bus that speaks bytes, behind the same ByteTransport as the real port: it parses instruction
 * packets with the real codec and answers real status packets, so tests exercise the whole protocol stack.
 * Replies arrive asynchronously, cut into random-sized chunks (seeded), each its own `onData` call like a serial
 * read. Chunks follow each other on microtasks, not timers: a browser clamps chained timers to 4 ms, which would
 * make a fake arm far slower than a real one. Only `faults.replyDelayMs` > 0 uses a timer.
 * Faults are plain mutable fields in `faults`, changeable between requests.
 */
import { FakeMotor } from './fakeMotor';
import { Listeners } from './listeners';
import { BROADCAST_ID, encodePacket, type Frame, Instruction, PacketFramer } from './protocol';
import { randomInt, seededRandom } from './seededRandom';
import type { ByteTransport } from './transport';

export interface FakeServoBusOptions {
  /** Motor ids on the bus; default 1..6, the SO-101's. */
  ids?: readonly number[];
  /** Seeds chunking and corruption, so a failing run replays exactly. */
  seed?: number;
  /** Largest reply chunk; 7 is below the smallest status packet with data, so most replies are split. */
  maxChunkBytes?: number;
  /** Servo speed; default Infinity (instant moves) keeps protocol tests independent of time. */
  ticksPerSecond?: number;
  /** Initial shaft position of every motor, in ticks. */
  position?: number;
  /** Clock in milliseconds for motion; default Date.now (which vitest's fake timers control). */
  now?: () => number;
}

export interface FakeFaults {
  /** Motors that never answer (a loose daisy-chain cable). */
  missing: Set<number>;
  /** Per reply packet, the chance that one of its bytes is flipped. */
  corruptProbability: number;
  /** Delay before a reply starts; longer than the bus timeout gives timeouts. */
  replyDelayMs: number;
  /** Error byte each motor puts in its status packets (e.g. 4 = overheat). */
  errorBits: Map<number, number>;
}

export class FakeServoBus implements ByteTransport {
  readonly faults: FakeFaults = { missing: new Set(), corruptProbability: 0, replyDelayMs: 0, errorBits: new Map() };
  readonly motors: FakeMotor[];
  /** Every checksum-valid instruction packet received, in order. */
  readonly received: Frame[] = [];
  private readonly framer = new PacketFramer();
  private readonly data = new Listeners<Uint8Array>();
  private readonly lost = new Listeners<unknown>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  /** Replies not yet fully delivered. */
  private inFlight = 0;
  /** Bumped on disconnect so deliveries already queued as microtasks drop out. */
  private epoch = 0;
  private readonly staged = new Map<number, { address: number; data: Uint8Array }>();
  private readonly random: () => number;
  private readonly maxChunkBytes: number;
  private isConnected = true;

  constructor(options: FakeServoBusOptions = {}) {
    const ids = options.ids ?? [1, 2, 3, 4, 5, 6];
    const motorOptions = { ticksPerSecond: options.ticksPerSecond, position: options.position, now: options.now };
    this.motors = ids.map((id) => new FakeMotor(id, motorOptions));
    this.random = seededRandom(options.seed ?? 1);
    this.maxChunkBytes = options.maxChunkBytes ?? 7;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  /** True when no reply is waiting to be delivered. */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  motor(id: number): FakeMotor {
    const motor = this.motors.find((m) => m.id === id);
    if (!motor) throw new RangeError(`no fake motor with id ${id}`);
    return motor;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.data.add(listener);
  }

  onDisconnect(listener: (reason: unknown) => void): () => void {
    return this.lost.add(listener);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.isConnected) return Promise.reject(new Error('fake serial port is not connected'));
    for (const frame of this.framer.push(bytes)) {
      this.received.push(frame);
      this.answer(this.execute(frame));
    }
    return Promise.resolve();
  }

  /** Simulates the cable being pulled: pending replies vanish, writes fail, the disconnect listeners fire. */
  disconnect(): void {
    if (!this.isConnected) return;
    this.shutDown();
    this.lost.emit(new Error('fake serial cable pulled'));
  }

  async close(): Promise<void> {
    this.shutDown();
    this.data.clear();
    this.lost.clear();
  }

  private shutDown(): void {
    this.isConnected = false;
    this.epoch++;
    this.inFlight = 0;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Runs one instruction; returns the status packets to send back, in order. */
  private execute(frame: Frame): Uint8Array[] {
    const { id, code, params } = frame;
    const broadcast = id === BROADCAST_ID;
    // A missing motor is off the bus: it neither hears nor answers.
    const onBus = this.motors.filter((m) => !this.faults.missing.has(m.id)).sort((a, b) => a.id - b.id);
    const find = (motorId: number) => onBus.find((m) => m.id === motorId);
    const targets = broadcast ? onBus : onBus.filter((m) => m.id === id);
    const replies: Uint8Array[] = [];
    const reply = (motor: FakeMotor, data: ArrayLike<number> = []) => {
      replies.push(encodePacket(motor.id, this.faults.errorBits.get(motor.id) ?? 0, data));
    };
    switch (code) {
      case Instruction.PING:
        // A broadcast PING is the one broadcast every motor answers: it is how a bus is scanned.
        for (const m of targets) reply(m);
        break;
      case Instruction.READ:
        if (broadcast || params.length !== 2) break;
        for (const m of targets) reply(m, m.readBytes(params[0], params[1]));
        break;
      case Instruction.WRITE:
        if (params.length < 1) break;
        for (const m of targets) {
          m.writeBytes(params[0], params.subarray(1));
          if (!broadcast) reply(m);
        }
        break;
      case Instruction.REG_WRITE:
        if (params.length < 1) break;
        for (const m of targets) {
          this.staged.set(m.id, { address: params[0], data: params.slice(1) });
          if (!broadcast) reply(m);
        }
        break;
      case Instruction.ACTION:
        for (const m of targets) {
          const write = this.staged.get(m.id);
          this.staged.delete(m.id);
          if (write) m.writeBytes(write.address, write.data);
          if (!broadcast) reply(m);
        }
        break;
      case Instruction.SYNC_READ: {
        if (!broadcast || params.length < 2) break;
        const [address, length] = params;
        // Each listed motor answers in turn, in the order of the list.
        for (const listed of params.subarray(2)) {
          const m = find(listed);
          if (m) reply(m, m.readBytes(address, length));
        }
        break;
      }
      case Instruction.SYNC_WRITE: {
        if (!broadcast || params.length < 2) break;
        const [address, length] = params;
        for (let i = 2; i + 1 + length <= params.length; i += 1 + length) {
          find(params[i])?.writeBytes(address, params.subarray(i + 1, i + 1 + length));
        }
        break;
      }
    }
    return replies;
  }

  private answer(replies: Uint8Array[]): void {
    if (replies.length === 0) return;
    for (const packet of replies) {
      if (this.random() < this.faults.corruptProbability) {
        packet[randomInt(this.random, 0, packet.length - 1)] ^= randomInt(this.random, 1, 255);
      }
    }
    const bytes = new Uint8Array(replies.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const packet of replies) {
      bytes.set(packet, offset);
      offset += packet.length;
    }
    this.inFlight++;
    const epoch = this.epoch;
    const start = () => this.deliver(bytes, epoch);
    if (this.faults.replyDelayMs > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        start();
      }, this.faults.replyDelayMs);
      this.timers.add(timer);
    } else {
      queueMicrotask(start);
    }
  }

  /** Emits one random-sized chunk, then queues the rest. */
  private deliver(bytes: Uint8Array, epoch: number): void {
    if (epoch !== this.epoch) return;
    const size = randomInt(this.random, 1, this.maxChunkBytes);
    this.data.emit(bytes.slice(0, size));
    if (size < bytes.length) queueMicrotask(() => this.deliver(bytes.subarray(size), epoch));
    else this.inFlight--;
  }
}
