/**
 * Feature statistics as LeRobot writes them in stats.json and in the episodes table: per dimension
 * min, max, mean, std (population), count, and the quantiles q01..q99. Normalisation in training reads these.
 * Images get per-channel statistics of pixel values scaled to [0, 1], shaped [3, 1, 1] (channel-first).
 */
import { QUANTILE_KEYS, QUANTILES } from './layout';

export type StatValue = number[] | number[][][];
export type FeatureStats = Record<string, StatValue>;
export type DatasetStats = Record<string, FeatureStats>;

/** Linear interpolation between order statistics (numpy's default quantile method). */
function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Statistics of `rows` × `dim` values stored row-major; every output is an array of `dim` numbers. */
export function vectorStats(values: ArrayLike<number>, dim: number): FeatureStats {
  const n = values.length / dim;
  if (!Number.isInteger(n) || n < 1) throw new Error(`vectorStats: ${values.length} values do not make whole rows of ${dim}`);
  const out: Record<string, number[]> = { min: [], max: [], mean: [], std: [], count: [n] };
  for (const k of QUANTILE_KEYS) out[k] = [];
  const column = new Float64Array(n);
  for (let d = 0; d < dim; d++) {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      column[i] = values[i * dim + d];
      sum += column[i];
    }
    const mean = sum / n;
    let sq = 0;
    for (let i = 0; i < n; i++) sq += (column[i] - mean) ** 2;
    column.sort();
    out.min.push(column[0]);
    out.max.push(column[n - 1]);
    out.mean.push(mean);
    out.std.push(Math.sqrt(sq / n));
    QUANTILES.forEach((q, k) => {
      out[QUANTILE_KEYS[k]].push(quantileSorted(column, q));
    });
  }
  return out;
}

/** Per-channel statistics of RGB frames (w·h·3 bytes each), values scaled to [0, 1], each shaped [3, 1, 1]. */
export function imageStats(frames: readonly Uint8Array[]): FeatureStats {
  if (frames.length === 0) throw new Error('imageStats: no frames');
  // Pixel values are bytes, so a 256-bin histogram per channel gives exact statistics in one pass.
  const hist = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
  for (const f of frames) {
    for (let p = 0; p < f.length; p += 3) {
      hist[0][f[p]]++;
      hist[1][f[p + 1]]++;
      hist[2][f[p + 2]]++;
    }
  }
  const out: Record<string, number[][][]> = { min: [], max: [], mean: [], std: [] };
  for (const k of QUANTILE_KEYS) out[k] = [];
  for (const h of hist) {
    let total = 0;
    let sum = 0;
    let min = 255;
    let max = 0;
    for (let v = 0; v < 256; v++) {
      if (!h[v]) continue;
      total += h[v];
      sum += h[v] * v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const mean = sum / total;
    let sq = 0;
    for (let v = 0; v < 256; v++) sq += h[v] * (v - mean) ** 2;
    const put = (key: string, x: number) => out[key].push([[x / 255]]);
    put('min', min);
    put('max', max);
    put('mean', mean);
    put('std', Math.sqrt(sq / total));
    QUANTILES.forEach((q, k) => {
      put(QUANTILE_KEYS[k], histogramQuantile(h, total, q));
    });
  }
  return { ...out, count: [frames.length] };
}

/** The same interpolated quantile as quantileSorted, read off a histogram of integer values. */
function histogramQuantile(h: Float64Array, total: number, q: number): number {
  const pos = q * (total - 1);
  const lo = Math.floor(pos);
  const valueAt = (rank: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += h[v];
      if (rank < seen) return v;
    }
    return 255;
  };
  const a = valueAt(lo);
  const b = valueAt(Math.min(lo + 1, total - 1));
  return a + (b - a) * (pos - lo);
}
