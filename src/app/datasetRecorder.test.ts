import { afterEach, describe, expect, it } from 'vitest';
import { unsupportedVideoEncoder } from '../dataset/datasetFixtures';
import { readEpisodeFrames, readLeRobotDataset } from '../dataset/lerobotRead';
import { instructionToTask } from '../sim/instructions';
import { generateEpisode } from '../sim/tasks';
import { DatasetRecorder, type FrameSource } from './datasetRecorder';
import { Session } from './session';

/** Camera frames as a test double: an 8×8 image whose red channel counts frames (the real one renders). */
function countingSource(): FrameSource & { frames: number } {
  const src = {
    frames: 0,
    cameraList: () => [{ name: 'front', width: 8, height: 8 }],
    observe: () => {
      src.frames++;
      return { front: new Uint8Array(8 * 8 * 4).fill(src.frames % 256) };
    },
  };
  return src;
}

let session: Session | null = null;
afterEach(() => {
  session?.dispose();
  session = null;
});

const PERIOD = 1 / 20 + 1e-9;

async function recordExpert(s: Session, maxTicks = 400): Promise<number> {
  expect(s.runExpert()).toBe(true);
  let ticks = 0;
  while (s.state.status === 'running' && ticks < maxTicks) ticks += s.advance(PERIOD);
  return ticks;
}

describe('DatasetRecorder', () => {
  it('records each expert run as an episode at the control rate and exports a dataset that reads back', async () => {
    session = await Session.create(3, 'pick');
    const src = countingSource();
    const rec = new DatasetRecorder(session, () => src);
    session.advance(PERIOD); // idle ticks before Record are not recorded
    rec.start();
    session.advance(PERIOD); // nor idle ticks after it
    const first = await recordExpert(session);
    expect(session.state.status).toBe('success');
    await session.reset(4, 'pick');
    const second = await recordExpert(session);
    rec.stop();
    expect(rec.state).toMatchObject({ recording: false, episodes: 2, frames: first + second, current: 0 });
    expect(rec.recorded.map((e) => e.length)).toEqual([first, second]);
    expect(src.frames).toBe(first + second);

    const zip = await rec.exportZip({ encodeVideo: unsupportedVideoEncoder });
    expect(zip).not.toBeNull();
    expect(rec.state.message).toMatch(new RegExp(`Exported 2 episodes, ${first + second} frames \\(PNG frames\\)`));
    const ds = await readLeRobotDataset(zip as Uint8Array);
    expect(ds.info.fps).toBe(20);
    expect(ds.episodes.map((e) => e.length)).toEqual([first, second]);
    const ep0 = await readEpisodeFrames(ds, 0);
    expect(ep0.timestamps[1]).toBeCloseTo(1 / 20, 6);
    // Frame 0's state is the arm before the first action; its action is what the expert commanded.
    expect(ep0.state[0]).toBeCloseTo(rec.recorded[0].state[0], 4);
    expect(Array.from(ep0.action.subarray(0, 6))).toEqual(Array.from(rec.recorded[0].action.subarray(0, 6)));
  });

  it('says so when there is nothing to export, and ends an episode when recording stops mid-run', async () => {
    session = await Session.create(3, 'pick');
    const rec = new DatasetRecorder(session, () => null);
    expect(await rec.exportZip()).toBeNull();
    expect(rec.state.error).toMatch(/Nothing recorded yet/);
    rec.start();
    session.runExpert();
    for (let i = 0; i < 10; i++) session.advance(PERIOD);
    rec.stop();
    expect(rec.recorded.map((e) => e.length)).toEqual([10]);
    expect(rec.recorded[0].task).toBe(session.state.instruction);
  });

  it('stamps each episode with the seed and family its scene was built from', async () => {
    session = await Session.create(3, 'pick');
    const rec = new DatasetRecorder(session, () => null);
    rec.start();
    await recordExpert(session, 20);
    await session.reset(8, 'place');
    // An instruction of another family changes the task, not the layout: the scene stays (8, place).
    const push = generateEpisode(8, 'push').instruction;
    expect(instructionToTask(push, session.world.spec).ok).toBe(true);
    session.setInstruction(push);
    expect(session.state.family).toBe('push');
    await recordExpert(session, 20);
    rec.stop();
    expect(rec.recorded.map((e) => e.scene)).toEqual([
      { seed: 3, family: 'pick' },
      { seed: 8, family: 'place' },
    ]);
    expect(rec.recorded[1].task).toBe(push);
  });

  it('ends an episode at a reset, so none spans two scenes, and starts the next from the new world', async () => {
    session = await Session.create(3, 'pick');
    const rec = new DatasetRecorder(session, () => null);
    rec.start();
    session.setKeys(['q']);
    for (let i = 0; i < 5; i++) session.advance(PERIOD);
    await session.reset(4, 'pick');
    // The reset puts the arm's targets back home: that is not the arm moving, so nothing is recorded for it.
    session.setKeys([]);
    session.advance(PERIOD);
    expect(rec.state).toMatchObject({ episodes: 1, current: 0 });
    const home = session.world.jointState();
    session.setKeys(['q']);
    for (let i = 0; i < 4; i++) session.advance(PERIOD);
    rec.stop();
    expect(rec.recorded.map((e) => [e.length, e.scene])).toEqual([
      [5, { seed: 3, family: 'pick' }],
      [4, { seed: 4, family: 'pick' }],
    ]);
    // Frame 0 of the second episode is the arm in the new world, not the last state of the old one.
    Array.from(rec.recorded[1].state.subarray(0, 6)).forEach((v, j) => {
      expect(v).toBeCloseTo(home[j], 4);
    });
  });
});
