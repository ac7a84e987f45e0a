/**
 * Replays a recorded episode of a LeRobot dataset in the sim: its actions are fed to the arm, one per control
 * tick at the dataset's rate, as targets from outside (the same path a real leader arm uses).
 */
import { type LeRobotDatasetContents, readEpisodeFrames, readLeRobotDataset } from '../dataset/lerobotRead';
import { NUM_JOINTS } from '../dataset/layout';
import type { Session } from './session';
import { Store } from './store';

export interface ReplayState {
  /** Episodes of the loaded dataset: index, length, task. */
  episodes: { index: number; length: number; task: string }[];
  label: string | null;
  playing: { episode: number; frame: number; length: number } | null;
  error: string | null;
}

export class DatasetReplay {
  readonly store = new Store<ReplayState>({ episodes: [], label: null, playing: null, error: null });
  private ds: LeRobotDatasetContents | null = null;
  private off: (() => void) | null = null;

  constructor(private readonly session: Session) {}

  get state(): ReplayState {
    return this.store.get();
  }

  async load(zip: Uint8Array, label: string): Promise<boolean> {
    this.stop();
    try {
      const ds = await readLeRobotDataset(zip);
      const action = ds.info.features.action;
      if (!action || action.shape[0] !== NUM_JOINTS) throw new Error(`its actions have ${action?.shape[0] ?? 'no'} values per frame; the SO-101 needs ${NUM_JOINTS}`);
      this.ds = ds;
      this.store.set({ label, error: null, episodes: ds.episodes.map((e) => ({ index: e.episodeIndex, length: e.length, task: e.tasks[0] ?? '' })) });
      return true;
    } catch (e) {
      this.store.set({ error: `Could not open ${label} as a LeRobot dataset: ${e instanceof Error ? e.message : String(e)}` });
      return false;
    }
  }

  async play(episode: number): Promise<boolean> {
    if (!this.ds) return false;
    this.stop();
    const frames = await readEpisodeFrames(this.ds, episode);
    if (frames.fps < 1 || frames.fps > 200) {
      this.store.set({ error: `the dataset's rate (${frames.fps} fps) cannot be replayed` });
      return false;
    }
    this.session.stop();
    this.session.world.setControlHz(frames.fps);
    const at = (i: number) => frames.action.subarray(i * frames.dim, (i + 1) * frames.dim);
    let i = 0;
    this.session.setExternalTargets(at(0));
    this.store.set({ playing: { episode, frame: 0, length: frames.length }, error: null });
    this.off = this.session.onControlTick(() => {
      i++;
      if (i >= frames.length) {
        this.stop();
        return;
      }
      this.session.setExternalTargets(at(i));
      this.store.set({ playing: { episode, frame: i, length: frames.length } });
    });
    return true;
  }

  stop(): void {
    if (!this.off) return;
    this.off();
    this.off = null;
    this.session.setExternalTargets(null);
    this.store.set({ playing: null });
  }
}
