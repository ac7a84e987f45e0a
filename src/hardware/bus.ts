/**
 * The protocol layer: request/response over a ByteTransport, in register names and signed values.
 * One request is on the wire at a time (the bus is half-duplex and replies carry no request tag), so requests
 * queue. Every request's timer is cleared however it ends.
 * Replies are matched by motor id and data length, as nothing else identifies them: after a timeout, a late reply
 * of the same motor and length could answer the next request. It then holds that motor's data from a few
 * milliseconds earlier, never another motor's or a corrupt value.
 */
import { decodeRegister, encodeRegister, type RegisterName, registerSpec } from './controlTable';
import { ChecksumError, DisconnectedError, MotorError, TimeoutError } from './errors';
import {
  BROADCAST_ID,
  PacketFramer,
  pingPacket,
  readPacket,
  type StatusPacket,
  syncReadPacket,
  syncWritePacket,
  toStatusPacket,
  writePacket,
} from './protocol';
import type { ByteTransport } from './transport';

export interface FeetechBusOptions {
  /**
   * Per request, for all its replies. 100 ms: USB-serial adapters may hold bytes up to ~16 ms each way and a
   * browser's event loop adds jitter, yet a 30 Hz control loop must not stall long on a silent motor.
   */
  timeoutMs?: number;
  /** Extra attempts after a TimeoutError or ChecksumError. 0: the control loop decides; a retry costs a period. */
  retries?: number;
}

export interface BusStats {
  readonly checksumErrors: number;
  readonly droppedBytes: number;
  /** Valid packets nobody asked for (a wrong id or length, a late reply to an earlier request). */
  readonly unexpectedPackets: number;
}

/** What a request waits for: one status packet from each id, each with `dataLength` data bytes. */
interface Expectation {
  readonly ids: readonly number[];
  readonly dataLength: number;
}

interface Pending extends Expectation {
  readonly replies: Map<number, StatusPacket>;
  readonly checksumErrorsAtStart: number;
  readonly settle: (error: Error | null) => void;
}

export class FeetechBus {
  private readonly framer = new PacketFramer();
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly unsubscribe: (() => void)[];
  private queue: Promise<unknown> = Promise.resolve();
  private pending: Pending | null = null;
  private unexpected = 0;
  private gone: DisconnectedError | null = null;

  constructor(
    private readonly transport: ByteTransport,
    options: FeetechBusOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 100;
    this.retries = options.retries ?? 0;
    this.unsubscribe = [
      transport.onData((chunk) => this.receive(chunk)),
      transport.onDisconnect(() => this.fail(new DisconnectedError())),
    ];
    if (!transport.connected) this.gone = new DisconnectedError();
  }

  get stats(): BusStats {
    return {
      checksumErrors: this.framer.checksumErrors,
      droppedBytes: this.framer.droppedBytes,
      unexpectedPackets: this.unexpected,
    };
  }

  /** False once the transport is lost or the bus closed; every request then rejects with DisconnectedError. */
  get connected(): boolean {
    return this.gone === null;
  }

  /** Resolves when motor `id` answers. */
  async ping(id: number): Promise<void> {
    await this.request(pingPacket(id), { ids: [id], dataLength: 0 });
  }

  async read(id: number, register: RegisterName): Promise<number> {
    const { address, size } = registerSpec(register);
    const replies = await this.request(readPacket(id, address, size), { ids: [id], dataLength: size }, register);
    return replies.get(id)!;
  }

  /** Writes to one motor and waits for its status; to BROADCAST_ID, resolves once sent (no motor answers). */
  async write(id: number, register: RegisterName, value: number): Promise<void> {
    const { address } = registerSpec(register);
    const packet = writePacket(id, address, encodeRegister(register, value));
    await this.request(packet, id === BROADCAST_ID ? null : { ids: [id], dataLength: 0 });
  }

  /** Reads one register from each motor with one SYNC_READ; the motors answer in ascending id order. */
  async syncRead(register: RegisterName, ids: readonly number[]): Promise<Map<number, number>> {
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    if (sorted.length !== ids.length) throw new RangeError(`duplicate ids in ${ids.join(', ')}`);
    if (sorted.length === 0) return new Map();
    const { address, size } = registerSpec(register);
    return this.request(syncReadPacket(address, size, sorted), { ids: sorted, dataLength: size }, register);
  }

  /** One SYNC_WRITE packet; broadcast, so nothing answers and it resolves once sent. */
  async syncWrite(register: RegisterName, values: ReadonlyMap<number, number>): Promise<void> {
    const { address, size } = registerSpec(register);
    if (values.size === 0) return;
    const entries = [...values].map(([id, value]) => [id, encodeRegister(register, value)] as const);
    await this.request(syncWritePacket(address, size, entries), null);
  }

  /** Rejects queued and in-flight requests with DisconnectedError, then closes the transport. */
  async close(): Promise<void> {
    this.fail(new DisconnectedError('bus closed'));
    for (const off of this.unsubscribe) off();
    await this.transport.close();
  }

  /** Queues one exchange (with retries); resolves with the decoded value of each answering motor. */
  private request(packet: Uint8Array, expect: Expectation | null, register?: RegisterName): Promise<Map<number, number>> {
    const run = async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return this.decode(await this.exchange(packet, expect), register);
        } catch (err) {
          const retryable = err instanceof TimeoutError || err instanceof ChecksumError;
          if (!retryable || attempt >= this.retries || this.gone) throw err;
        }
      }
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => {});
    return result;
  }

  private decode(replies: Map<number, StatusPacket>, register: RegisterName | undefined): Map<number, number> {
    const values = new Map<number, number>();
    if (register) for (const [id, reply] of replies) values.set(id, decodeRegister(register, reply.params));
    for (const reply of replies.values()) {
      if (reply.error !== 0) throw new MotorError(reply.id, reply.error, reply.errors, values);
    }
    return values;
  }

  /** Sends one packet and collects the expected status packets (none for broadcasts). */
  private async exchange(packet: Uint8Array, expect: Expectation | null): Promise<Map<number, StatusPacket>> {
    if (this.gone) throw this.gone;
    // Bytes left from an earlier, failed exchange must not stall or answer this one.
    this.framer.reset();
    this.framer.maxLength = (expect?.dataLength ?? 0xfd) + 2;
    if (!expect) {
      await this.send(packet);
      return new Map();
    }
    const replies = new Map<number, StatusPacket>();
    let pending: Pending | undefined;
    const done = new Promise<Map<number, StatusPacket>>((resolve, reject) => {
      const timer = setTimeout(() => this.finish(), this.timeoutMs);
      pending = {
        ...expect,
        replies,
        checksumErrorsAtStart: this.framer.checksumErrors,
        settle: (error) => {
          if (this.pending !== pending) return;
          clearTimeout(timer);
          this.pending = null;
          if (error) reject(error);
          else resolve(replies);
        },
      };
      this.pending = pending;
    });
    // A failed write settles the request now rather than at its timeout.
    this.send(packet).catch((err: unknown) => pending?.settle(this.gone ?? toError(err)));
    return done;
  }

  private async send(packet: Uint8Array): Promise<void> {
    try {
      await this.transport.write(packet);
    } catch (err) {
      throw this.gone ?? err;
    }
  }

  private receive(chunk: Uint8Array): void {
    const frames = this.framer.push(chunk);
    const pending = this.pending;
    if (!pending) {
      this.unexpected += frames.length;
      return;
    }
    for (const frame of frames) {
      const wanted = pending.ids.includes(frame.id) && !pending.replies.has(frame.id);
      if (wanted && frame.params.length === pending.dataLength) pending.replies.set(frame.id, toStatusPacket(frame));
      else this.unexpected++;
    }
    // A corrupt packet fills the slot of the reply it was, so the request ends as soon as the line goes quiet.
    const corrupt = this.framer.checksumErrors - pending.checksumErrorsAtStart;
    if (pending.replies.size + corrupt >= pending.ids.length) this.finish();
  }

  /** Settles the pending request from what arrived: all replies, a checksum failure, or a timeout. */
  private finish(): void {
    const pending = this.pending;
    if (!pending) return;
    const missing = pending.ids.filter((id) => !pending.replies.has(id));
    if (missing.length === 0) pending.settle(null);
    else if (this.framer.checksumErrors > pending.checksumErrorsAtStart) pending.settle(new ChecksumError(missing));
    else pending.settle(new TimeoutError(missing, this.timeoutMs));
  }

  private fail(error: DisconnectedError): void {
    this.gone ??= error;
    this.pending?.settle(this.gone);
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
