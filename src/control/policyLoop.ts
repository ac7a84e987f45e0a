/**
 * The closed loop between a policy and a robot, one call per control tick. Asynchronous mode asks for the next
 * chunk while the queue still has actions (below a threshold), so the arm never waits when inference is fast
 * enough; synchronous mode waits for every chunk (for comparison). Every action goes to the robot through the
 * Robot interface, whose sendAction passes it through the one safety filter; a stalled model holds the last
 * safe pose; a chunk with NaN is dropped and counted.
 */
import { ChunkBlend } from './chunkBlend';
import { ChunkQueue } from './chunkQueue';
import { RateMeter, Samples } from './latencyStats';
import type { Robot } from './robot';

export interface LoopObservation {
  images: Record<string, Uint8Array>;
  state: number[];
}

export interface LoopChunk {
  actions: number[][];
  nonFinite: boolean;
  timings: Record<string, number>;
}

export interface PolicyLoopOptions {
  mode: 'async' | 'sync';
  /** Async: request the next chunk when this many actions or fewer remain. */
  threshold: number;
  ensemble: boolean;
  /**
   * Sync: actions run from each chunk before the next is asked for (receding horizon); the rest of the chunk is
   * replaced, or blended in with `ensemble`. Unset: the whole chunk.
   */
  horizon?: number;
  /** Ticks without any model action before the hold counts as a stall. */
  stallTicks: number;
  /** Ticks over which a chunk hand-over is smoothed (chunkBlend.ts); unset or 0: none. */
  blendTicks?: number;
  /** Dimensions the hand-over smooths (unset: all). */
  blendDims?: readonly number[];
}

export const DEFAULT_LOOP_OPTIONS: PolicyLoopOptions = { mode: 'async', threshold: 4, ensemble: false, stallTicks: 1 };

export interface PolicyLoopDeps {
  /** Capture the observation now (cameras render here, only when a chunk is requested). */
  observe(): LoopObservation;
  infer(obs: LoopObservation, seed: number): Promise<LoopChunk>;
  /** The arm the loop drives, simulated or real: every action goes through its sendAction and safety filter. */
  robot: Pick<Robot, 'sendAction' | 'safety'>;
  now?: () => number;
}

export interface TickResult {
  /** Sync mode is waiting for the model: nothing was sent, and the world must not step. */
  waiting: boolean;
  /** The robot was told to hold (no model action for this tick). */
  held: boolean;
}

export interface LoopStats {
  inferences: number;
  actions: number;
  holds: number;
  stalls: number;
  droppedNaN: number;
  /** Chunks that arrived after their last action's tick: inference slower than the chunk lasts. */
  lateChunks: number;
  errors: number;
  lastError: string | null;
  queueDepth: number;
  inflight: boolean;
  inferenceRate: number;
  actionRate: number;
  /** p50/p95 per stage (ms): capture, preprocess, tokenize, inference, decode, and the whole round trip. */
  latency: Record<string, { p50: number; p95: number }>;
  safety: { rejected: number; clipped: number };
}

/** Latency samples kept per stage for a run's histogram: hours of inference at 10 Hz. */
const MAX_HISTORY = 50_000;

export class PolicyLoop {
  readonly queue: ChunkQueue;
  private readonly blend: ChunkBlend;
  private inflight = false;
  private seed = 0;
  /** Tick of the newest chunk's first action (sync horizon). */
  private lastStart = 0;
  private stalledFor = 0;
  private readonly stages = new Map<string, Samples>();
  /** Every sample of this run per stage (capped), for the latency histogram; `stages` keeps a rolling window. */
  private readonly samples = new Map<string, number[]>();
  private readonly inferMeter = new RateMeter();
  private readonly actionMeter = new RateMeter();
  private counts = { inferences: 0, actions: 0, holds: 0, stalls: 0, droppedNaN: 0, lateChunks: 0, errors: 0 };
  private lastTick = 0;
  private lastError: string | null = null;
  private stopped = false;
  private readonly now: () => number;

  constructor(
    private readonly deps: PolicyLoopDeps,
    readonly options: PolicyLoopOptions = DEFAULT_LOOP_OPTIONS,
  ) {
    this.queue = new ChunkQueue(options.ensemble);
    this.blend = new ChunkBlend(options.blendTicks ?? 0, options.blendDims);
    this.now = deps.now ?? (() => performance.now());
  }

  /** Called once per control tick with the tick's index. */
  tick(tick: number): TickResult {
    this.lastTick = tick;
    const depth = this.queue.depth(tick);
    const sync = this.options.mode === 'sync';
    const horizon = this.options.horizon;
    const wantMore = sync
      ? depth === 0 || (horizon !== undefined && tick - this.lastStart >= horizon)
      : depth <= this.options.threshold;
    if (wantMore && !this.inflight) this.request(tick);
    if (sync && (this.inflight || this.queue.depth(tick) === 0)) return { waiting: true, held: true };

    const proposed = this.queue.actionAt(tick);
    if (proposed === null) {
      this.counts.holds++;
      this.stalledFor++;
      if (this.stalledFor === this.options.stallTicks) this.counts.stalls++;
      const hold = this.deps.robot.safety.hold();
      this.blend.hold(hold);
      this.send(hold);
      return { waiting: false, held: true };
    }
    this.stalledFor = 0;
    this.send(this.blend.apply(proposed, this.queue.sourceAt(tick) ?? tick));
    this.counts.actions++;
    this.actionMeter.mark(this.now());
    return { waiting: false, held: false };
  }

  /** Hand an action to the robot; its failures (a pulled cable) are counted, never thrown into the tick. */
  private send(action: number[]): void {
    this.deps.robot.sendAction(action).catch((e: unknown) => {
      if (!this.stopped) this.fail(e);
    });
  }

  /** True while sync mode waits on the model. */
  get waiting(): boolean {
    return this.inflight;
  }

  private request(tick: number): void {
    this.inflight = true;
    const t0 = this.now();
    let obs: LoopObservation;
    try {
      obs = this.deps.observe();
    } catch (e) {
      this.inflight = false;
      this.fail(e);
      return;
    }
    this.sample('capture', this.now() - t0);
    this.deps.infer(obs, this.seed++).then(
      (chunk) => {
        this.inflight = false;
        if (this.stopped) return;
        this.sample('round trip', this.now() - t0);
        for (const [k, v] of Object.entries(chunk.timings)) this.sample(k, v);
        this.counts.inferences++;
        this.inferMeter.mark(this.now());
        if (chunk.nonFinite) {
          this.counts.droppedNaN++;
          return;
        }
        if (tick + chunk.actions.length <= this.lastTick) this.counts.lateChunks++;
        this.queue.push(tick, chunk.actions);
        this.lastStart = tick;
      },
      (e: unknown) => {
        this.inflight = false;
        if (!this.stopped) this.fail(e);
      },
    );
  }

  private fail(e: unknown): void {
    this.counts.errors++;
    this.lastError = e instanceof Error ? e.message : String(e);
  }

  private sample(stage: string, ms: number): void {
    let s = this.stages.get(stage);
    if (!s) {
      s = new Samples();
      this.stages.set(stage, s);
    }
    s.add(ms);
    let all = this.samples.get(stage);
    if (!all) {
      all = [];
      this.samples.set(stage, all);
    }
    if (all.length < MAX_HISTORY) all.push(ms);
  }

  /** All latencies (ms) of a stage in this run, oldest first (up to MAX_HISTORY). */
  history(stage: string): readonly number[] {
    return this.samples.get(stage) ?? [];
  }

  stop(): void {
    this.stopped = true;
    this.queue.clear();
    this.blend.reset();
  }

  stats(tick: number): LoopStats {
    const now = this.now();
    const latency: LoopStats['latency'] = {};
    for (const [k, s] of this.stages) latency[k] = { p50: s.quantile(0.5), p95: s.quantile(0.95) };
    return {
      ...this.counts,
      lastError: this.lastError,
      queueDepth: this.queue.depth(tick),
      inflight: this.inflight,
      inferenceRate: this.inferMeter.rate(now),
      actionRate: this.actionMeter.rate(now),
      latency,
      safety: { rejected: this.deps.robot.safety.counts.rejected, clipped: this.deps.robot.safety.counts.clipped },
    };
  }
}
