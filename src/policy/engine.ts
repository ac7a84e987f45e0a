/**
 * The one module that imports the inference engine. It picks a backend (WebGPU when an adapter exists, else
 * WASM, multi-threaded when the page is cross-origin isolated), says why, and runs graphs one call at a time.
 */
import * as ort from 'onnxruntime-web';

// ORT prints warnings (e.g. shape ops placed on the CPU) through console.error: keep the console for errors.
ort.env.logLevel = 'error';

export type Backend = 'webgpu' | 'wasm';
export type BackendPreference = 'auto' | Backend;

export interface BackendChoice {
  backend: Backend;
  /** Why this backend, in words for the HUD. */
  reason: string;
  /** WASM threads (1 when the page is not cross-origin isolated). */
  threads: number;
  /** True when WebGPU runs on a CPU fallback adapter (SwiftShader): it proves the path, not the speed. */
  emulated: boolean;
}

/** Execution providers by backend: a frozen table, so no string reaches ORT unchecked. */
const PROVIDERS: Readonly<Record<Backend, readonly string[]>> = Object.freeze({ webgpu: ['webgpu'], wasm: ['wasm'] });

interface GpuLike {
  requestAdapter(): Promise<{ info?: { isFallbackAdapter?: boolean }; isFallbackAdapter?: boolean } | null>;
}

export async function chooseBackend(prefer: BackendPreference = 'auto'): Promise<BackendChoice> {
  const g = globalThis as { navigator?: { gpu?: GpuLike; hardwareConcurrency?: number }; crossOriginIsolated?: boolean; process?: unknown };
  const isolated = g.crossOriginIsolated === true;
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  const threads = isolated ? Math.max(1, Math.min(4, cores)) : 1;
  const wasmWhy = isolated ? `${threads} threads` : 'single-threaded: the page is not cross-origin isolated';
  ort.env.wasm.numThreads = threads;
  if (prefer === 'wasm') return { backend: 'wasm', reason: `WASM requested (${wasmWhy})`, threads, emulated: false };
  const gpu = g.navigator?.gpu;
  if (!gpu) return { backend: 'wasm', reason: `no WebGPU in this browser, using WASM (${wasmWhy})`, threads, emulated: false };
  let adapter: Awaited<ReturnType<GpuLike['requestAdapter']>> = null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    adapter = null;
  }
  if (!adapter) return { backend: 'wasm', reason: `no WebGPU adapter, using WASM (${wasmWhy})`, threads, emulated: false };
  const emulated = adapter.info?.isFallbackAdapter === true || adapter.isFallbackAdapter === true;
  return {
    backend: 'webgpu',
    reason: emulated ? 'WebGPU on a CPU fallback adapter (emulated, slow)' : 'WebGPU adapter found',
    threads,
    emulated,
  };
}

export type TensorType = 'float32' | 'int64' | 'int32';
export interface TensorIn {
  type: TensorType;
  data: Float32Array | BigInt64Array | Int32Array;
  dims: readonly number[];
}

export interface GraphIO {
  name: string;
  /** Element type, e.g. float32, int64; 'unknown' when the graph does not say. */
  type: string;
  /** Dimensions; strings for symbolic ones. */
  shape: readonly (number | string)[];
}

export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

export class GraphSession {
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputs: readonly GraphIO[],
    readonly outputs: readonly GraphIO[],
    readonly backend: Backend,
  ) {}

  static async create(bytes: Uint8Array, backend: Backend, label: string): Promise<GraphSession> {
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: [...PROVIDERS[backend]], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    } catch (e) {
      throw new GraphError(`${label} is not a valid ONNX graph (${String(e instanceof Error ? e.message : e).slice(0, 200)})`);
    }
    const io = (list: readonly ort.InferenceSession.ValueMetadata[]): GraphIO[] =>
      list.map((m) => (m.isTensor ? { name: m.name, type: String(m.type), shape: [...m.shape] } : { name: m.name, type: 'unknown', shape: [] }));
    return new GraphSession(session, io(session.inputMetadata), io(session.outputMetadata), backend);
  }

  /** Run the graph; calls are chained so two never overlap on one session. Outputs are copied to the CPU. */
  run(feeds: Record<string, TensorIn>, outputs?: readonly string[]): Promise<Record<string, Float32Array>> {
    const next = this.queue.then(async () => {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor(v.type, v.data, v.dims);
      const result = outputs ? await this.session.run(ortFeeds, [...outputs]) : await this.session.run(ortFeeds);
      const out: Record<string, Float32Array> = {};
      for (const [k, t] of Object.entries(result)) {
        const data = t.location === 'cpu' ? t.data : await t.getData();
        out[k] = data instanceof Float32Array ? Float32Array.from(data) : Float32Array.from(data as ArrayLike<number>, Number);
        t.dispose();
      }
      return out;
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  async release(): Promise<void> {
    await this.queue;
    await this.session.release();
  }
}
