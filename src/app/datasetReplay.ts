/**
 * Replays a recorded episode of a LeRobot dataset in the sim: its actions are fed to the arm, one per control
 * tick at the dataset's rate, as targets from outside (the same path a real leader arm uses). An episode that
 * says which scene it was recorded in is replayed in that scene, rebuilt with the session's reset, so the arm
 * meets the objects it met when recorded; any other replays in the current scene, and the message says so.
 */
import { type EpisodeFrames, type LeRobotDatasetContents, readEpisodeFrames, readLeRobotDataset, type StoredScene } from '../dataset/lerobotRead';
import { NUM_JOINTS } from '../dataset/layout';
import { instructionToTask } from '../sim/instructions';
import { replayScene } from './replayScene';
import type { Session } from './session';
import { Store } from './store';

export interface ReplayState {
  /** Episodes of the loaded dataset: index, length, task. */
  episodes: { index: number; length: number; task: string }[];
  label: string | null;
  playing: { episode: number; frame: number; length: number } | null;
  /** Which scene the last replay ran in, in words; kept after it ends. */
  message: string | null;
  /** False when the last replay could not use its recorded scene (the message says why). */
  inRecordedScene: boolean | null;
  error: string | null;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export class DatasetReplay {
  readonly store = new Store<ReplayState>({ episodes: [], label: null, playing: null, message: null, inRecordedScene: null, error: null });
  private ds: LeRobotDatasetContents | null = null;
  private off: (() => void) | null = null;
  /** Bumped by every play and stop, so a play still awaiting its frames or its scene gives up when overtaken. */
  private run = 0;

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
      this.store.set({
        label,
        error: null,
        message: null,
        inRecordedScene: null,
        episodes: ds.episodes.map((e) => ({ index: e.episodeIndex, length: e.length, task: e.tasks[0] ?? '' })),
      });
      return true;
    } catch (e) {
      this.store.set({ error: `Could not open ${label} as a LeRobot dataset: ${errorText(e)}` });
      return false;
    }
  }

  async play(episode: number): Promise<boolean> {
    const ds = this.ds;
    if (!ds) return false;
    this.stop();
    const run = ++this.run;
    let frames: EpisodeFrames;
    try {
      frames = await readEpisodeFrames(ds, episode);
    } catch (e) {
      if (run === this.run) this.store.set({ error: `Cannot replay episode ${episode}: ${errorText(e)}` });
      return false;
    }
    if (run !== this.run) return false;
    if (frames.fps < 1 || frames.fps > 200) {
      this.store.set({ error: `the dataset's rate (${frames.fps} fps) cannot be replayed` });
      return false;
    }
    const where = await this.enterScene(ds.episodes[episode].scene, frames.tasks[0]);
    if (run !== this.run) return false;
    this.session.stop();
    this.session.world.setControlHz(frames.fps);
    const at = (i: number) => frames.action.subarray(i * frames.dim, (i + 1) * frames.dim);
    let i = 0;
    this.session.setExternalTargets(at(0));
    this.store.set({ playing: { episode, frame: 0, length: frames.length }, error: null, ...where });
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
    this.run++;
    if (!this.off) return;
    this.off();
    this.off = null;
    this.session.setExternalTargets(null);
    this.store.set({ playing: null });
  }

  /** Resets the session to the episode's recorded scene when it has a usable one; says where the replay runs. */
  private async enterScene(stored: StoredScene | null, task: string | undefined): Promise<Pick<ReplayState, 'message' | 'inRecordedScene'>> {
    const r = replayScene(stored);
    const here = (why: string) => ({ message: `${why}; replaying in the current one.`, inRecordedScene: false });
    if (!r.ok) return here(r.reason[0].toUpperCase() + r.reason.slice(1));
    const { seed, family } = r.scene;
    try {
      await this.session.reset(seed, family);
    } catch (e) {
      return here(`Could not rebuild the recorded scene (seed ${seed}, ${family}): ${errorText(e)}`);
    }
    // Show the instruction that was recorded, when this scene understands it (a keyboard episode's may not).
    if (task && task !== this.session.state.instruction && instructionToTask(task, this.session.world.spec).ok) this.session.setInstruction(task);
    return { message: `Replaying in the scene it was recorded in: seed ${seed}, ${family}.`, inRecordedScene: true };
  }
}
