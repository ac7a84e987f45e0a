/**
 * The three action-head families, as pure decoders over plain arrays (the engine supplies graph outputs).
 * - bins (RT-2 / OpenVLA): per-dimension argmax over N bins, bin centre in [low, high].
 * - flow (pi0): Euler integration of a predicted velocity from noise at t = 1 to actions at t = 0.
 * - regression (ACT / OpenVLA-OFT): the graph's output is the chunk.
 * All return normalised actions; `unnormalizeActions` maps them to robot units.
 */

/** logits: flat [chunk, dim, bins] → normalised actions flat [chunk, dim]. */
export function decodeBins(logits: ArrayLike<number>, chunk: number, dim: number, bins: number, low: number, high: number): Float32Array {
  if (logits.length !== chunk * dim * bins) throw new Error(`bins head: expected ${chunk * dim * bins} logits, got ${logits.length}`);
  const out = new Float32Array(chunk * dim);
  const width = (high - low) / bins;
  for (let k = 0; k < chunk * dim; k++) {
    let best = 0;
    let bestV = -Infinity;
    const base = k * bins;
    for (let b = 0; b < bins; b++) {
      const v = logits[base + b];
      // NaN never wins an argmax: a NaN-only row stays NaN below and is caught by the safety filter.
      if (v > bestV) {
        bestV = v;
        best = b;
      }
    }
    out[k] = bestV === -Infinity ? Number.NaN : low + (best + 0.5) * width;
  }
  return out;
}

/** Velocity v(x_t, t, context) for the whole chunk, flat [chunk, dim]. */
export type FlowDenoiser = (x: Float32Array, t: number) => Promise<ArrayLike<number>>;

/** x_{t+Δ} = x_t + Δ·v with Δ = −1/K, from t = 1 to 0 (pi0's convention: x_t = t·noise + (1−t)·actions). */
export async function integrateFlow(noise: Float32Array, steps: number, velocity: FlowDenoiser): Promise<Float32Array> {
  const x = Float32Array.from(noise);
  const dt = -1 / steps;
  let t = 1;
  for (let k = 0; k < steps; k++) {
    const v = await velocity(x, t);
    if (v.length !== x.length) throw new Error(`flow head: velocity has ${v.length} values, expected ${x.length}`);
    for (let i = 0; i < x.length; i++) x[i] += dt * v[i];
    t += dt;
  }
  return x;
}

/** Standard normal noise from a seeded generator (Box–Muller over mulberry32), so runs can be replayed. */
export function gaussianNoise(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = Math.max(1e-12, next());
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/**
 * The sample with the least summed distance to the others (the medoid): always one the flow drew, so where the
 * flow holds two modes (descend now, or correct first) it lands in the one most samples chose, never between
 * them as the mean of the samples or the flow from zero noise does.
 */
export function medoid(samples: Float32Array[]): Float32Array {
  if (samples.length === 0) throw new Error('medoid of no samples');
  let best = 0;
  let bestCost = Infinity;
  for (let i = 0; i < samples.length; i++) {
    let cost = 0;
    for (let j = 0; j < samples.length; j++) {
      if (j === i) continue;
      let d = 0;
      for (let k = 0; k < samples[i].length; k++) d += (samples[i][k] - samples[j][k]) ** 2;
      cost += Math.sqrt(d);
    }
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  }
  return samples[best];
}

/** The seed of sample k of a chunk: sample 0 keeps the chunk's own seed, so one sample draws what it always did. */
export function sampleSeed(seed: number, k: number): number {
  if (k === 0) return seed;
  return (Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(k, 0x85ebca6b)) >>> 0;
}

export function decodeRegression(output: ArrayLike<number>, chunk: number, dim: number): Float32Array {
  if (output.length !== chunk * dim) throw new Error(`regression head: expected ${chunk * dim} values, got ${output.length}`);
  return Float32Array.from(output);
}
