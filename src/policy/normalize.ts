/**
 * Pre- and post-processing driven by the manifest's statistics (LeRobot's processors, not model code):
 * images to NCHW float tensors, state normalisation, action un-normalisation.
 */
import type { PolicyManifest } from './manifest';

/** RGBA bytes (top row first) → Float32 CHW with (x/255 − mean)/std per channel. */
export function imageToCHW(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, mean: readonly number[], std: readonly number[], out = new Float32Array(3 * width * height)): Float32Array {
  const plane = width * height;
  if (rgba.length < plane * 4) throw new Error(`image has ${rgba.length} bytes, expected ${plane * 4} for ${width}×${height} RGBA`);
  const s0 = 1 / (255 * std[0]);
  const s1 = 1 / (255 * std[1]);
  const s2 = 1 / (255 * std[2]);
  const m0 = mean[0] / std[0];
  const m1 = mean[1] / std[1];
  const m2 = mean[2] / std[2];
  for (let i = 0, j = 0; i < plane; i++, j += 4) {
    out[i] = rgba[j] * s0 - m0;
    out[plane + i] = rgba[j + 1] * s1 - m1;
    out[2 * plane + i] = rgba[j + 2] * s2 - m2;
  }
  return out;
}

export function normalizeState(state: ArrayLike<number>, m: PolicyManifest): Float32Array {
  const out = new Float32Array(m.state.mean.length);
  for (let i = 0; i < out.length; i++) out[i] = (state[i] - m.state.mean[i]) / m.state.std[i];
  return out;
}

/** Normalised actions (flat, chunk × dim) → robot units, in place. */
export function unnormalizeActions(flat: Float32Array, dim: number, m: PolicyManifest): Float32Array {
  const n = m.normalization;
  for (let k = 0; k < flat.length; k++) {
    const d = k % dim;
    if (n.type === 'q01_q99') {
      if (n.mask[d]) flat[k] = 0.5 * (flat[k] + 1) * (n.q99[d] - n.q01[d]) + n.q01[d];
    } else {
      flat[k] = flat[k] * n.std[d] + n.mean[d];
    }
  }
  return flat;
}

/** Actions predicted relative to the observed state (manifest `action.relative_to_state`) → absolute, in place. */
export function addStateBack(rows: number[][], state: ArrayLike<number>, m: PolicyManifest): number[][] {
  const rel = m.action.relative_to_state;
  if (!rel) return rows;
  for (const row of rows) for (let d = 0; d < row.length; d++) if (rel[d]) row[d] += state[d];
  return rows;
}

/** Split a flat chunk into rows of `dim`. */
export function toRows(flat: ArrayLike<number>, dim: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i + dim <= flat.length; i += dim) rows.push(Array.from({ length: dim }, (_, d) => flat[i + d]));
  return rows;
}
