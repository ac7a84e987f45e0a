/**
 * A Web Serial `SerialPort` stand-in backed by any ByteTransport (normally the FakeServoBus), for tests and for a
 * fake `navigator.serial` in e2e pages. It keeps the real port's traps: `close()` rejects while a stream is locked,
 * and a pulled cable errors the readable stream, nulls both streams and fires 'disconnect'.
 */
import type { ByteTransport, SerialOpenOptions, SerialPortLike } from './transport';

export class FakeSerialPort implements SerialPortLike {
  readable: ReadableStream<Uint8Array> | null = null;
  writable: WritableStream<Uint8Array> | null = null;
  /** Options of the last open(). */
  openOptions: SerialOpenOptions | null = null;
  /** How many readers were taken from the readable streams: a well-behaved transport takes one. */
  readersTaken = 0;
  private readonly listeners = new Set<() => void>();
  private controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  private detachData: (() => void) | null = null;
  private detachLost: (() => void) | null = null;

  constructor(private readonly device: ByteTransport) {}

  async open(options: SerialOpenOptions): Promise<void> {
    if (this.readable || this.writable) throw new Error('InvalidStateError: the port is already open');
    if (!this.device.connected) throw new Error('NetworkError: the device is gone');
    this.openOptions = options;
    this.makeReadable();
    this.writable = new WritableStream<Uint8Array>({ write: (chunk) => this.device.write(chunk) });
    this.detachLost = this.device.onDisconnect(() => {
      this.controller?.error(new Error('NetworkError: the device has been lost'));
      this.stopListening();
      this.readable = null;
      this.writable = null;
      for (const fn of [...this.listeners]) fn();
    });
  }

  /**
   * A non-fatal read error (framing, parity, break, overrun): the current readable errors and the port offers a
   * fresh one, as the Web Serial spec describes.
   */
  injectReadError(): void {
    this.controller?.error(new Error('FramingError'));
    this.stopReading();
    this.makeReadable();
  }

  private makeReadable(): void {
    const readable = new ReadableStream<Uint8Array>({
      start: (c) => {
        this.controller = c;
      },
      cancel: () => {
        if (this.readable === readable) this.stopReading();
      },
    });
    const getReader = readable.getReader.bind(readable) as () => ReadableStreamDefaultReader<Uint8Array>;
    readable.getReader = (() => {
      this.readersTaken++;
      return getReader();
    }) as typeof readable.getReader;
    this.readable = readable;
    const controller = this.controller;
    this.detachData = this.device.onData((chunk) => controller?.enqueue(chunk.slice()));
  }

  async close(): Promise<void> {
    if (this.readable?.locked || this.writable?.locked) {
      throw new TypeError('Failed to close SerialPort: a stream is locked');
    }
    this.stopListening();
    await this.readable?.cancel().catch(() => {});
    await this.writable?.close().catch(() => {});
    this.readable = null;
    this.writable = null;
  }

  addEventListener(_type: 'disconnect', listener: () => void): void {
    this.listeners.add(listener);
  }

  removeEventListener(_type: 'disconnect', listener: () => void): void {
    this.listeners.delete(listener);
  }

  private stopReading(): void {
    this.detachData?.();
    this.detachData = null;
    this.controller = null;
  }

  private stopListening(): void {
    this.stopReading();
    this.detachLost?.();
    this.detachLost = null;
  }
}
