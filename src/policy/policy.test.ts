import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphError } from './engine';
import { FsModelSource } from './fsSource';
import { decodeBins, gaussianNoise, sampleSeed } from './heads';
import { ManifestError } from './manifest';
import { type Observation, VlaPolicy } from './policy';
import { MemoryModelSource, ModelFileError } from './source';

const FIXTURES = join(__dirname, 'fixtures');

interface Reference {
  instruction: string;
  image_rgba: number[];
  state: number[];
  input_ids: number[];
  attention_mask: number[];
  graph_output?: number[];
  noise?: number[];
  normalized?: number[];
  actions: number[];
}

function reference(name: string): Reference {
  return JSON.parse(readFileSync(join(FIXTURES, name, 'reference.json'), 'utf8'));
}

function observation(ref: Reference): Observation {
  return { images: { front: Uint8Array.from(ref.image_rgba) }, state: ref.state, instruction: ref.instruction };
}

/** A fixture folder in memory, with files replaced or removed, to make broken models. */
function memoryModel(name: string, edit: (files: Map<string, Uint8Array>) => void): MemoryModelSource {
  const files = new Map<string, Uint8Array>();
  const walk = (dir: string, prefix: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p, `${prefix}${f}/`);
      else files.set(`${prefix}${f}`, new Uint8Array(readFileSync(p)));
    }
  };
  walk(join(FIXTURES, name), '');
  edit(files);
  return new MemoryModelSource(`memory:${name}/`, files);
}

/** A fixture folder in memory with its policy.json edited. */
function withManifest(name: string, edit: (manifest: Record<string, Record<string, unknown>>) => void): MemoryModelSource {
  return memoryModel(name, (files) => {
    const manifest = JSON.parse(new TextDecoder().decode(files.get('policy.json')));
    edit(manifest);
    files.set('policy.json', new TextEncoder().encode(JSON.stringify(manifest)));
  });
}

function expectClose(actual: number[][], expected: number[], tol: number): void {
  const flat = actual.flat();
  expect(flat.length).toBe(expected.length);
  for (let i = 0; i < flat.length; i++) expect(Math.abs(flat[i] - expected[i])).toBeLessThan(tol * Math.max(1, Math.abs(expected[i])));
}

describe('VlaPolicy on onnxruntime-web (WASM, Node)', () => {
  it('tokenizes with transformers.js exactly as the reference', async () => {
    const p = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-regression')), 'wasm');
    const ref = reference('tiny-regression');
    expect(p.tokenize(ref.instruction)).toEqual({ ids: ref.input_ids, mask: ref.attention_mask });
    expect(p.backend.backend).toBe('wasm');
    await p.release();
  });

  it('regression head matches PyTorch', async () => {
    const p = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-regression')), 'wasm');
    const ref = reference('tiny-regression');
    const r = await p.predictChunk(observation(ref));
    expect(r.nonFinite).toBe(false);
    expect(r.actions.length).toBe(4);
    expectClose(r.actions, ref.actions, 1e-4);
    await p.release();
  });

  it('bins head: argmax, bin centres and q01/q99 un-normalisation match PyTorch', async () => {
    const p = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-bins')), 'wasm');
    const ref = reference('tiny-bins');
    // The decoder alone, on PyTorch's logits.
    const centres = decodeBins(ref.graph_output as number[], 4, 6, 16, -1, 1);
    expect(Array.from(centres)).toEqual((ref.normalized as number[]).map((v) => Math.fround(v)));
    const r = await p.predictChunk(observation(ref));
    expectClose(r.actions, ref.actions, 1e-5);
    // The gripper dimension is unmasked: it stays in normalised units.
    expect(Math.abs(r.actions[0][5])).toBeLessThanOrEqual(1);
    await p.release();
  });

  it('flow head: encoder once, K Euler steps of the denoiser from the same noise, match PyTorch', async () => {
    const p = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-flow')), 'wasm');
    const ref = reference('tiny-flow');
    const r = await p.predictChunk(observation(ref), 0, Float32Array.from(ref.noise as number[]));
    expectClose(r.actions, ref.actions, 1e-4);
    // Seeded noise is repeatable and differs between seeds.
    const a = await p.predictChunk(observation(ref), 7);
    const b = await p.predictChunk(observation(ref), 7);
    const c = await p.predictChunk(observation(ref), 8);
    expect(a.actions).toEqual(b.actions);
    expect(a.actions).not.toEqual(c.actions);
    await p.release();
  });

  it('flow noise_scale: the seeded noise is scaled before integration; 0 gives the same chunk for every seed', async () => {
    const ref = reference('tiny-flow');
    const withScale = (scale: number) =>
      withManifest('tiny-flow', (manifest) => {
        manifest.head.noise_scale = scale;
      });
    const half = await VlaPolicy.load(withScale(0.5), 'wasm');
    const plain = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-flow')), 'wasm');
    const n = gaussianNoise(ref.actions.length, 7).map((v) => v * 0.5);
    expect((await half.predictChunk(observation(ref), 7)).actions).toEqual((await plain.predictChunk(observation(ref), 0, n)).actions);
    const zero = await VlaPolicy.load(withScale(0), 'wasm');
    const z1 = await zero.predictChunk(observation(ref), 1);
    expect((await zero.predictChunk(observation(ref), 2)).actions).toEqual(z1.actions);
    expect(z1.actions).toEqual((await plain.predictChunk(observation(ref), 0, new Float32Array(ref.actions.length))).actions);
    await Promise.all([half.release(), plain.release(), zero.release()]);
    await expect(VlaPolicy.load(withScale(-1), 'wasm')).rejects.toThrow(/noise_scale/);
  });

  it('a noise scale given at inference overrides the manifest\'s, and one out of range is refused', async () => {
    const ref = reference('tiny-flow');
    const zero = await VlaPolicy.load(
      withManifest('tiny-flow', (manifest) => {
        manifest.head.noise_scale = 0;
      }),
      'wasm',
    );
    const plain = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-flow')), 'wasm');
    // The manifest says 0 (every seed alike); an override of 1 samples again, exactly as a noise_scale-1 model does.
    const sampled = await zero.predictChunk(observation(ref), 7, undefined, { noiseScale: 1 });
    expect(sampled.actions).toEqual((await plain.predictChunk(observation(ref), 7)).actions);
    expect(sampled.actions).not.toEqual((await zero.predictChunk(observation(ref), 7)).actions);
    expect((await plain.predictChunk(observation(ref), 3, undefined, { noiseScale: 0 })).actions).toEqual((await zero.predictChunk(observation(ref), 9)).actions);
    for (const bad of [-0.1, 2.5, Number.NaN]) await expect(plain.predictChunk(observation(ref), 1, undefined, { noiseScale: bad })).rejects.toThrow(/noise scale must be between 0 and 2/);
    await Promise.all([zero.release(), plain.release()]);
  });

  it('flow samples: the medoid of seeded draws, sample 0 the single draw; an override replaces the manifest\'s', async () => {
    const ref = reference('tiny-flow');
    const five = await VlaPolicy.load(
      withManifest('tiny-flow', (manifest) => {
        manifest.head.samples = 5;
      }),
      'wasm',
    );
    const plain = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-flow')), 'wasm');
    const obs = observation(ref);
    // The five draws one at a time, each from its own seeded noise: the 5-sample chunk is their medoid.
    const draws = await Promise.all([0, 1, 2, 3, 4].map((k) => plain.predictChunk(obs, 0, gaussianNoise(ref.actions.length, sampleSeed(11, k)))));
    // The medoid is taken in the model's normalised space (tiny-flow: mean/std, not relative to the state).
    const { mean, std } = JSON.parse(readFileSync(join(FIXTURES, 'tiny-flow', 'policy.json'), 'utf8')).normalization as { mean: number[]; std: number[] };
    const flat = draws.map((d) => Float32Array.from(d.actions.flat().map((v, i) => (v - mean[i % 6]) / std[i % 6])));
    const dist = (a: Float32Array, b: Float32Array) => Math.sqrt(a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0));
    const costs = flat.map((a) => flat.reduce((s, b) => s + dist(a, b), 0));
    const best = costs.indexOf(Math.min(...costs));
    expectClose((await five.predictChunk(obs, 11)).actions, Array.from(draws[best].actions.flat()), 1e-4);
    expect(new Set(flat.map((f) => f.join())).size).toBe(5);
    // One sample is exactly the old single draw; an override of 5 on a 1-sample model is the 5-sample model.
    expect((await five.predictChunk(obs, 11, undefined, { samples: 1 })).actions).toEqual((await plain.predictChunk(obs, 11)).actions);
    expect((await plain.predictChunk(obs, 11, undefined, { samples: 5 })).actions).toEqual((await five.predictChunk(obs, 11)).actions);
    for (const bad of [0, 33, 1.5]) await expect(plain.predictChunk(obs, 1, undefined, { samples: bad })).rejects.toThrow(/flow samples must be a whole number from 1 to 32/);
    await Promise.all([five.release(), plain.release()]);
    await expect(
      VlaPolicy.load(
        withManifest('tiny-flow', (manifest) => {
          manifest.head.samples = 0;
        }),
        'wasm',
      ),
    ).rejects.toThrow(/samples/);
  });

  it('relative_to_state: the observed state is added back on the masked dimensions only', async () => {
    const ref = reference('tiny-flow');
    const noise = Float32Array.from(ref.noise as number[]);
    const mask = [true, true, true, true, true, false];
    const withMask = (m: boolean[]) =>
      withManifest('tiny-flow', (manifest) => {
        manifest.action.relative_to_state = m;
      });
    const p = await VlaPolicy.load(withMask(mask), 'wasm');
    const r = await p.predictChunk(observation(ref), 0, noise);
    const abs = ref.actions;
    r.actions.forEach((row, k) => {
      row.forEach((v, d) => {
        const expected = abs[k * 6 + d] + (mask[d] ? ref.state[d] : 0);
        expect(Math.abs(v - expected)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected)));
      });
    });
    await p.release();
    await expect(VlaPolicy.load(withMask([true, false]), 'wasm')).rejects.toThrow(/relative_to_state has 2 entries but the action has 6/);
  });

  it('reports a chunk with NaN instead of hiding it', async () => {
    const p = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-nan')), 'wasm');
    const r = await p.predictChunk(observation(reference('tiny-regression')));
    expect(r.nonFinite).toBe(true);
    await p.release();
  });
});

describe('broken models are refused with a specific message, and the loaded one keeps working', () => {
  it('a truncated ONNX file', async () => {
    const src = memoryModel('tiny-regression', (f) => f.set('model.onnx', (f.get('model.onnx') as Uint8Array).slice(0, 300)));
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(GraphError);
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(/model\.onnx is not a valid ONNX graph/);
  });

  it('a manifest whose input name the graph does not have', async () => {
    const src = memoryModel('tiny-regression', (f) => {
      const m = JSON.parse(new TextDecoder().decode(f.get('policy.json')));
      m.state.input = 'joint_state';
      f.set('policy.json', new TextEncoder().encode(JSON.stringify(m)));
    });
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(ManifestError);
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(/"joint_state".*no such input; its inputs are: image_front, input_ids, attention_mask, state/);
  });

  it('a manifest whose shapes disagree with the graph', async () => {
    const src = memoryModel('tiny-bins', (f) => {
      const m = JSON.parse(new TextDecoder().decode(f.get('policy.json')));
      m.head.bins = 256;
      f.set('policy.json', new TextEncoder().encode(JSON.stringify(m)));
    });
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(/"logits" has shape \[1, 4, 6, 16\] but policy.json implies \[1, 4, 6, 256\]/);
  });

  it('a missing tokenizer', async () => {
    const src = memoryModel('tiny-regression', (f) => {
      f.delete('tokenizer/tokenizer.json');
    });
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(ModelFileError);
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(/tokenizer\/tokenizer.json is missing/);
  });

  it('a folder that is not a model', async () => {
    const src = new MemoryModelSource('memory:photos/', new Map([['cat.jpg', new Uint8Array([0xff, 0xd8])]]));
    await expect(VlaPolicy.load(src, 'wasm')).rejects.toThrow(/policy.json is missing/);
    const notJson = new MemoryModelSource('memory:bad/', new Map([['policy.json', new TextEncoder().encode('<html>')]]));
    await expect(VlaPolicy.load(notJson, 'wasm')).rejects.toThrow(/not valid JSON/);
    const wrong = new MemoryModelSource('memory:bad/', new Map([['policy.json', new TextEncoder().encode('{"format":"other"}')]]));
    await expect(VlaPolicy.load(wrong, 'wasm')).rejects.toThrow(/not a valid policy manifest: format/);
  });

  it('keeps the previously loaded policy usable after a failed load', async () => {
    const good = await VlaPolicy.load(new FsModelSource(join(FIXTURES, 'tiny-regression')), 'wasm');
    const broken = memoryModel('tiny-regression', (f) => f.set('model.onnx', new Uint8Array([1, 2, 3])));
    await expect(VlaPolicy.load(broken, 'wasm')).rejects.toThrow();
    const ref = reference('tiny-regression');
    expectClose((await good.predictChunk(observation(ref))).actions, ref.actions, 1e-4);
    await good.release();
  });
});
