/**
 * Parity of an exported model folder: its ONNX graphs, run by onnxruntime-web (WASM, in Node, the browser's
 * code path), against the outputs PyTorch computed at export on the same saved inputs (parity.json).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GraphSession, type TensorIn } from '../src/policy/engine';
import { parseManifest } from '../src/policy/manifest';

/** Largest |a − b| / max(1, |b|) over all outputs that the test accepts. */
export const PARITY_TOLERANCE = 1e-4;

interface Parity {
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
}

export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

const f32 = (xs: number[], dims: number[]): TensorIn => ({ type: 'float32', data: Float32Array.from(xs), dims });
const i64 = (xs: number[], dims: number[]): TensorIn => ({ type: 'int64', data: BigInt64Array.from(xs, (x) => BigInt(x)), dims });

/** Per output name, the largest relative error of the folder's graphs against PyTorch. */
export async function checkParity(folder: string): Promise<Record<string, number>> {
  const manifest = parseManifest(JSON.parse(readFileSync(join(folder, 'policy.json'), 'utf8')));
  const p: Parity = JSON.parse(readFileSync(join(folder, 'parity.json'), 'utf8'));
  const L = p.inputs.input_ids.length;
  const feeds: Record<string, TensorIn> = {
    input_ids: i64(p.inputs.input_ids, [1, L]),
    attention_mask: i64(p.inputs.attention_mask, [1, L]),
    state: f32(p.inputs.state, [1, p.inputs.state.length]),
  };
  for (const cam of manifest.cameras) feeds[cam.input] = f32(p.inputs[cam.input], [1, 3, cam.height, cam.width]);
  const session = (file: string) => GraphSession.create(new Uint8Array(readFileSync(join(folder, file))), 'wasm', file);
  const head = manifest.head;
  const errors: Record<string, number> = {};
  if (head.type === 'bins' || head.type === 'regression') {
    const g = await session(head.graph);
    errors[head.output] = maxRelErr((await g.run(feeds))[head.output], p.outputs[head.output]);
    await g.release();
  } else {
    const enc = await session(head.encoder);
    const ctx = (await enc.run(feeds))[head.context_output];
    errors[head.context_output] = maxRelErr(ctx, p.outputs[head.context_output]);
    await enc.release();
    const den = await session(head.denoiser);
    const chunk = manifest.chunk.length;
    const actDim = manifest.action.names.length;
    const out = await den.run({
      [head.noise_input]: f32(p.inputs.x_t, [1, chunk, actDim]),
      [head.time_input]: f32(p.inputs.t, [1]),
      [head.context_input]: f32(p.outputs[head.context_output], [1, ctx.length]),
    });
    errors[head.velocity_output] = maxRelErr(out[head.velocity_output], p.outputs[head.velocity_output]);
    await den.release();
  }
  return errors;
}
