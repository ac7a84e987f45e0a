import { afterEach, describe, expect, it } from 'vitest';
import { syntheticEpisode } from '../dataset/datasetFixtures';
import { exportLeRobotDataset } from '../dataset/lerobotExport';
import { zipDataset } from '../dataset/zipDataset';
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
