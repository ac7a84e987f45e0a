import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyBuiltinModels } from './viteModels';

function write(path: string, body: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, body);
}

describe('copyBuiltinModels', () => {
  it('copies the catalogue and only the files the runtime reads of each listed model', () => {
    const root = mkdtempSync(join(tmpdir(), 'webvla-models-'));
    const models = join(root, 'models');
    write(join(models, 'catalog.json'), JSON.stringify({ default: 'm-flow', models: [{ id: 'm-flow', label: 'flow' }] }));
    const flow = { head: { type: 'flow', encoder: 'encoder.onnx', denoiser: 'denoiser.onnx' }, tokenizer: { path: 'tokenizer' } };
    write(join(models, 'm-flow', 'policy.json'), JSON.stringify(flow));
    for (const f of ['encoder.onnx', 'denoiser.onnx', 'parity.json', 'train_log.json', 'tokenizer/tokenizer.json', 'tokenizer/tokenizer_config.json']) write(join(models, 'm-flow', f), 'x');
    write(join(models, 'unlisted', 'policy.json'), JSON.stringify(flow));
    const out = join(root, 'dist', 'models');
    const copied = copyBuiltinModels(models, out);
    expect(copied.sort()).toEqual(
      ['catalog.json', 'm-flow/denoiser.onnx', 'm-flow/encoder.onnx', 'm-flow/policy.json', 'm-flow/tokenizer/tokenizer.json', 'm-flow/tokenizer/tokenizer_config.json'].sort(),
    );
    expect(readdirSync(out).sort()).toEqual(['catalog.json', 'm-flow']);
  });

  it('copies nothing when there is no catalogue', () => {
    const root = mkdtempSync(join(tmpdir(), 'webvla-models-'));
    expect(copyBuiltinModels(join(root, 'models'), join(root, 'out'))).toEqual([]);
  });
});
