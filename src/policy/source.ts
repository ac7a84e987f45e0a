/**
 * Where a model's files come from: a URL folder (the app's own origin, or one the person typed), or any
 * other byte source (a test's disk, a dropped folder). Every read checks that a real file came back.
 */
export interface ModelSource {
  /** Where the files come from, for messages. */
  readonly label: string;
  read(path: string): Promise<Uint8Array>;
}

export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

export async function readJson(source: ModelSource, path: string): Promise<unknown> {
  const bytes = await source.read(path);
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new ModelFileError(`${path} in ${source.label} is not valid JSON`);
  }
}

/** A folder on a web server. Dev servers answer missing files with index.html: that is refused, not parsed. */
export class UrlModelSource implements ModelSource {
  readonly label: string;
  private readonly base: string;

  constructor(base: string, private readonly fetchFn: typeof fetch = (...a) => fetch(...a)) {
    this.base = base.endsWith('/') ? base : `${base}/`;
    this.label = this.base;
  }

  async read(path: string): Promise<Uint8Array> {
    const url = new URL(path, new URL(this.base, globalThis.location?.href ?? 'http://localhost/')).href;
    let res: Response;
    try {
      res = await this.fetchFn(url);
    } catch (e) {
      throw new ModelFileError(`could not download ${path} from ${this.label} (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!res.ok) throw new ModelFileError(`${path} is missing from ${this.label} (HTTP ${res.status})`);
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('text/html') && !path.endsWith('.html')) throw new ModelFileError(`${path} is missing from ${this.label} (the server sent a web page instead)`);
    return new Uint8Array(await res.arrayBuffer());
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
