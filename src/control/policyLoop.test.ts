import { describe, expect, it } from 'vitest';
import { ChunkQueue } from './chunkQueue';
import { type LoopChunk, PolicyLoop, type PolicyLoopOptions } from './policyLoop';
import { SafetyFilter } from './safety';

const limits = { low: [-100, -100], high: [100, 100], maxStep: [50, 50] };

/** A model whose replies the test releases by hand, so latency is exact in ticks. */
function manualModel(chunk = 4) {
  const waiting: { tick: number; resolve: (c: LoopChunk) => void }[] = [];
  let observedAt = -1;
  const make = (start: number, nan = false): LoopChunk => ({
    actions: Array.from({ length: chunk }, (_, k) => (nan ? [Number.NaN, 0] : [start + k, 0 - (start + k) + 0])),
    nonFinite: nan,
    timings: { inference: 1 },
  });
  return {
    waiting,
    make,
    observe: (tickRef: { t: number }) => () => {
      observedAt = tickRef.t;
      return { images: {}, state: [0, 0] };
    },
    infer: () =>
      new Promise<LoopChunk>((resolve) => {
        waiting.push({ tick: observedAt, resolve });
      }),
    releaseNext(nan = false) {
      const w = waiting.shift();
      if (w) w.resolve(make(w.tick, nan));
    },
  };
}

async function flush(): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
}

/** A test double of the Robot interface that records what it was sent, through a real safety filter. */
function recordingRobot(start: number[]) {
  const safety = new SafetyFilter(limits);
  safety.reset(start);
  const sent: number[][] = [];
  return {
    safety,
    sent,
    sendAction(a: ArrayLike<number>): Promise<number[]> {
      const r = safety.apply(a);
      sent.push(r.action);
      return Promise.resolve(r.action);
    },
  };
}

function setup(options: Partial<PolicyLoopOptions> = {}) {
  const model = manualModel();
  const tickRef = { t: 0 };
  const robot = recordingRobot([0, 0]);
  const loop = new PolicyLoop(
    { observe: model.observe(tickRef), infer: model.infer, robot },
    { mode: 'async', threshold: 2, ensemble: false, stallTicks: 1, ...options },
  );
  /** One tick; `action` is what the robot received this tick (null when nothing was sent). */
  const step = (t: number) => {
    tickRef.t = t;
    const before = robot.sent.length;
    const r = loop.tick(t);
    return { ...r, action: robot.sent.length > before ? robot.sent[robot.sent.length - 1] : null };
  };
  return { model, loop, step, safety: robot.safety };
}

describe('PolicyLoop', () => {
  it('async: requests the next chunk before the queue runs dry, so the arm never waits', async () => {
    const { model, loop, step } = setup();
    expect(step(0).held).toBe(true); // first chunk in flight: hold
    model.releaseNext();
    await flush();
    const actions: number[][] = [];
    for (let t = 1; t < 12; t++) {
      const r = step(t);
      expect(r.action).not.toBeNull();
      if (!r.held) actions.push(r.action as number[]);
      // Inference answers one tick after the request.
      model.releaseNext();
      await flush();
    }
    // Every tick after the first chunk got a fresh model action.
    expect(actions.length).toBe(11);
    expect(actions.map((a) => a[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(loop.stats(12).stalls).toBe(1);
    // Every inference of the run is kept for the histogram, one sample per chunk and stage.
    expect(loop.history('inference')).toEqual(new Array(loop.stats(12).inferences).fill(1));
    expect(loop.history('round trip').length).toBe(loop.stats(12).inferences);
    expect(loop.history('no such stage')).toEqual([]);
  });

  it('drops actions that went stale while the model was thinking', async () => {
    const { model, step } = setup({ threshold: 0 });
    step(0);
    // The reply arrives 3 ticks late: actions for ticks 0..2 are past.
    step(1);
    step(2);
    model.releaseNext();
    await flush();
    expect(step(3).action).toEqual([3, -3]);
  });

  it('counts a chunk that arrives after its last action was due', async () => {
    const { model, loop, step } = setup({ threshold: 0 });
    for (let t = 0; t < 6; t++) step(t);
    model.releaseNext();
    await flush();
    expect(loop.stats(6).lateChunks).toBe(1);
    expect(step(6).held).toBe(true);
  });

  it('sync: waits (no action) until the chunk arrives, then plays it out', async () => {
    const { model, step } = setup({ mode: 'sync' });
    expect(step(0).action).toBeNull();
    model.releaseNext();
    await flush();
    expect(step(0).action).toEqual([0, 0]);
    expect(step(1).action).toEqual([1, -1]);
    expect(step(2).action).toEqual([2, -2]);
    expect(step(3).action).toEqual([3, -3]);
    expect(step(4).action).toBeNull();
  });

  it('sync with a horizon: runs that many actions of a chunk, then waits for a fresh one from the new state', async () => {
    const { model, loop, step } = setup({ mode: 'sync', horizon: 2 });
    expect(step(0).action).toBeNull();
    model.releaseNext();
    await flush();
    expect(step(0).action).toEqual([0, 0]);
    expect(step(1).action).toEqual([1, -1]);
    // Two actions in: the chunk still has two left, but the loop asks again, observing at tick 2, and waits.
    expect(step(2).action).toBeNull();
    expect(model.waiting.map((w) => w.tick)).toEqual([2]);
    model.releaseNext();
    await flush();
    expect(step(2).action).toEqual([2, -2]);
    expect(step(3).action).toEqual([3, -3]);
    expect(step(4).action).toBeNull();
    expect(loop.stats(4).inferences).toBe(2);
  });

  it('drops a chunk with NaN, counts it, and holds the last safe pose', async () => {
    const { model, loop, step } = setup({ mode: 'sync' });
    step(0);
    model.releaseNext(true);
    await flush();
    expect(loop.stats(0).droppedNaN).toBe(1);
    const r = step(0);
    expect(r.action).toBeNull(); // asked again
    model.releaseNext();
    await flush();
    expect(step(0).action).toEqual([0, 0]);
  });

  it('every action passes the safety filter', async () => {
    const { model, loop, step, safety } = setup({ mode: 'sync' });
    step(0);
    const w = model.waiting.shift();
    w?.resolve({ actions: [[500, -500], [1, 1]], nonFinite: false, timings: {} });
    await flush();
    const a = step(0).action as number[];
    expect(a).toEqual([50, -50]); // clamped to the step limit from [0, 0]
    expect(safety.counts.clipped).toBeGreaterThan(0);
    expect(loop.stats(0).safety.clipped).toBe(safety.counts.clipped);
  });

  it('a model error is counted and the arm holds', async () => {
    const robot = recordingRobot([5, 5]);
    const loop = new PolicyLoop(
      { observe: () => ({ images: {}, state: [0, 0] }), infer: () => Promise.reject(new Error('boom')), robot },
      { mode: 'async', threshold: 2, ensemble: false, stallTicks: 1 },
    );
    expect(loop.tick(0)).toEqual({ waiting: false, held: true });
    expect(robot.sent).toEqual([[5, 5]]);
    await flush();
    expect(loop.stats(1).errors).toBe(1);
    expect(loop.stats(1).lastError).toBe('boom');
  });

  it('a robot that fails to take an action (cable pulled) is counted, not thrown into the tick', async () => {
    const safety = new SafetyFilter(limits);
    safety.reset([0, 0]);
    const robot = { safety, sendAction: () => Promise.reject(new Error('The arm is disconnected')) };
    const loop = new PolicyLoop(
      { observe: () => ({ images: {}, state: [0, 0] }), infer: () => new Promise<LoopChunk>(() => {}), robot },
      { mode: 'async', threshold: 2, ensemble: false, stallTicks: 1 },
    );
    expect(() => loop.tick(0)).not.toThrow();
    await flush();
    expect(loop.stats(1).lastError).toBe('The arm is disconnected');
  });
});

describe('ChunkQueue temporal ensembling', () => {
  it('weights older chunks more, with ACT exponential weights', () => {
    const q = new ChunkQueue(true, Math.log(2)); // weights 1, 1/2
    q.push(0, [[0], [10], [20]]);
    q.push(1, [[40], [50]]);
    // tick 1: old says 10 (w=1), new says 40 (w=0.5) → (10 + 20) / 1.5 = 20
    expect(q.actionAt(1)?.[0]).toBeCloseTo(20, 9);
    q.ensemble = false;
    expect(q.actionAt(1)?.[0]).toBe(40);
  });

  it('reports depth from the newest chunk', () => {
    const q = new ChunkQueue();
    expect(q.depth(0)).toBe(0);
    q.push(2, [[1], [2], [3]]);
    expect(q.depth(0)).toBe(3);
    expect(q.depth(3)).toBe(2);
    expect(q.depth(9)).toBe(0);
    expect(q.actionAt(9)).toBeNull();
  });
});

describe('PolicyLoop chunk hand-over blending', () => {
  it('with blendTicks, a chunk that starts away from where the last one ended is led in, not jumped to', async () => {
    // Chunk k (sync, 3 actions) sits at 10·k: each hand-over is a 10-unit jump.
    const robot = recordingRobot([0, 0]);
    let k = 0;
    const run = async (blendTicks: number) => {
      robot.safety.reset([0, 0]);
      robot.sent.length = 0;
      k = 0;
      const loop = new PolicyLoop(
        {
          observe: () => ({ images: {}, state: [0, 0] }),
          infer: async () => {
            const v = 10 * k++;
            return { actions: [[v, v], [v, v], [v, v]], nonFinite: false, timings: {} };
          },
          robot,
        },
        { mode: 'sync', threshold: 1, ensemble: false, stallTicks: 1, blendTicks, blendDims: [0] },
      );
      for (let t = 0; t < 6; t++) {
        while (loop.tick(t).waiting) await flush();
      }
      return robot.sent.map((a) => a.slice());
    };
    const plain = await run(0);
    expect(plain.map((a) => a[0])).toEqual([0, 0, 0, 10, 10, 10]);
    const blended = await run(2);
    // Tick 3: where chunk 0 was going (0, at rest); tick 4: half of the offset left; tick 5: chunk 1 itself.
    expect(blended.map((a) => a[0])).toEqual([0, 0, 0, 0, 5, 10]);
    // The second dimension is not in blendDims: it jumps as the model says.
    expect(blended.map((a) => a[1])).toEqual([0, 0, 0, 10, 10, 10]);
  });
});
