/**
 * Future actions from the policy, indexed by control tick. A chunk predicted from the observation at tick s
 * holds the actions for ticks s, s+1, …; actions whose tick has passed are never executed (they are stale
 * when inference took longer than a tick). Optional temporal ensembling blends every chunk that covers a
 * tick with ACT's exponential weights (the oldest prediction weighs most: w_i = exp(−k·i)).
 */
export interface Chunk {
  start: number;
  actions: number[][];
}

export class ChunkQueue {
  private chunks: Chunk[] = [];

  constructor(
    /** Blend overlapping chunks (ACT temporal ensembling) instead of following the newest. */
    public ensemble = false,
    /** ACT's k: larger forgets older chunks faster. ACT uses 0.01. */
    public ensembleK = 0.01,
    /** Chunks kept for ensembling. */
    private readonly maxChunks = 8,
  ) {}

  clear(): void {
    this.chunks = [];
  }

  push(start: number, actions: number[][]): void {
    if (actions.length === 0) return;
    this.chunks.push({ start, actions });
    this.chunks.sort((a, b) => a.start - b.start);
    if (this.chunks.length > this.maxChunks) this.chunks.splice(0, this.chunks.length - this.maxChunks);
  }

  /** Actions left for ticks ≥ tick in the newest chunk. */
  depth(tick: number): number {
    const c = this.chunks[this.chunks.length - 1];
    if (!c) return 0;
    return Math.max(0, c.start + c.actions.length - Math.max(tick, c.start));
  }

  /** Start tick of the newest chunk that covers `tick` (the one actionAt follows), or null. */
  sourceAt(tick: number): number | null {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const c = this.chunks[i];
      if (c.start <= tick && c.start + c.actions.length > tick) return c.start;
    }
    return null;
  }

  /** The action for a tick, or null when no chunk covers it. Drops chunks that have run out. */
  actionAt(tick: number): number[] | null {
    this.chunks = this.chunks.filter((c) => c.start + c.actions.length > tick);
    const covering = this.chunks.filter((c) => c.start <= tick);
    if (covering.length === 0) return null;
    if (!this.ensemble || covering.length === 1) {
      const c = covering[covering.length - 1];
      return c.actions[tick - c.start].slice();
    }
    const dim = covering[0].actions[0].length;
    const out = new Array<number>(dim).fill(0);
    let wsum = 0;
    covering.forEach((c, i) => {
      const w = Math.exp(-this.ensembleK * i);
      const a = c.actions[tick - c.start];
      for (let d = 0; d < dim; d++) out[d] += w * a[d];
      wsum += w;
    });
    return out.map((v) => v / wsum);
  }
}
