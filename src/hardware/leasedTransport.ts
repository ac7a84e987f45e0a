/**
 * A lease on a shared ByteTransport: it reads, writes and hears the disconnect like the link itself, but its
 * `close()` only detaches its own listeners. The app keeps one open link per arm and lends it in turn to a robot,
 * then to the calibration wizard, then to a new robot: each closes its bus when done (FeetechBus.close closes its
 * transport) without dropping the port, so no second user gesture (requestPort) is needed between them.
 * One lease at a time may talk: two buses on one half-duplex line would take each other's replies.
 */
import { Listeners } from './listeners';
import type { ByteTransport } from './transport';

export class LeasedTransport implements ByteTransport {
  private readonly data = new Listeners<Uint8Array>();
  private readonly lost = new Listeners<unknown>();
  private readonly detach: (() => void)[];
  private released = false;

  constructor(private readonly link: ByteTransport) {
    this.detach = [link.onData((chunk) => this.data.emit(chunk)), link.onDisconnect((reason) => this.lost.emit(reason))];
  }

  get connected(): boolean {
    return !this.released && this.link.connected;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.released) return Promise.reject(new Error('this lease on the serial port was released'));
    return this.link.write(bytes);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.data.add(listener);
  }

  onDisconnect(listener: (reason: unknown) => void): () => void {
    return this.lost.add(listener);
  }

  /** Releases the lease; the link stays open. Idempotent, and silent, as ByteTransport.close() promises. */
  async close(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const off of this.detach) off();
    this.data.clear();
    this.lost.clear();
  }
}
