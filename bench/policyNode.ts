/** Inference latency per action head on onnxruntime-web's WASM backend in Node, against the regression head. */
import { join } from 'node:path';
import { FsModelSource } from '../src/policy/fsSource';
import { VlaPolicy } from '../src/policy/policy';
import { type BenchRow, quantile } from './stats';

export const HEADS = ['tiny-regression', 'tiny-bins', 'tiny-flow'] as const;
/** The shipped models: what a person's browser runs, and what a deeper encoder costs per chunk. */
const BUILT_IN = ['tabletop-mini-bins', 'tabletop-mini-flow'] as const;
const RUNS = 60;

export function timeHead(name: string): Promise<number[]> {
  return timeModel(join(process.cwd(), 'src', 'policy', 'fixtures', name), RUNS);
}

/** Milliseconds per action chunk (every camera's image, the state and an instruction in; the chunk out). */
async function timeModel(dir: string, runs: number): Promise<number[]> {
  const p = await VlaPolicy.load(new FsModelSource(dir), 'wasm');
  const images = Object.fromEntries(p.manifest.cameras.map((c) => [c.name, new Uint8Array(c.width * c.height * 4).fill(128)]));
  const obs = { images, state: [0, -40, 40, 60, 0, 30], instruction: 'put the red cube in the blue bowl' };
  for (let i = 0; i < 5; i++) await p.predictChunk(obs, i);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
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
  const base = results['tiny-regression'];
  const fixtures = HEADS.map((h) => row(`inference ${h.replace('tiny-', '')} head, WASM, Node`, results[h], 'regression head, same run', base, `fixture graphs (32×32 image), ${RUNS} runs`));
  const shipped: Record<string, number[]> = {};
  for (const m of BUILT_IN) shipped[m] = await timeModel(join(process.cwd(), 'models', m), RUNS / 2);
  const builtIn = BUILT_IN.map((m) =>
    row(`inference built-in ${m}, WASM, Node`, shipped[m], 'built-in bins model, same run', shipped['tabletop-mini-bins'], `models/${m}, one chunk of 8 actions (400 ms of control at 20 Hz), ${RUNS / 2} runs`),
  );
  return [...fixtures, ...builtIn];
}

/** A row of median and p95 milliseconds, with its ratio to the baseline's median. */
function row(name: string, ms: number[], baseline: string, baseMs: number[], note: string): BenchRow {
  const value = quantile(ms, 0.5);
  const baselineValue = quantile(baseMs, 0.5);
  return { name, value, unit: 'ms', p95: quantile(ms, 0.95), baseline, baselineValue, ratio: value / baselineValue, note };
}
