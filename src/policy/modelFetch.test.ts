import { describe, expect, it } from 'vitest';
import { DownloadCancelled, fetchModelFile, type ModelCache } from './modelFetch';
import { type LoadProgress, UrlModelSource } from './source';

/** Cache Storage as the browser has it, in memory (a test double: Node has no `caches`). */
class MemoryCache implements ModelCache {
  readonly store = new Map<string, { body: ArrayBuffer; headers: Headers }>();
  async match(url: string): Promise<Response | undefined> {
    const e = this.store.get(url);
    return e ? new Response(e.body.slice(0), { headers: e.headers }) : undefined;
  }
  async put(url: string, r: Response): Promise<void> {
    this.store.set(url, { body: await r.arrayBuffer(), headers: r.headers });
  }
}

/** A static server: files by path, answered in 1 KB pieces; counts GETs. */
function server(files: Record<string, Uint8Array>, opts: { lie?: number } = {}) {
  const gets: string[] = [];
  const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    const body = files[path];
    if (!body) return new Response('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const length = String(opts.lie ?? body.length);
    if (init?.method === 'HEAD') return new Response(null, { headers: { 'content-length': length } });
    gets.push(path);
    const signal = init?.signal;
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (signal?.aborted) return c.error(new DOMException('aborted', 'AbortError'));
        if (sent >= body.length) return c.close();
        c.enqueue(body.slice(sent, sent + 1024));
        sent += 1024;
      },
    });
    return new Response(stream, { headers: { 'content-length': length, 'content-type': 'application/octet-stream' } });
  }) as typeof fetch;
  return { fetchFn, gets };
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

describe('model downloads', () => {
  it('reports byte progress to 100 %, caches by URL and length, and reads the cache on the next load', async () => {
    const files = { '/m/a.onnx': bytes(5000), '/m/b.json': bytes(1500, 2) };
    const { fetchFn, gets } = server(files);
    const cache = new MemoryCache();
    const seen: LoadProgress[] = [];
    const src = new UrlModelSource('http://host/m/', { fetchFn, cache, onProgress: (p) => seen.push(p) });
    await src.plan(['a.onnx', 'b.json']);
    expect(seen.at(-1)?.total).toBe(6500);
    expect(await src.read('a.onnx')).toEqual(files['/m/a.onnx']);
    expect(await src.read('b.json')).toEqual(files['/m/b.json']);
    const loaded = seen.map((p) => p.loaded);
    expect(loaded).toEqual([...loaded].sort((x, y) => x - y)); // never goes back
    expect(seen.length).toBeGreaterThan(6); // several steps per file, not one jump
    expect(seen.at(-1)).toEqual({ loaded: 6500, total: 6500, cachedFiles: 0, files: 2 });
    expect(gets).toEqual(['/m/a.onnx', '/m/b.json']);

    const again: LoadProgress[] = [];
    const src2 = new UrlModelSource('http://host/m/', { fetchFn, cache, onProgress: (p) => again.push(p) });
    await src2.plan(['a.onnx', 'b.json']);
    expect(await src2.read('a.onnx')).toEqual(files['/m/a.onnx']);
    await src2.read('b.json');
    expect(gets).toHaveLength(2); // nothing downloaded again
    expect(again.at(-1)).toEqual({ loaded: 6500, total: 6500, cachedFiles: 2, files: 2 });
  });

  it('downloads again when the server announces another length', async () => {
    const cache = new MemoryCache();
    const first = server({ '/m/a.onnx': bytes(3000) });
    await fetchModelFile('http://host/m/a.onnx', 'a.onnx', 'http://host/m/', 3000, { fetchFn: first.fetchFn, cache });
    const changed = server({ '/m/a.onnx': bytes(4000, 7) });
    const r = await fetchModelFile('http://host/m/a.onnx', 'a.onnx', 'http://host/m/', 4000, { fetchFn: changed.fetchFn, cache });
    expect(r.fromCache).toBe(false);
    expect(r.bytes).toEqual(bytes(4000, 7));
    // Offline (length unknown), the cached copy is trusted.
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const o = await fetchModelFile('http://host/m/a.onnx', 'a.onnx', 'http://host/m/', null, { fetchFn: offline, cache });
    expect(o).toEqual({ bytes: bytes(4000, 7), fromCache: true });
  });

  it('cancels mid-download, refuses a short body and a web page, and caches neither', async () => {
    const cache = new MemoryCache();
    const { fetchFn } = server({ '/m/a.onnx': bytes(20_000) });
    const ac = new AbortController();
    let got = 0;
    const p = fetchModelFile('http://host/m/a.onnx', 'a.onnx', 'http://host/m/', 20_000, {
      fetchFn,
      cache,
      signal: ac.signal,
      onBytes: (n) => {
        got += n;
        if (got >= 4096) ac.abort();
      },
    });
    await expect(p).rejects.toBeInstanceOf(DownloadCancelled);
    expect(cache.store.size).toBe(0);

    const liar = server({ '/m/a.onnx': bytes(2000) }, { lie: 5000 });
    await expect(fetchModelFile('http://host/m/a.onnx', 'a.onnx', 'http://host/m/', 5000, { fetchFn: liar.fetchFn, cache })).rejects.toThrow(/a.onnx from http:\/\/host\/m\/ was cut short \(2000 of 5000 bytes\)/);
    await expect(fetchModelFile('http://host/m/x.onnx', 'x.onnx', 'http://host/m/', null, { fetchFn, cache })).rejects.toThrow(/x.onnx is missing from http:\/\/host\/m\/ \(the server sent a web page instead\)/);
    expect(cache.store.size).toBe(0);
  });
});
