/**
 * A loaded VLA policy: manifest, graphs, tokenizer, and the path from an observation (camera pixels, joint
 * state, words) to an action chunk in robot units. Runs in a worker in the app and directly in Node tests.
 */
import { type Backend, type BackendChoice, type BackendPreference, chooseBackend, GraphSession, type TensorIn } from './engine';
import { decodeBins, decodeRegression, gaussianNoise, integrateFlow, medoid, sampleSeed } from './heads';
import { checkFlowSamples, checkNoiseScale, type FlowSampling, graphFiles, type PolicyManifest, parseManifest } from './manifest';
import { addStateBack, imageToCHW, normalizeState, toRows, unnormalizeActions } from './normalize';
import { type ModelSource, readJson } from './source';
import { type InstructionTokenizer, loadTokenizer } from './tokenizer';
import { validateGraphs } from './validate';

export interface Observation {
  /** RGBA bytes per manifest camera name, top row first, at the manifest's resolution. */
  images: Record<string, Uint8Array>;
  /** Joint state in robot units. */
  state: readonly number[];
  instruction: string;
}

export interface StageTimings {
  preprocess: number;
  tokenize: number;
  inference: number;
  decode: number;
}

export interface ChunkResult {
  /** chunk × action_dim, robot units; may hold non-finite values, which the safety filter rejects. */
  actions: number[][];
  timings: StageTimings;
  /** True when any value is NaN or infinite. */
  nonFinite: boolean;
}

export class VlaPolicy {
  private constructor(
    readonly manifest: PolicyManifest,
    readonly backend: BackendChoice,
    private readonly graphs: Record<string, GraphSession>,
    private readonly tokenizer: InstructionTokenizer,
  ) {}

  static async load(source: ModelSource, prefer: BackendPreference = 'auto'): Promise<VlaPolicy> {
    const manifest = parseManifest(await readJson(source, 'policy.json'));
    let backend = await chooseBackend(prefer);
    const files = graphFiles(manifest);
    const tok = manifest.tokenizer.path;
    await source.plan?.([...Object.values(files), `${tok}/tokenizer.json`, `${tok}/tokenizer_config.json`]);
    const bytes: Record<string, Uint8Array> = {};
    for (const [role, file] of Object.entries(files)) bytes[role] = await source.read(file);
    let graphs: Record<string, GraphSession>;
    try {
      graphs = await createAll(bytes, files, backend.backend);
    } catch (e) {
      if (backend.backend !== 'webgpu') throw e;
      // A graph WebGPU cannot take still runs on WASM: say so rather than fail.
      backend = { ...backend, backend: 'wasm', emulated: false, reason: `WebGPU could not load the model, using WASM (${e instanceof Error ? e.message.slice(0, 120) : String(e)})` };
      graphs = await createAll(bytes, files, 'wasm');
    }
    try {
      validateGraphs(manifest, graphs);
      const tokenizer = await loadTokenizer(source, manifest.tokenizer.path, manifest.tokenizer.max_length);
      return new VlaPolicy(manifest, backend, graphs, tokenizer);
    } catch (e) {
      await Promise.all(Object.values(graphs).map((g) => g.release()));
      throw e;
    }
  }

  get actionDim(): number {
    return this.manifest.action.names.length;
  }

  tokenize(instruction: string) {
    return this.tokenizer.encode(instruction);
  }

  /**
   * One action chunk for an observation. `noiseSeed` makes flow heads repeatable; `sampling` overrides the
   * manifest's `head.noise_scale` and `head.samples` (flow heads only), so a person can compare sampling settings
   * without editing files.
   */
  async predictChunk(obs: Observation, noiseSeed = 0, noise?: Float32Array, sampling: FlowSampling = {}): Promise<ChunkResult> {
    const { noiseScale, samples } = sampling;
    if (noiseScale !== undefined) checkNoiseScale(noiseScale);
    if (samples !== undefined) checkFlowSamples(samples);
    const m = this.manifest;
    const dim = this.actionDim;
    const chunk = m.chunk.length;
    const now = () => performance.now();
    let t = now();
    const feeds: Record<string, TensorIn> = {};
    for (const cam of m.cameras) {
      const px = obs.images[cam.name];
      if (!px) throw new Error(`no image for camera "${cam.name}"`);
      feeds[cam.input] = { type: 'float32', data: imageToCHW(px, cam.width, cam.height, m.image.mean, m.image.std), dims: [1, 3, cam.height, cam.width] };
    }
    feeds[m.state.input] = { type: 'float32', data: normalizeState(obs.state, m), dims: [1, dim] };
    const preprocess = now() - t;
    t = now();
    const tok = this.tokenizer.encode(obs.instruction);
    const L = m.tokenizer.max_length;
    const ints = (xs: number[]) => (m.tokenizer.dtype === 'int64' ? BigInt64Array.from(xs, (x) => BigInt(x)) : Int32Array.from(xs));
    feeds[m.tokenizer.ids_input] = { type: m.tokenizer.dtype, data: ints(tok.ids), dims: [1, L] };
    if (m.tokenizer.mask_input) feeds[m.tokenizer.mask_input] = { type: m.tokenizer.dtype, data: ints(tok.mask), dims: [1, L] };
    const tokenize = now() - t;

    t = now();
    let normalized: Float32Array;
    let decode = 0;
    const h = m.head;
    if (h.type === 'flow') {
      const ctx = (await this.graphs.encoder.run(feeds, [h.context_output]))[h.context_output];
      const ctxDims = contextDims(this.graphs.encoder, h.context_output, ctx.length);
      const velocity = async (x: Float32Array, time: number) => {
        const out = await this.graphs.denoiser.run(
          {
            [h.noise_input]: { type: 'float32', data: x, dims: [1, chunk, dim] },
            [h.time_input]: { type: 'float32', data: Float32Array.of(time), dims: [1] },
            [h.context_input]: { type: 'float32', data: ctx, dims: ctxDims },
          },
          [h.velocity_output],
        );
        return out[h.velocity_output];
      };
      // Given noise is one exact draw (parity, replay); otherwise `samples` seeded draws and their medoid.
      const n = noise ? 1 : (samples ?? h.samples);
      const draws: Float32Array[] = [];
      for (let k = 0; k < n; k++) {
        draws.push(await integrateFlow(noise ?? scaled(gaussianNoise(chunk * dim, sampleSeed(noiseSeed, k)), noiseScale ?? h.noise_scale), h.steps, velocity));
      }
      normalized = medoid(draws);
    } else {
      const out = (await this.graphs.model.run(feeds, [h.output]))[h.output];
      const d0 = now();
      normalized = h.type === 'bins' ? decodeBins(out, chunk, dim, h.bins, h.low, h.high) : decodeRegression(out, chunk, dim);
      decode = now() - d0;
    }
    const inference = now() - t - decode;
    const d1 = now();
    const actions = addStateBack(toRows(unnormalizeActions(normalized, dim, m), dim), obs.state, m);
    decode += now() - d1;
    const nonFinite = actions.some((row) => row.some((v) => !Number.isFinite(v)));
    return { actions, nonFinite, timings: { preprocess, tokenize, inference, decode } };
  }

  async release(): Promise<void> {
    await Promise.all(Object.values(this.graphs).map((g) => g.release()));
  }
}

async function createAll(bytes: Record<string, Uint8Array>, files: Record<string, string>, backend: Backend): Promise<Record<string, GraphSession>> {
  const out: Record<string, GraphSession> = {};
  try {
    for (const [role, b] of Object.entries(bytes)) out[role] = await GraphSession.create(b, backend, files[role]);
  } catch (e) {
    await Promise.all(Object.values(out).map((g) => g.release()));
    throw e;
  }
  return out;
}

function contextDims(g: GraphSession, name: string, n: number): number[] {
  const shape = g.outputs.find((o) => o.name === name)?.shape ?? [];
  if (shape.length > 0 && shape.every((d) => typeof d === 'number' && d > 0)) return shape as number[];
  return [1, n];
}

function scaled(x: Float32Array, s: number): Float32Array {
  if (s !== 1) for (let i = 0; i < x.length; i++) x[i] *= s;
  return x;
}
