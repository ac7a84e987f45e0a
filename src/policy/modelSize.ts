/**
 * What loading a model folder would download, asked before downloading it: its name and the sum of its
 * files' sizes (policy.json read, the rest asked with HEAD). A share link's remote model shows this first.
 */
import { graphFiles, parseManifest } from './manifest';
import { remoteSize } from './modelFetch';
import { ModelFileError } from './modelFileError';

export interface ModelSizeInfo {
  name: string;
  /** Bytes of all files, or null when the server does not say for some of them. */
  bytes: number | null;
  files: number;
}

export async function modelDownloadSize(baseUrl: string, fetchFn: typeof fetch = (...a) => fetch(...a)): Promise<ModelSizeInfo> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const url = (p: string) => new URL(p, new URL(base, globalThis.location?.href ?? 'http://localhost/')).href;
  let res: Response;
  try {
    res = await fetchFn(url('policy.json'));
  } catch (e) {
    throw new ModelFileError(`could not reach ${base} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!res.ok || (res.headers.get('content-type') ?? '').includes('text/html')) throw new ModelFileError(`policy.json is missing from ${base}${res.ok ? '' : ` (HTTP ${res.status})`}`);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ModelFileError(`policy.json in ${base} is not valid JSON`);
  }
  const m = parseManifest(json);
  const tok = m.tokenizer.path;
  const paths = [...Object.values(graphFiles(m)), `${tok}/tokenizer.json`, `${tok}/tokenizer_config.json`];
  const sizes = await Promise.all(paths.map((p) => remoteSize(url(p), { fetchFn })));
  const known = sizes.every((n) => n !== null);
  return { name: m.name, bytes: known ? sizes.reduce<number>((a, n) => a + (n ?? 0), new TextEncoder().encode(text).length) : null, files: paths.length + 1 };
}
