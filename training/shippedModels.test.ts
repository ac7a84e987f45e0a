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
import { TASK_FAMILIES } from '../src/sim/tasks';
import { runtimeFiles } from '../tools/viteModels';
import { checkParity, PARITY_TOLERANCE } from './parity';

const MODELS = 'models';
const catalog = parseCatalog(JSON.parse(readFileSync(join(MODELS, 'catalog.json'), 'utf8')));
/** "A few MB each": what the browser downloads per model. */
const MAX_MODEL_BYTES = 8 * 1024 * 1024;
/**
 * The eval runs (training/results) whose figures each model's picker summary quotes: shipping new weights means
 * measuring them and naming the runs here, or this test fails on the old summary.
 */
const MEASURED: Record<string, string[]> = {
  'tabletop-mini-flow': ['000', '050', '100', '150', '200', '250'].map((s) => `eval-flow-soupB-${s}.json`),
  'tabletop-mini-bins': ['eval-bins-fresh-000.json', 'eval-bins-fresh-050.json'],
};

/** "Held-out success X % over N episodes (pick a, place b, push c, stack d" of the runs' episodes together. */
function summaryOf(files: string[]): string {
  const episodes = files.flatMap((f) => JSON.parse(readFileSync(join('training/results', f), 'utf8')).episodes as { family: string; success: boolean }[]);
  const pct = (group: { success: boolean }[]) => (100 * group.filter((e) => e.success).length) / group.length;
  const families = TASK_FAMILIES.map((f) => `${f} ${Math.round(pct(episodes.filter((e) => e.family === f)))}`);
  return `Held-out success ${pct(episodes).toFixed(1)} % over ${episodes.length} episodes (${families.join(', ')}`;
}

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

    it('quotes in its picker summary the figures its named eval runs measured', () => {
      const files = MEASURED[id];
      expect(files, `name ${id}'s eval runs in MEASURED`).toBeDefined();
      expect(catalog.models.find((m) => m.id === id)?.summary).toContain(summaryOf(files));
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
