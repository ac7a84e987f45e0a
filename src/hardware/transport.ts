/**
 * Byte transports: the bottom hardware layer. `ByteTransport` moves bytes and says when the link is gone; it
 * knows nothing about packets. `WebSerialTransport` implements it over the Web Serial API.
 */
import { Listeners } from './listeners';

export interface ByteTransport {
  /** Resolves when the bytes are handed to the link; rejects once the link is gone. */
  write(bytes: Uint8Array): Promise<void>;
  /** Incoming bytes, in arbitrary chunks. Returns the unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** The link was lost (cable pulled, device reset), not closed by us. Fires at most once. */
  onDisconnect(listener: (reason: unknown) => void): () => void;
  /** Idempotent. Does not fire the disconnect notification. */
  close(): Promise<void>;
  readonly connected: boolean;
}

/** The options `SerialPort.open()` takes (Web Serial spec). */
export interface SerialOpenOptions {
  baudRate: number;
  dataBits?: 7 | 8;
  stopBits?: 1 | 2;
  parity?: 'none' | 'even' | 'odd';
  bufferSize?: number;
  flowControl?: 'none' | 'hardware';
}

/**
 * The part of Web Serial's `SerialPort` used here, typed locally because TypeScript's DOM lib does not ship it.
 * A real `SerialPort` satisfies it, and so does `FakeSerialPort` in tests.
 */
export interface SerialPortLike {
  readonly readable: ReadableStream<Uint8Array> | null;
  readonly writable: WritableStream<Uint8Array> | null;
  open(options: SerialOpenOptions): Promise<void>;
  close(): Promise<void>;
  addEventListener(type: 'disconnect', listener: () => void): void;
  removeEventListener(type: 'disconnect', listener: () => void): void;
}

/** 1 Mbaud: the STS3215 factory setting and LeRobot's default for the SO-101 bus. */
export const DEFAULT_BAUD_RATE = 1_000_000;

/**
 * One long-lived read loop pushes every chunk to the data listeners (taking a reader per request loses bytes
 * between reads and races on the lock). A writer is taken per write and released at once, with writes chained so
 * two never contend for the lock. `close()` cancels the reader, waits for the loop to release its lock, lets the
 * last write finish, then closes the port: `port.close()` throws while a lock is held.
 */
export class WebSerialTransport implements ByteTransport {
  private readonly data = new Listeners<Uint8Array>();
  private readonly lost = new Listeners<unknown>();
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private writes: Promise<void> = Promise.resolve();
  private readLoop: Promise<void> = Promise.resolve();
  private closing = false;
  private closed: Promise<void> | null = null;
  private isConnected = true;
  private readonly onPortDisconnect = () => this.markLost(new Error('serial device disconnected'));

  private constructor(private readonly port: SerialPortLike) {}

  /** Opens `port` (default 1,000,000 baud, 8N1) and starts reading. */
  static async open(port: SerialPortLike, options: Partial<SerialOpenOptions> = {}): Promise<WebSerialTransport> {
    await port.open({ baudRate: DEFAULT_BAUD_RATE, ...options });
    const transport = new WebSerialTransport(port);
    port.addEventListener('disconnect', transport.onPortDisconnect);
    transport.readLoop = transport.runReadLoop();
    return transport;
  }

  get connected(): boolean {
    return this.isConnected;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.data.add(listener);
  }

  onDisconnect(listener: (reason: unknown) => void): () => void {
    return this.lost.add(listener);
  }

  write(bytes: Uint8Array): Promise<void> {
    const run = async () => {
      const writable = this.port.writable;
      if (!this.isConnected || this.closing || !writable) throw new Error('serial port is not open');
      const writer = writable.getWriter();
      this.writer = writer;
      try {
        await writer.write(bytes);
      } finally {
        this.writer = null;
        writer.releaseLock();
      }
    };
    const result = this.writes.then(run, run);
    this.writes = result.catch(() => {});
    return result;
  }

  close(): Promise<void> {
    this.closed ??= this.doClose();
    return this.closed;
  }

  private async doClose(): Promise<void> {
    const wasConnected = this.isConnected;
    this.closing = true;
    this.isConnected = false;
    this.port.removeEventListener('disconnect', this.onPortDisconnect);
    // A write stuck on a device that stopped draining would hold the writer lock forever.
    await this.writer?.abort().catch(() => {});
    await this.reader?.cancel().catch(() => {});
    await this.readLoop;
    await this.writes;
    this.data.clear();
    this.lost.clear();
    try {
      await this.port.close();
    } catch (err) {
      // A port whose device is gone may refuse to close; there is nothing left to release then.
      if (wasConnected) throw err;
    }
  }

  private async runReadLoop(): Promise<void> {
    let reason: unknown = new Error('serial stream ended');
    // After a non-fatal error (framing, parity, break, buffer overrun) the port offers a fresh `readable`;
    // after a fatal one (device lost) it is null and the loop ends.
    while (!this.closing && this.port.readable) {
      const reader = this.port.readable.getReader();
      this.reader = reader;
      let ended = false;
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) {
            ended = true;
            break;
          }
          if (value && value.length > 0) this.data.emit(value);
        }
      } catch (err) {
        reason = err;
      } finally {
        this.reader = null;
        reader.releaseLock();
      }
      // `done` without close() means the stream was closed under us: the port is unusable.
      if (ended) break;
    }
    if (!this.closing) this.markLost(reason);
  }

  private markLost(reason: unknown): void {
    if (!this.isConnected) return;
    this.isConnected = false;
    this.lost.emit(reason);
  }
}
