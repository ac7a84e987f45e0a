/**
 * The app's side of the policy: loads models into the worker, starts the closed loop on the session, and
 * publishes what the HUD shows. Failed loads leave the previous model in place and say why.
 */
import { type LoopStats, PolicyLoop, type PolicyLoopOptions } from '../control/policyLoop';
import { makeRobot } from '../control/robot';
import { defaultSimLimits } from '../control/safety';
import { builtinModelUrl, fetchCatalog, type ModelCatalog } from '../policy/catalog';
import type { BackendPreference } from '../policy/engine';
import { PolicyClient } from '../policy/client';
import { checkNoiseScale } from '../policy/manifest';
import { clearModelCache } from '../policy/modelFetch';
import { type ModelSizeInfo, modelDownloadSize } from '../policy/modelSize';
import type { PolicyInfo } from '../policy/protocol';
import type { LoadProgress } from '../policy/source';
import type { Session } from './session';
import { Store } from './store';

export type ModelStatus = 'none' | 'loading' | 'ready' | 'error';

export interface PolicyState {
  status: ModelStatus;
  /** What is loading or loaded (URL of the model folder). */
  url: string;
  info: PolicyInfo | null;
  error: string | null;
  options: PolicyLoopOptions;
  /** The flow noise scale the person chose, overriding the model's `head.noise_scale`; null: the model's. */
  noiseScale: number | null;
  /** Why the last noise scale asked for was refused (the previous one stays). */
  noiseScaleError: string | null;
  hud: LoopStats | null;
  /** The models shipped with the app (null until models/catalog.json has been read). */
  catalog: ModelCatalog | null;
  catalogError: string | null;
  /** Bytes of the load in flight (null when none is downloading). */
  progress: LoadProgress | null;
  /** How the loaded model arrived: bytes and files from cache (null for in-memory files). */
  lastLoad: LoadProgress | null;
  /** A model a share link names at a URL: never downloaded until the person has seen where from and agreed. */
  pendingRemote: { url: string; size: ModelSizeInfo | null; checking: boolean; error: string | null } | null;
}

/** How often the HUD refreshes (ms). */
const HUD_PERIOD = 250;

export interface Observer {
  setPolicyCameras(cameras: readonly { name: string; width: number; height: number }[]): void;
  cameraList(): { name: string; width: number; height: number }[];
  observe(): Record<string, Uint8Array>;
}

export class PolicyController {
  readonly store = new Store<PolicyState>({
    status: 'none',
    url: '',
    info: null,
    error: null,
    options: { mode: 'async', threshold: 4, ensemble: false, stallTicks: 1 },
    noiseScale: null,
    noiseScaleError: null,
    hud: null,
    catalog: null,
    catalogError: null,
    progress: null,
    lastLoad: null,
    pendingRemote: null,
  });
  private client: PolicyClient | null = null;
  private loop: PolicyLoop | null = null;
  private hudTimer: ReturnType<typeof setInterval> | null = null;
  /** Loads run one after another, so the model loaded last is the one asked for last. */
  private loading: Promise<unknown> = Promise.resolve();
  observer: Observer | null = null;

  constructor(
    private readonly session: Session,
    private readonly makeClient: () => PolicyClient = () => new PolicyClient(),
    private readonly fetchFn: typeof fetch = (...a) => fetch(...a),
  ) {}

  /** A share link names a model at `url`: ask before downloading it. */
  offerRemote(url: string): void {
    this.store.set({ pendingRemote: { url, size: null, checking: false, error: null } });
  }

  /** Read the remote model's manifest and file sizes (small requests, on the person's click). */
  async checkRemote(): Promise<void> {
    const pending = this.state.pendingRemote;
    if (!pending) return;
    this.store.set({ pendingRemote: { ...pending, checking: true, error: null } });
    try {
      const size = await modelDownloadSize(pending.url, this.fetchFn);
      this.store.set({ pendingRemote: { ...pending, size, checking: false, error: null } });
    } catch (e) {
      this.store.set({ pendingRemote: { ...pending, checking: false, error: e instanceof Error ? e.message : String(e) } });
    }
  }

  async acceptRemote(prefer: BackendPreference = 'auto'): Promise<boolean> {
    const pending = this.state.pendingRemote;
    if (!pending) return false;
    this.store.set({ pendingRemote: null });
    return this.load(pending.url, prefer);
  }

  dismissRemote(): void {
    this.store.set({ pendingRemote: null });
  }

  /** Read the built-in model list and load its default model (or `preferId`, when a link names one). */
  async loadDefault(prefer: BackendPreference = 'auto', preferId?: string): Promise<boolean> {
    let catalog: ModelCatalog;
    try {
      catalog = await fetchCatalog('models/catalog.json', this.fetchFn);
    } catch (e) {
      this.store.set({ catalogError: `No built-in model: ${e instanceof Error ? e.message : String(e)}` });
      return false;
    }
    this.store.set({ catalog, catalogError: null });
    // A model the person loaded meanwhile wins over the default.
    if (this.state.status !== 'none' || this.state.url) return false;
    if (preferId && !catalog.models.some((m) => m.id === preferId)) {
      this.store.set({ catalogError: `The link names a built-in model "${preferId}" that this app does not ship; the default is loaded instead.` });
      preferId = undefined;
    }
    return this.load(builtinModelUrl(preferId ?? catalog.default), prefer);
  }

  get state(): PolicyState {
    return this.store.get();
  }

  load(url: string, prefer: BackendPreference = 'auto'): Promise<boolean> {
    const trimmed = url.trim();
    if (!trimmed) {
      this.store.set({ error: 'Enter the URL of a model folder (it holds policy.json).' });
      return Promise.resolve(false);
    }
    return this.enqueue(trimmed, (client) => client.load(trimmed, prefer, (progress) => this.store.set({ progress })));
  }

  /** Load a model whose files are in memory (a dropped folder or zip), keyed by path inside the folder. */
  loadFiles(label: string, files: Record<string, Uint8Array>, prefer: BackendPreference = 'auto'): Promise<boolean> {
    return this.enqueue(label, (client) => client.loadFiles(label, files, prefer));
  }

  /** Stop the download in flight; the model loaded before stays in use. */
  async cancelLoad(): Promise<void> {
    if (this.state.status === 'loading') await this.client?.cancelLoad();
  }

  /** Forget every cached model download. */
  async clearCache(): Promise<boolean> {
    return clearModelCache();
  }

  private enqueue(what: string, run: (client: PolicyClient) => Promise<PolicyInfo>): Promise<boolean> {
    const next = this.loading.then(() => this.loadNow(what, run));
    this.loading = next;
    return next;
  }

  private async loadNow(what: string, run: (client: PolicyClient) => Promise<PolicyInfo>): Promise<boolean> {
    const previous = this.state.info ? 'ready' : 'none';
    this.store.set({ status: 'loading', url: what, error: null, progress: null });
    this.client ??= this.makeClient();
    try {
      const info = await run(this.client);
      this.observer?.setPolicyCameras(info.manifest.cameras);
      // A new model starts from its own noise scale.
      this.store.set({ status: 'ready', info, error: null, progress: null, lastLoad: this.state.progress, noiseScale: null, noiseScaleError: null });
      return true;
    } catch (e) {
      const cancelled = e instanceof Error && 'kind' in e && e.kind === 'DownloadCancelled';
      const message = e instanceof Error ? e.message : String(e);
      const error = cancelled ? `Loading ${what} was cancelled.` : `Could not load ${what}: ${message}`;
      // The worker kept the previous model: the app keeps using it.
      this.store.set({ status: previous === 'ready' ? 'ready' : 'error', error, url: this.state.info?.source ?? what, progress: null });
      return false;
    }
  }

  setOptions(patch: Partial<PolicyLoopOptions>): void {
    this.store.set({ options: { ...this.state.options, ...patch } });
  }

  /** Override the flow head's noise scale (null: back to the model's); takes effect from the next chunk. */
  setNoiseScale(scale: number | null): boolean {
    if (scale !== null) {
      try {
        checkNoiseScale(scale);
      } catch (e) {
        this.store.set({ noiseScaleError: e instanceof Error ? e.message : String(e) });
        return false;
      }
    }
    this.store.set({ noiseScale: scale, noiseScaleError: null });
    return true;
  }

  /** Run the loaded policy on the session's current task, driving the sim arm through the Robot interface. */
  async run(): Promise<boolean> {
    const info = this.state.info;
    const client = this.client;
    const observer = this.observer;
    if (!info || !client || !observer || this.state.status !== 'ready') return false;
    const instruction = this.session.state.instruction;
    // The loop ticks at the policy's own control rate.
    this.session.world.setControlHz(info.manifest.control_hz);
    const robot = makeRobot({ type: 'sim', world: this.session.world, limits: defaultSimLimits(info.manifest.control_hz) });
    await robot.connect();
    const loop = new PolicyLoop(
      {
        observe: () => ({ images: observer.observe(), state: this.session.world.jointState() }),
        infer: async (obs, seed) => {
          const r = await client.infer(obs.images, obs.state, instruction, seed, this.state.noiseScale === null ? {} : { noiseScale: this.state.noiseScale });
          return { ...r, timings: { ...r.timings } };
        },
        robot,
      },
      this.state.options,
    );
    if (!this.session.runPolicy(loop)) return false;
    this.loop = loop;
    this.startHud();
    return true;
  }

  /** Latencies (ms) of one stage over the last policy run, for the histogram (empty before any run). */
  latencies(stage: string): readonly number[] {
    return this.loop?.history(stage) ?? [];
  }

  private startHud(): void {
    if (this.hudTimer) clearInterval(this.hudTimer);
    const publish = () => {
      if (this.loop) this.store.set({ hud: this.loop.stats(this.session.currentTick) });
      if (this.session.state.driver !== 'policy' && this.hudTimer) {
        clearInterval(this.hudTimer);
        this.hudTimer = null;
      }
    };
    this.hudTimer = setInterval(publish, HUD_PERIOD);
    publish();
  }

  dispose(): void {
    if (this.hudTimer) clearInterval(this.hudTimer);
    this.client?.dispose();
  }
}
