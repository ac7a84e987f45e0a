/**
 * Downloading model files: streamed with byte progress, cancellable, and cached in Cache Storage keyed by URL
 * and content length, so a reload reads from disk and a file changed on the server (new length) is fetched
 * again. Works in the worker and in the page; tests pass an in-memory cache.
 */
import { ModelFileError } from './modelFileError';

/** The part of the Cache Storage API used here (`caches.open(MODEL_CACHE)` in browsers). */
export interface ModelCache {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
}

export const MODEL_CACHE = 'webvla-models-v1';
/** Stored beside the bytes: the length the server announced when they were cached. */
const LENGTH_HEADER = 'x-webvla-content-length';

export async function openModelCache(): Promise<ModelCache | null> {
  try {
    return typeof caches === 'undefined' ? null : await caches.open(MODEL_CACHE);
  } catch {
    return null; // opaque origins and some private modes have no Cache Storage: download every time
  }
}

export async function clearModelCache(): Promise<boolean> {
  return typeof caches === 'undefined' ? false : caches.delete(MODEL_CACHE);
}

export interface FetchOptions {
  fetchFn?: typeof fetch;
  cache?: ModelCache | null;
  signal?: AbortSignal;
  /** Called as bytes arrive (or at once, for a cached file). */
  onBytes?: (delta: number) => void;
}

export class DownloadCancelled extends Error {
  constructor() {
    super('the download was cancelled');
    this.name = 'DownloadCancelled';
  }
}

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new DownloadCancelled();
}

/** The size the server announces for `url` (HEAD), or null when it does not say or cannot be reached. */
export async function remoteSize(url: string, opts: FetchOptions = {}): Promise<number | null> {
  const fetchFn = opts.fetchFn ?? ((...a) => fetch(...a));
  try {
    const res = await fetchFn(url, { method: 'HEAD', signal: opts.signal });
    const n = Number(res.headers.get('content-length'));
    return res.ok && res.headers.get('content-length') !== null && Number.isFinite(n) ? n : null;
  } catch {
    checkAborted(opts.signal);
    return null;
  }
}

/** A cached copy's length, or null when there is none. */
export async function cachedSize(url: string, cache: ModelCache | null | undefined): Promise<number | null> {
  const hit = await cache?.match(url);
  if (!hit) return null;
  return Number(hit.headers.get(LENGTH_HEADER) ?? Number.NaN);
}

/**
 * The bytes of `url`: from the cache when it holds a copy whose length matches `expectedLength` (the
 * server's current length; null when unknown, e.g. offline, which trusts the cache), else downloaded.
 */
export async function fetchModelFile(url: string, path: string, from: string, expectedLength: number | null, opts: FetchOptions = {}): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  checkAborted(opts.signal);
  const hit = await opts.cache?.match(url);
  if (hit) {
    const stored = Number(hit.headers.get(LENGTH_HEADER));
    if (expectedLength === null || stored === expectedLength) {
      const bytes = new Uint8Array(await hit.arrayBuffer());
      if (bytes.length === stored) {
        opts.onBytes?.(bytes.length);
        return { bytes, fromCache: true };
      }
    }
  }
  const fetchFn = opts.fetchFn ?? ((...a) => fetch(...a));
  let res: Response;
  try {
    res = await fetchFn(url, { signal: opts.signal });
  } catch (e) {
    checkAborted(opts.signal);
    throw new ModelFileError(`could not download ${path} from ${from} (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!res.ok) throw new ModelFileError(`${path} is missing from ${from} (HTTP ${res.status})`);
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('text/html') && !path.endsWith('.html')) throw new ModelFileError(`${path} is missing from ${from} (the server sent a web page instead)`);
  const announced = res.headers.get('content-length');
  const bytes = await readBody(res, opts);
  if (announced !== null && res.headers.get('content-encoding') === null && Number(announced) !== bytes.length) {
    throw new ModelFileError(`${path} from ${from} was cut short (${bytes.length} of ${announced} bytes)`);
  }
  if (opts.cache) {
    try {
      await opts.cache.put(url, new Response(bytes.slice().buffer, { headers: { [LENGTH_HEADER]: String(expectedLength ?? bytes.length), 'content-type': 'application/octet-stream' } }));
    } catch {
      // A full disk or a quota only costs the next load its cache hit.
    }
  }
  return { bytes, fromCache: false };
}

async function readBody(res: Response, opts: FetchOptions): Promise<Uint8Array> {
  if (!res.body) {
    const b = new Uint8Array(await res.arrayBuffer());
    opts.onBytes?.(b.length);
    return b;
  }
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let n = 0;
  try {
    for (;;) {
      checkAborted(opts.signal);
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(value);
      n += value.length;
      opts.onBytes?.(value.length);
    }
  } catch (e) {
    checkAborted(opts.signal);
    throw e;
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
