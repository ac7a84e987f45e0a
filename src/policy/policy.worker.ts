/**
 * The policy worker: owns the inference sessions. A failed load leaves the current policy in place.
 * ORT starts its WASM threads by re-running this module under the name `em-pthread`: those copies must not
 * take over onmessage, or session creation hangs in production builds.
 */
import { VlaPolicy } from './policy';
import type { WorkerReply, WorkerRequest } from './protocol';
import { openModelCache } from './modelFetch';
import { MemoryModelSource, type ModelSource, UrlModelSource } from './source';

interface WorkerScope {
  name: string;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(msg: WorkerReply, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let policy: VlaPolicy | null = null;
let chain: Promise<void> = Promise.resolve();
/** The download in flight, so a cancel can stop it. */
let downloading: AbortController | null = null;

function reply(msg: WorkerReply): void {
  scope.postMessage(msg);
}

async function handle(req: WorkerRequest): Promise<void> {
  try {
    switch (req.type) {
      case 'load':
      case 'loadFiles': {
        const t0 = performance.now();
        let source: ModelSource;
        if (req.type === 'load') {
          downloading = new AbortController();
          const id = req.id;
          source = new UrlModelSource(req.baseUrl, {
            cache: await openModelCache(),
            signal: downloading.signal,
            onProgress: (progress) => reply({ status: 'progress', id, progress }),
          });
        } else {
          source = new MemoryModelSource(req.label, new Map(Object.entries(req.files)));
        }
        let next: VlaPolicy;
        try {
          next = await VlaPolicy.load(source, req.prefer);
        } finally {
          downloading = null;
        }
        // Warm-up: WebGPU compiles shaders on the first run; do it before saying "ready".
        const m = next.manifest;
        const images = Object.fromEntries(m.cameras.map((c) => [c.name, new Uint8Array(c.width * c.height * 4)]));
        await next.predictChunk({ images, state: new Array(m.action.names.length).fill(0), instruction: '' });
        const old = policy;
        policy = next;
        await old?.release();
        reply({ status: 'ready', id: req.id, info: { name: m.name, source: source.label, backend: next.backend, manifest: m, loadMs: performance.now() - t0 } });
        return;
      }
      case 'cancel':
        return;
      case 'infer': {
        if (!policy) throw new Error('no policy is loaded');
        const r = await policy.predictChunk({ images: req.images, state: req.state, instruction: req.instruction }, req.noiseSeed, undefined, req.sampling);
        reply({ status: 'result', id: req.id, actions: r.actions, nonFinite: r.nonFinite, timings: r.timings });
        return;
      }
      case 'tokenize': {
        if (!policy) throw new Error('no policy is loaded');
        const t = policy.tokenize(req.instruction);
        reply({ status: 'tokens', id: req.id, ids: t.ids });
        return;
      }
      case 'unload': {
        await policy?.release();
        policy = null;
        reply({ status: 'unloaded', id: req.id });
        return;
      }
    }
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    reply({ status: 'error', id: req.id, kind: err.name, message: err.message });
  }
}

if (scope.name !== 'em-pthread') {
  scope.onmessage = (e: MessageEvent<WorkerRequest>) => {
    if (e.data.type === 'cancel') {
      downloading?.abort();
      reply({ status: 'cancelled', id: e.data.id });
      return;
    }
    // One request at a time, in order: loads and inferences never interleave.
    chain = chain.then(() => handle(e.data));
  };
}
