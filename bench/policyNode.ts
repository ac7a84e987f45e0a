/** Inference latency per action head on onnxruntime-web's WASM backend in Node, against the regression head. */
import { join } from 'node:path';
import { FsModelSource } from '../src/policy/fsSource';
import { VlaPolicy } from '../src/policy/policy';
import { type BenchRow, quantile } from './stats';

export const HEADS = ['tiny-regression', 'tiny-bins', 'tiny-flow'] as const;
const RUNS = 60;

export async function timeHead(name: string): Promise<number[]> {
  const p = await VlaPolicy.load(new FsModelSource(join(process.cwd(), 'src', 'policy', 'fixtures', name)), 'wasm');
  const cam = p.manifest.cameras[0];
  const obs = { images: { [cam.name]: new Uint8Array(cam.width * cam.height * 4).fill(128) }, state: [0, -40, 40, 60, 0, 30], instruction: 'put the red cube in the blue bowl' };
  for (let i = 0; i < 5; i++) await p.predictChunk(obs, i);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await p.predictChunk(obs, i);
    ms.push(performance.now() - t0);
  }
  await p.release();
  return ms;
}

export async function benchPolicyNode(): Promise<BenchRow[]> {
  const results: Record<string, number[]> = {};
  for (const h of HEADS) results[h] = await timeHead(h);
  const base = quantile(results['tiny-regression'], 0.5);
  return HEADS.map((h) => ({
    name: `inference ${h.replace('tiny-', '')} head, WASM, Node`,
    value: quantile(results[h], 0.5),
    unit: 'ms',
    p95: quantile(results[h], 0.95),
    baseline: 'regression head, same run',
    baselineValue: base,
    ratio: quantile(results[h], 0.5) / base,
    note: `fixture graphs (32×32 image), ${RUNS} runs`,
  }));
}
