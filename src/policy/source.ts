/**
 * Where a model's files come from: a URL folder (the app's own origin, or one the person typed), or any
 * other byte source (a test's disk, a dropped folder). Every read checks that a real file came back.
 */
import { ModelFileError } from './modelFileError';
import { cachedSize, fetchModelFile, type ModelCache, remoteSize } from './modelFetch';

export interface ModelSource {
  /** Where the files come from, for messages. */
  readonly label: string;
  read(path: string): Promise<Uint8Array>;
  /** Optional: told which files come next, so a download can show a total. */
  plan?(paths: readonly string[]): Promise<void>;
}

export { ModelFileError };

export async function readJson(source: ModelSource, path: string): Promise<unknown> {
  const bytes = await source.read(path);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ModelFileError(`${path} in ${source.label} is not valid JSON`);
  }
}

/** Bytes of a model load so far: what the progress bar shows. */
export interface LoadProgress {
  loaded: number;
  /** Sum of the files' sizes; null while unknown (a server that does not announce lengths). */
  total: number | null;
  /** Files read from the cache rather than downloaded. */
  cachedFiles: number;
  files: number;
}

export interface UrlSourceOptions {
  fetchFn?: typeof fetch;
  cache?: ModelCache | null;
  signal?: AbortSignal;
  onProgress?: (p: LoadProgress) => void;
}

/**
 * A folder on a web server, read through the model cache with byte progress. Dev servers answer missing files
 * with index.html: that is refused, not parsed.
 */
export class UrlModelSource implements ModelSource {
  readonly label: string;
  private readonly base: string;
  private readonly sizes = new Map<string, number | null>();
  private readonly progress: LoadProgress = { loaded: 0, total: null, cachedFiles: 0, files: 0 };

  constructor(
    base: string,
    private readonly opts: UrlSourceOptions = {},
  ) {
    this.base = base.endsWith('/') ? base : `${base}/`;
    this.label = this.base;
  }

  private url(path: string): string {
    return new URL(path, new URL(this.base, globalThis.location?.href ?? 'http://localhost/')).href;
  }

  /** Learn the sizes of the files about to be read, so progress has a total. */
  async plan(paths: readonly string[]): Promise<void> {
    const fresh = paths.filter((p) => !this.sizes.has(p));
    const sizes = await Promise.all(fresh.map((p) => remoteSize(this.url(p), this.opts)));
    for (const [i, p] of fresh.entries()) this.sizes.set(p, sizes[i]);
    // Offline, a cached copy's length stands in for the server's.
    for (const p of fresh) if (this.sizes.get(p) === null) this.sizes.set(p, await cachedSize(this.url(p), this.opts.cache));
    const all = [...this.sizes.values()];
    this.progress.total = all.every((n) => n !== null) ? all.reduce<number>((a, n) => a + (n ?? 0), 0) : null;
    this.opts.onProgress?.({ ...this.progress });
  }

  async read(path: string): Promise<Uint8Array> {
    if (!this.sizes.has(path)) await this.plan([path]);
    const { bytes, fromCache } = await fetchModelFile(this.url(path), path, this.label, this.sizes.get(path) ?? null, {
      ...this.opts,
      onBytes: (n) => {
        this.progress.loaded += n;
        this.opts.onProgress?.({ ...this.progress });
      },
    });
    this.progress.files++;
    if (fromCache) this.progress.cachedFiles++;
    this.opts.onProgress?.({ ...this.progress });
    return bytes;
  }
}

/** Files held in memory (a dropped folder, an unzipped archive, a test). */
export class MemoryModelSource implements ModelSource {
  constructor(
    readonly label: string,
    private readonly files: ReadonlyMap<string, Uint8Array>,
  ) {}

  async read(path: string): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw new ModelFileError(`${path} is missing from ${this.label}`);
    return f;
  }
}
