import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { syntheticEpisode } from '../dataset/datasetFixtures';
import { exportLeRobotDataset } from '../dataset/lerobotExport';
import type { RecordedEpisode } from '../dataset/recording';
import { zipDataset } from '../dataset/zipDataset';
import { TaskMonitor, type TaskFamily } from '../sim/tasks';
import { DatasetRecorder } from './datasetRecorder';
import { DatasetReplay } from './datasetReplay';
import { Session } from './session';

let session: Session | null = null;
afterEach(() => {
  session?.dispose();
  session = null;
});

describe('DatasetReplay', () => {
  it('feeds an episode’s actions to the arm, one per control tick, then lets go', async () => {
    session = await Session.create(0, 'pick');
    const ep = syntheticEpisode(1, 30, 'wave', 20, []);
    // A slow pan sweep the servo can follow.
    for (let i = 0; i < ep.length; i++) ep.action.set([i * 0.5, -30, 40, 70, 0, 30], i * 6);
    const { files } = await exportLeRobotDataset([ep], { cameraStorage: 'image' });
    const replay = new DatasetReplay(session);
    expect(await replay.load(zipDataset(files), 'wave.zip')).toBe(true);
    expect(replay.state.episodes).toEqual([{ index: 0, length: 30, task: 'wave' }]);
    expect(await replay.play(0)).toBe(true);
    const seen: number[] = [];
    const off = session.onControlTick((t) => seen.push(t.targets[0]));
    for (let i = 0; i < 40; i++) session.advance(1 / 20 + 1e-9);
    off();
    // Tick k commanded action k (within the safety-free sim servo target), and the replay ended after 30.
    expect(seen.slice(0, 30).map((v) => Math.round(v * 2) / 2)).toEqual(Array.from({ length: 30 }, (_, i) => i * 0.5));
    expect(replay.state.playing).toBeNull();
  });

  it('refuses something that is not a dataset, with the reason', async () => {
    session = await Session.create(0, 'pick');
    const replay = new DatasetReplay(session);
    expect(await replay.load(new TextEncoder().encode('hello'), 'notes.txt')).toBe(false);
    expect(replay.state.error).toMatch(/Could not open notes.txt as a LeRobot dataset: .*not a zip/);
  });
});

const PERIOD = 1 / 20 + 1e-9;

/** One expert run to success in a fresh scene, recorded as the app records it (no cameras). */
async function recordExpertEpisode(seed: number, family: TaskFamily): Promise<RecordedEpisode> {
  const s = await Session.create(seed, family);
  try {
    const rec = new DatasetRecorder(s, () => null);
    rec.start();
    expect(s.runExpert()).toBe(true);
    for (let t = 0; s.state.status === 'running' && t < 400; t++) s.advance(PERIOD);
    expect(s.state.status).toBe('success');
    rec.stop();
    return rec.recorded[0];
  } finally {
    s.dispose();
  }
}

async function datasetOf(ep: RecordedEpisode): Promise<Uint8Array> {
  return zipDataset((await exportLeRobotDataset([ep])).files);
}

describe('DatasetReplay in the recorded scene', () => {
  let recorded: RecordedEpisode;
  beforeAll(async () => {
    recorded = await recordExpertEpisode(3, 'pick');
    expect(recorded.scene).toEqual({ seed: 3, family: 'pick' });
  });

  it('resets to the scene an expert episode was recorded in, and the replay succeeds at its task', async () => {
    session = await Session.create(9, 'place');
    const replay = new DatasetReplay(session);
    expect(await replay.load(await datasetOf(recorded), 'expert.zip')).toBe(true);
    expect(await replay.play(0)).toBe(true);
    expect(session.scene).toEqual({ seed: 3, family: 'pick' });
    expect(session.state.instruction).toBe(recorded.task);
    expect(replay.state).toMatchObject({ message: 'Replaying in the scene it was recorded in: seed 3, pick.', inRecordedScene: true, error: null });
    const task = session.state.task;
    expect(task).not.toBeNull();
    const monitor = new TaskMonitor(task!, session.world.spec);
    const states: number[][] = [];
    const off = session.onControlTick((t) => {
      states.push(t.state);
      monitor.update(session!.world, 1 / 20);
    });
    while (replay.state.playing) session.advance(PERIOD);
    off();
    expect(states).toHaveLength(recorded.length);
    // Same seed, same actions: the arm retraces the recording (state k+1 is the state after tick k). Actions
    // went through float32; the jaw, a dynamic body squeezing the object, feels that in hundredths of a unit.
    const worst = [0, 0, 0, 0, 0, 0];
    for (let k = 0; k + 1 < recorded.length; k++) {
      states[k].forEach((v, j) => {
        worst[j] = Math.max(worst[j], Math.abs(v - recorded.state[(k + 1) * 6 + j]));
      });
    }
    expect(Math.max(...worst.slice(0, 5))).toBeLessThan(1e-3);
    expect(worst[5]).toBeLessThan(0.1);
    expect(monitor.status).toBe('success');
    // The message stays after the replay ends, so it can be read.
    expect(replay.state.message).toMatch(/seed 3, pick/);
  });

  it('replays a dataset that does not say its scene in the current one, and says so', async () => {
    session = await Session.create(9, 'place');
    const { scene: _, ...bare } = recorded;
    const replay = new DatasetReplay(session);
    expect(await replay.load(await datasetOf(bare), 'other.zip')).toBe(true);
    expect(await replay.play(0)).toBe(true);
    expect(replay.state).toMatchObject({
      message: 'This dataset does not say which scene the episode was recorded in; replaying in the current one.',
      inRecordedScene: false,
      playing: { episode: 0, frame: 0, length: recorded.length },
    });
    expect(session.scene).toEqual({ seed: 9, family: 'place' });
    const targets: number[][] = [];
    const off = session.onControlTick((t) => targets.push(t.targets));
    while (replay.state.playing) session.advance(PERIOD);
    off();
    // The recorded actions drove the arm, tick by tick, in the scene that was showing.
    expect(targets).toHaveLength(recorded.length);
    expect(targets[10][0]).toBeCloseTo(recorded.action[10 * 6], 3);
    expect(session.scene).toEqual({ seed: 9, family: 'place' });
  });

  it('reports a scene it cannot rebuild and replays in the current one', async () => {
    for (const [scene, reason] of [
      [{ seed: 2 ** 40, family: 'pick' }, `The episode's recorded scene seed ${2 ** 40} is not a whole number from 0 to 2147483647`],
      [{ seed: 3, family: 'juggle' }, 'The episode\'s recorded task family "juggle" is not one of pick, place, push, stack'],
    ] as const) {
      session = await Session.create(9, 'place');
      const replay = new DatasetReplay(session);
      expect(await replay.load(await datasetOf({ ...recorded, scene }), 'odd.zip')).toBe(true);
      expect(await replay.play(0)).toBe(true);
      expect(replay.state).toMatchObject({ message: `${reason}; replaying in the current one.`, inRecordedScene: false, error: null });
      expect(session.scene).toEqual({ seed: 9, family: 'place' });
      session.advance(PERIOD);
      expect(replay.state.playing?.frame).toBe(1);
      replay.stop();
      session.dispose();
      session = null;
    }
  });
});
