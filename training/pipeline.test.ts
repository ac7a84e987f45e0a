/**
 * The training pipeline end to end, small: record demonstrations in headless Chromium, train both heads for a
 * few steps (bins under torchrun with 2 processes, DDP on gloo), export, and check that the exported graphs in
 * onnxruntime-web (WASM, Node) match PyTorch's outputs on saved inputs, and that the runtime loads them.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphSession, type TensorIn } from '../src/policy/engine';
import { FsModelSource } from '../src/policy/fsSource';
import { VlaPolicy } from '../src/policy/policy';

const work = mkdtempSync(join(tmpdir(), 'webvla-pipeline-'));
const data = join(work, 'demos');
const tok = join(work, 'tokenizer');
const RES = 32;

function run(cmd: string, args: string[], timeout = 240_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout });
}

interface Parity {
  inputs: Record<string, number[]>;
  outputs: Record<string, number[]>;
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

const f32 = (xs: number[], dims: number[]): TensorIn => ({ type: 'float32', data: Float32Array.from(xs), dims });
const i64 = (xs: number[], dims: number[]): TensorIn => ({ type: 'int64', data: BigInt64Array.from(xs, (x) => BigInt(x)), dims });

function observationFeeds(p: Parity): Record<string, TensorIn> {
  const L = p.inputs.input_ids.length;
  return {
    image_front: f32(p.inputs.image_front, [1, 3, RES, RES]),
    image_wrist: f32(p.inputs.image_wrist, [1, 3, RES, RES]),
    input_ids: i64(p.inputs.input_ids, [1, L]),
    attention_mask: i64(p.inputs.attention_mask, [1, L]),
    state: f32(p.inputs.state, [1, 6]),
  };
}

describe('training pipeline', () => {
  beforeAll(() => {
    run('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '2', '--seed-start', '5', '--task', 'push', '--res', String(RES), '--out', data]);
    run('npx', ['tsx', 'training/makeTokenizer.ts', tok, '16']);
  }, 300_000);

  it('datagen records expert episodes: images, state, action, instruction', () => {
    const episodes = readdirSync(data).sort();
    expect(episodes).toEqual(['episode_0000005', 'episode_0000006']);
    for (const e of episodes) {
      const dir = join(data, e);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      expect(meta.family).toBe('push');
      expect(meta.instruction).toMatch(/push|slide|shove/);
      expect(meta.success).toBe(true);
      expect(statSync(join(dir, 'state.f32')).size).toBe(meta.steps * 6 * 4);
      expect(statSync(join(dir, 'action.f32')).size).toBe(meta.steps * 6 * 4);
      const front = readFileSync(join(dir, 'front.u8'));
      expect(front.length).toBe(meta.steps * RES * RES * 3);
      const first = front.subarray(0, RES * RES * 3);
      expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(50);
    }
    expect(() => run('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '2', '--seed-start', '999999', '--out', join(work, 'never')])).toThrow(/reserved for evaluation/);
  });

  it('trains the bins head with DDP on 2 processes and exports graphs that match PyTorch', async () => {
    const out = join(work, 'bins');
    // Debian's torchrun (torch 1.13 on Python 3.11) mis-parses "--redirects 0"; 1 (stdout, teed) parses.
    const log = run('torchrun', ['--nproc_per_node', '2', '--redirects', '1', '--tee', '1', 'training/train.py', '--data', data, '--tokenizer', tok, '--out', out, '--head', 'bins', '--steps', '3', '--batch', '4', '--threads', '1', '--log-every', '1']);
    expect(log).toMatch(/exported to/);
    const trainLog = JSON.parse(readFileSync(join(out, 'train_log.json'), 'utf8'));
    expect(trainLog.processes).toBe(2);
    const p: Parity = JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8'));
    const g = await GraphSession.create(new Uint8Array(readFileSync(join(out, 'model.onnx'))), 'wasm', 'model.onnx');
    const logits = (await g.run(observationFeeds(p))).logits;
    expect(logits.length).toBe(p.outputs.logits.length);
    expect(maxRelErr(logits, p.outputs.logits)).toBeLessThan(1e-4);
    await g.release();
    const policy = await VlaPolicy.load(new FsModelSource(out), 'wasm');
    const px = new Uint8Array(RES * RES * 4).fill(100);
    const r = await policy.predictChunk({ images: { front: px, wrist: px.slice() }, state: [0, -40, 40, 60, 0, 30], instruction: 'push the red cube to the left' });
    expect(r.nonFinite).toBe(false);
    expect(r.actions.length).toBe(8);
    await policy.release();
  });

  it('trains the flow head and exports an encoder and a denoiser that match PyTorch', async () => {
    const out = join(work, 'flow');
    // One episode held out: the log carries the validation error per joint, in degrees.
    run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', out, '--head', 'flow', '--steps', '3', '--batch', '4', '--threads', '1', '--val-episodes', '1']);
    const trainLog = JSON.parse(readFileSync(join(out, 'train_log.json'), 'utf8'));
    const lastVal = trainLog.log.at(-1).val_abs_error as number[];
    expect(lastVal).toHaveLength(6);
    for (const e of lastVal) expect(Number.isFinite(e) && e >= 0).toBe(true);
    expect(trainLog.episodes).toBe(1);
    // A run resumes from the checkpoint of the same head and refuses the other head's.
    expect(run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'flow2'), '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--resume', join(out, 'checkpoint.pt')])).toMatch(/exported to/);
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'bins2'), '--head', 'bins', '--steps', '1', '--batch', '4', '--threads', '1', '--resume', join(out, 'checkpoint.pt')])).toThrow(/holds a flow model/);
    const p: Parity = JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8'));
    const enc = await GraphSession.create(new Uint8Array(readFileSync(join(out, 'encoder.onnx'))), 'wasm', 'encoder.onnx');
    const ctx = (await enc.run(observationFeeds(p))).context;
    expect(maxRelErr(ctx, p.outputs.context)).toBeLessThan(1e-4);
    const den = await GraphSession.create(new Uint8Array(readFileSync(join(out, 'denoiser.onnx'))), 'wasm', 'denoiser.onnx');
    const v = (await den.run({ x_t: f32(p.inputs.x_t, [1, 8, 6]), t: f32(p.inputs.t, [1]), context: f32(p.outputs.context, [1, ctx.length]) })).velocity;
    expect(maxRelErr(v, p.outputs.velocity)).toBeLessThan(1e-4);
    await enc.release();
    await den.release();
    const policy = await VlaPolicy.load(new FsModelSource(out), 'wasm');
    expect(policy.manifest.head.type).toBe('flow');
    await policy.release();
  });
});
