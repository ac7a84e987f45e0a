/** Rolling samples for p50/p95 and event rates, for the HUD and the benchmarks. */
export class Samples {
  private values: number[] = [];
  constructor(private readonly capacity = 200) {}

  add(v: number): void {
    this.values.push(v);
    if (this.values.length > this.capacity) this.values.shift();
  }

  get count(): number {
    return this.values.length;
  }

  quantile(q: number): number {
    if (this.values.length === 0) return Number.NaN;
    const s = [...this.values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
  }

  clear(): void {
    this.values = [];
  }
}

/** Events per second over a sliding window of wall-clock time. */
export class RateMeter {
  private times: number[] = [];
  constructor(private readonly windowMs = 3000) {}

  mark(now: number): void {
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0] > this.windowMs) this.times.shift();
  }

  rate(now: number): number {
    while (this.times.length > 0 && now - this.times[0] > this.windowMs) this.times.shift();
    if (this.times.length < 2) return 0;
    return ((this.times.length - 1) * 1000) / Math.max(1, now - this.times[0]);
  }

  clear(): void {
    this.times = [];
  }
}
