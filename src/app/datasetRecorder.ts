/**
 * Records demonstrations from the playground at the control rate — the expert, a policy, the keyboard or a
 * real leader arm — and exports them as a LeRobotDataset v3.0 zip. A tick is recorded while a run is going or
 * while something moves the arm's targets; an episode ends when its run ends, the scene is reset, or recording
 * stops. Each episode carries the seed and family its scene was built from, so replay can rebuild it.
 */
import { EpisodeRecorder, type CameraSpec, type RecordedEpisode } from '../dataset/recording';
import { exportLeRobotDataset, type ExportOptions } from '../dataset/lerobotExport';
import { zipDataset } from '../dataset/zipDataset';
import type { ControlTickInfo, Session } from './session';
import { Store } from './store';

/** The policy cameras as the recorder sees them: what they are and what they show now (RGBA). */
export interface FrameSource {
  cameraList(): readonly CameraSpec[];
  observe(): Record<string, Uint8Array>;
}

export interface RecorderState {
  recording: boolean;
  /** Finished episodes kept for export. */
  episodes: number;
  frames: number;
  /** Frames of the episode being recorded (0 when none). */
  current: number;
  exporting: boolean;
  message: string | null;
  error: string | null;
}

export class DatasetRecorder {
  readonly store = new Store<RecorderState>({ recording: false, episodes: 0, frames: 0, current: 0, exporting: false, message: null, error: null });
  private readonly episodes: RecordedEpisode[] = [];
  private episode: EpisodeRecorder | null = null;
  private off: (() => void) | null = null;
  private offReset: (() => void) | null = null;
  private sceneVersion = -1;
  private lastState: number[] | null = null;
  private lastTargets: number[] | null = null;
  private wasRunning = false;

  constructor(
    private readonly session: Session,
    private readonly source: () => FrameSource | null,
  ) {}

  get state(): RecorderState {
    return this.store.get();
  }

  get recorded(): readonly RecordedEpisode[] {
    return this.episodes;
  }

  start(): void {
    if (this.off) return;
    this.baseline();
    this.off = this.session.onControlTick((info) => this.onTick(info));
    // An episode belongs to one scene: a reset ends it, and the next one compares against the new world only.
    this.offReset = this.session.store.subscribe(() => {
      if (this.session.state.sceneVersion === this.sceneVersion) return;
      this.endEpisode();
      this.baseline();
    });
    this.store.set({ recording: true, message: null, error: null });
  }

  stop(): void {
    this.unsubscribe();
    this.endEpisode();
    this.store.set({ recording: false });
  }

  private unsubscribe(): void {
    this.off?.();
    this.off = null;
    this.offReset?.();
    this.offReset = null;
  }

  /** The world as it is now is what the next tick is compared with. */
  private baseline(): void {
    this.sceneVersion = this.session.state.sceneVersion;
    this.lastState = this.session.world.jointState();
    this.lastTargets = this.session.world.jointTargets();
    this.wasRunning = false;
  }

  clear(): void {
    this.episodes.length = 0;
    this.store.set({ episodes: 0, frames: 0, message: null, error: null });
  }

  private onTick(info: ControlTickInfo): void {
    const running = this.session.state.status === 'running';
    const moved = this.lastTargets !== null && info.targets.some((v, i) => Math.abs(v - (this.lastTargets?.[i] ?? v)) > 1e-6);
    // The tick that ended a run (success, timeout, stop) still carried that run's action: record it too.
    if (running || this.wasRunning || moved) {
      try {
        this.record(info);
      } catch (e) {
        // A frame the recorder refuses (a NaN, a full episode) ends recording with the reason; nothing else stops.
        this.episode = null;
        this.unsubscribe();
        this.store.set({ recording: false, current: 0, error: `Recording stopped: ${e instanceof Error ? e.message : String(e)}` });
        return;
      }
    }
    if (this.wasRunning && !running) this.endEpisode();
    this.wasRunning = running;
    this.lastState = info.state;
    this.lastTargets = info.targets;
  }

  private record(info: ControlTickInfo): void {
    const src = this.source();
    if (!this.episode) {
      const fps = this.session.world.config.controlHz;
      // The scene the world was built from, so replay can rebuild the layout this episode's actions were made in.
      const scene = this.session.scene;
      this.episode = new EpisodeRecorder({ fps, task: this.session.state.instruction || 'teleoperation', cameras: src?.cameraList() ?? [], scene });
    }
    // LeRobot's convention: the state the action was chosen from, and the action commanded at that tick.
    const n = this.episode.add({ state: this.lastState ?? info.state, action: info.targets, images: src?.observe() });
    this.store.set({ current: n });
  }

  private endEpisode(): void {
    const ep = this.episode;
    this.episode = null;
    if (!ep || ep.length === 0) return;
    const done = ep.finish();
    this.episodes.push(done);
    this.store.set({ episodes: this.episodes.length, frames: this.state.frames + done.length, current: 0 });
  }

  /** The recorded episodes as a LeRobotDataset v3.0 zip; says when videos fell back to image frames. */
  async exportZip(options: ExportOptions = {}): Promise<Uint8Array | null> {
    if (this.episodes.length === 0) {
      this.store.set({ error: 'Nothing recorded yet: turn on Record and run the expert, a policy or the keyboard.' });
      return null;
    }
    this.store.set({ exporting: true, error: null, message: null });
    try {
      const r = await exportLeRobotDataset(this.episodes, options);
      const zip = zipDataset(r.files);
      const how = r.cameraStorage === 'video' ? 'MP4 videos' : r.cameraStorage === 'image' ? 'PNG frames' : 'no cameras';
      this.store.set({ message: `Exported ${r.info.total_episodes} episodes, ${r.info.total_frames} frames (${how}).${r.videoFallbackReason ? ` ${r.videoFallbackReason}.` : ''}` });
      return zip;
    } catch (e) {
      this.store.set({ error: `Export failed: ${e instanceof Error ? e.message : String(e)}` });
      return null;
    } finally {
      this.store.set({ exporting: false });
    }
  }
}
