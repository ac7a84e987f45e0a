/**
 * A model folder a person drops on the page, as a folder or a zip: find policy.json (at the top or one folder
 * down) and key every file by its path inside that folder, as the runtime reads them.
 */
import { unzipDataset } from '../dataset/zipDataset';

/** Largest model accepted from a drop: beyond this it is not a "small policy" and would stall the tab. */
export const MAX_DROPPED_BYTES = 512 * 1024 * 1024;

export class ModelDropError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelDropError';
  }
}

export function modelFilesFromEntries(entries: Iterable<[string, Uint8Array]>, label: string): Record<string, Uint8Array> {
  const all = [...entries].map(([p, b]) => [p.replace(/\\/g, '/').replace(/^\/+/, ''), b] as const);
  const manifests = all.map(([p]) => p).filter((p) => p === 'policy.json' || p.endsWith('/policy.json'));
  if (manifests.length === 0) throw new ModelDropError(`${label} holds no policy.json: drop a model folder (policy.json, the ONNX graphs, tokenizer/) or a zip of one.`);
  // The shallowest policy.json is the model's root.
  const root = manifests.sort((a, b) => a.split('/').length - b.split('/').length)[0].slice(0, -'policy.json'.length);
  const files: Record<string, Uint8Array> = {};
  let bytes = 0;
  for (const [p, b] of all) {
    if (!p.startsWith(root)) continue;
    bytes += b.length;
    if (bytes > MAX_DROPPED_BYTES) throw new ModelDropError(`${label} is larger than ${MAX_DROPPED_BYTES / 2 ** 20} MB.`);
    files[p.slice(root.length)] = b;
  }
  return files;
}

export function modelFilesFromZip(zip: Uint8Array, label: string): Record<string, Uint8Array> {
  let entries: Map<string, Uint8Array>;
  try {
    entries = unzipDataset(zip);
  } catch (e) {
    throw new ModelDropError(`${label} could not be opened: ${e instanceof Error ? e.message : String(e)}`);
  }
  return modelFilesFromEntries(entries, label);
}
