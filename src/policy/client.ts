/** The page's handle on the policy worker: typed requests, promises for replies, pixels transferred. */
import type { BackendPreference } from './engine';
import type { FlowSampling } from './manifest';
import type { StageTimings } from './policy';
import type { PolicyInfo, WorkerReply, WorkerRequest } from './protocol';
import type { LoadProgress } from './source';

export class PolicyError extends Error {
  constructor(
    readonly kind: string,
    message: string,
  ) {
    super(message);
    this.name = 'PolicyError';
  }
}

export interface InferReply {
  actions: number[][];
  nonFinite: boolean;
  timings: StageTimings;
}

type Pending = { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; onProgress?: (p: LoadProgress) => void };

export class PolicyClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  info: PolicyInfo | null = null;

  constructor(worker?: Worker) {
    this.worker = worker ?? new Worker(new URL('./policy.worker.ts', import.meta.url), { type: 'module', name: 'policy' });
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const p = this.pending.get(e.data.id);
      if (!p) return;
      if (e.data.status === 'progress') {
        p.onProgress?.(e.data.progress);
        return;
      }
      this.pending.delete(e.data.id);
      if (e.data.status === 'error') p.reject(new PolicyError(e.data.kind, e.data.message));
      else p.resolve(e.data);
    };
    this.worker.onerror = (e) => {
      e.preventDefault();
      this.failAll(new PolicyError('WorkerError', `the policy worker crashed: ${e.message || 'unknown error'}`));
    };
  }

  private request<T extends WorkerReply['status']>(
    req: WorkerRequest,
    transfer: Transferable[] = [],
    onProgress?: (p: LoadProgress) => void,
  ): Promise<Extract<WorkerReply, { status: T }>> {
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve: resolve as (r: WorkerReply) => void, reject, onProgress });
      this.worker.postMessage(req, transfer);
    });
  }

  /** Load a model folder by URL; on failure the previous model stays loaded. */
  async load(baseUrl: string, prefer: BackendPreference = 'auto', onProgress?: (p: LoadProgress) => void): Promise<PolicyInfo> {
    // Relative URLs mean relative to the page: the worker would resolve them against its own script's URL.
    const absolute = globalThis.location ? new URL(baseUrl, globalThis.location.href).href : baseUrl;
    const r = await this.request<'ready'>({ type: 'load', id: this.nextId++, baseUrl: absolute, prefer }, [], onProgress);
    this.info = r.info;
    return r.info;
  }

  /** Load model files held in memory (a dropped folder or an unzipped archive); the bytes are transferred. */
  async loadFiles(label: string, files: Record<string, Uint8Array>, prefer: BackendPreference = 'auto'): Promise<PolicyInfo> {
    const transfer = [...new Set(Object.values(files).map((f) => f.buffer as ArrayBuffer))];
    const r = await this.request<'ready'>({ type: 'loadFiles', id: this.nextId++, label, files, prefer }, transfer);
    this.info = r.info;
    return r.info;
  }

  /** Stop the download in flight; its load then fails with DownloadCancelled and the previous model stays. */
  async cancelLoad(): Promise<void> {
    await this.request<'cancelled'>({ type: 'cancel', id: this.nextId++ });
  }

  /** Pixels are transferred, not copied: the caller must not reuse `images` buffers afterwards. */
  async infer(images: Record<string, Uint8Array>, state: number[], instruction: string, noiseSeed: number, sampling: FlowSampling = {}): Promise<InferReply> {
    const transfer = Object.values(images).map((a) => a.buffer as ArrayBuffer);
    const r = await this.request<'result'>({ type: 'infer', id: this.nextId++, images, state, instruction, noiseSeed, sampling }, transfer);
    return { actions: r.actions, nonFinite: r.nonFinite, timings: r.timings };
  }

  async tokenize(instruction: string): Promise<number[]> {
    return (await this.request<'tokens'>({ type: 'tokenize', id: this.nextId++, instruction })).ids;
  }

  private failAll(e: Error): void {
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  dispose(): void {
    this.failAll(new PolicyError('Disposed', 'the policy worker was closed'));
    this.worker.terminate();
  }
}
