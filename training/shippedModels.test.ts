/**
 * The models the app ships (models/catalog.json): each loads in the runtime, stays small, and its graphs in
 * onnxruntime-web match PyTorch's outputs on the inputs saved at export.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../src/policy/catalog';
import { FsModelSource } from '../src/policy/fsSource';
import { VlaPolicy } from '../src/policy/policy';
import { runtimeFiles } from '../tools/viteModels';
import { checkParity, PARITY_TOLERANCE } from './parity';

const MODELS = 'models';
const catalog = parseCatalog(JSON.parse(readFileSync(join(MODELS, 'catalog.json'), 'utf8')));
/** "A few MB each": what the browser downloads per model. */
const MAX_MODEL_BYTES = 8 * 1024 * 1024;

describe('shipped models', () => {
  it('the catalogue lists every model folder, and the default is the first', () => {
    const folders = readdirSync(MODELS).filter((f) => statSync(join(MODELS, f)).isDirectory());
    expect(catalog.models.map((m) => m.id).sort()).toEqual(folders.sort());
    expect(catalog.models[0].id).toBe(catalog.default);
  });

  describe.each(catalog.models.map((m) => m.id))('%s', (id) => {
    const folder = join(MODELS, id);

    it(`is at most ${MAX_MODEL_BYTES / 2 ** 20} MB of runtime files and names itself after its folder`, () => {
      const bytes = runtimeFiles(folder).reduce((n, f) => n + statSync(join(folder, f)).size, 0);
      expect(bytes).toBeLessThan(MAX_MODEL_BYTES);
      expect(JSON.parse(readFileSync(join(folder, 'policy.json'), 'utf8')).name).toBe(id);
    });

    it(`matches PyTorch within ${PARITY_TOLERANCE} and runs in the runtime`, async () => {
      const errors = await checkParity(folder);
      for (const [name, e] of Object.entries(errors)) expect(e, name).toBeLessThan(PARITY_TOLERANCE);
      const policy = await VlaPolicy.load(new FsModelSource(folder), 'wasm');
      const images = Object.fromEntries(policy.manifest.cameras.map((c) => [c.name, new Uint8Array(c.width * c.height * 4).fill(120)]));
      const r = await policy.predictChunk({ images, state: [0, -40, 40, 60, 0, 30], instruction: 'put the red cube in the blue bowl' });
      expect(r.nonFinite).toBe(false);
      expect(r.actions).toHaveLength(policy.manifest.chunk.length);
      await policy.release();
    }, 60_000);
  });
});
