/**
 * A dead-man timer for a command stream: `kick()` on every command; when no kick comes within `deadlineMs`, the
 * callback runs once, so a stalled loop (a hung model, a throttled background tab) stops commanding the arm.
 * After firing it stays quiet until the next kick re-arms it. At most one timer exists, and stop() clears it.
 */
export class Watchdog {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private hasFired = false;

  constructor(
    readonly deadlineMs: number,
    private readonly onExpire: () => void,
  ) {
    if (!(deadlineMs > 0) || !Number.isFinite(deadlineMs)) throw new RangeError(`watchdog deadline must be > 0 ms, got ${deadlineMs}`);
  }

  /** A timer is running: a kick came and its deadline has not passed. */
  get armed(): boolean {
    return this.timer !== null;
  }

  /** It fired since the last kick. */
  get fired(): boolean {
    return this.hasFired;
  }

  /** A command went out: the deadline restarts from now. */
  kick(): void {
    this.clear();
    this.hasFired = false;
    this.timer = setTimeout(() => this.expire(), this.deadlineMs);
  }

  /** Disarms without firing (the loop stopped on purpose). */
  stop(): void {
    this.clear();
  }

  private expire(): void {
    this.timer = null;
    this.hasFired = true;
    // State is settled first, so a throwing callback leaves no timer behind.
    this.onExpire();
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
