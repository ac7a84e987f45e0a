/**
 * Ships the built-in models with the app: `vite build` copies models/catalog.json and, for each model it
 * lists, the files the runtime reads (policy.json, the ONNX graphs, the tokenizer folder) into dist/models/.
 * Training leftovers (parity.json, train_log.json) stay behind. The dev server serves models/ from the
 * project root as it is.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Plugin } from 'vite';

/** Files of a model folder the browser runtime needs (relative paths). */
export function runtimeFiles(folder: string): string[] {
  const manifest = JSON.parse(readFileSync(join(folder, 'policy.json'), 'utf8')) as {
    head: { type: string; graph?: string; encoder?: string; denoiser?: string };
    tokenizer: { path: string };
  };
  const graphs = [manifest.head.graph, manifest.head.encoder, manifest.head.denoiser].filter((g): g is string => typeof g === 'string');
  const files = ['policy.json', ...graphs];
  const tok = join(folder, manifest.tokenizer.path);
  if (existsSync(tok) && statSync(tok).isDirectory()) {
    for (const f of readdirSync(tok)) files.push(`${manifest.tokenizer.path}/${f}`);
  }
  return files;
}

export function copyBuiltinModels(modelsDir: string, outDir: string): string[] {
  const catalogPath = join(modelsDir, 'catalog.json');
  if (!existsSync(catalogPath)) return [];
  const catalog = JSON.parse(readFileSync(catalogPath, 'utf8')) as { models: { id: string }[] };
  const copied = ['catalog.json'];
  mkdirSync(outDir, { recursive: true });
  copyFileSync(catalogPath, join(outDir, 'catalog.json'));
  for (const { id } of catalog.models) {
    const src = join(modelsDir, id);
    for (const f of runtimeFiles(src)) {
      const dest = join(outDir, id, f);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(join(src, f), dest);
      copied.push(`${id}/${f}`);
    }
  }
  return copied;
}

export function builtinModels(): Plugin {
  let root = process.cwd();
  let outDir = 'dist';
  return {
    name: 'webvla-builtin-models',
    apply: 'build',
    configResolved(config) {
      root = config.root;
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      copyBuiltinModels(join(root, 'models'), join(outDir, 'models'));
    },
  };
}
