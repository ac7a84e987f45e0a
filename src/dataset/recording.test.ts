import { describe, expect, it } from 'vitest';
import { EpisodeRecorder, RecordingError, validateEpisode } from './recording';

const cam = { name: 'front', width: 2, height: 2 };
const good = () => ({ state: [1, 2, 3, 4, 5, 60], action: [1.5, 2, 3, 4, 5, 70], images: { front: new Uint8Array(12).fill(9) } });

describe('EpisodeRecorder', () => {
  it('records frames in order, as float32 state/action and RGB images', () => {
    const rec = new EpisodeRecorder({ fps: 10, task: 'pick up the red cube', cameras: [cam] });
    expect(rec.add(good())).toBe(0);
    const rgba = new Uint8Array(16);
    for (let i = 0; i < 16; i++) rgba[i] = i;
    expect(rec.add({ state: [0.1, 0, 0, 0, 0, 0], action: [0, 0, 0, 0, 0, 100], images: { front: rgba } })).toBe(1);
    const ep = rec.finish();
    expect(ep.length).toBe(2);
    expect(ep.fps).toBe(10);
    expect(ep.task).toBe('pick up the red cube');
    expect(Array.from(ep.state)).toEqual([1, 2, 3, 4, 5, 60, Math.fround(0.1), 0, 0, 0, 0, 0]);
    expect(Array.from(ep.action.subarray(6))).toEqual([0, 0, 0, 0, 0, 100]);
    // RGBA input loses its alpha channel.
    expect(Array.from(ep.images.front[1])).toEqual([0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14]);
    expect(() => validateEpisode(ep)).not.toThrow();
  });

  it('copies image buffers, so a reused render target does not rewrite history', () => {
    const rec = new EpisodeRecorder({ fps: 10, task: 't', cameras: [cam] });
    const frame = good();
    rec.add(frame);
    frame.images.front.fill(200);
    rec.add(frame);
    const ep = rec.finish();
    expect(ep.images.front[0][0]).toBe(9);
    expect(ep.images.front[1][0]).toBe(200);
  });

  it('grows past its initial capacity', () => {
    const rec = new EpisodeRecorder({ fps: 30, task: 't' });
    for (let k = 0; k < 200; k++) rec.add({ state: [k, 0, 0, 0, 0, 0], action: [0, 0, 0, 0, 0, k] });
    const ep = rec.finish();
    expect(ep.length).toBe(200);
    expect(ep.state[199 * 6]).toBe(199);
    expect(ep.action[199 * 6 + 5]).toBe(199);
  });

  it('rejects NaN, infinities and wrong shapes with the frame, feature and joint named', () => {
    const rec = new EpisodeRecorder({ fps: 10, task: 't', cameras: [cam] });
    rec.add(good());
    expect(() => rec.add({ ...good(), state: [1, 2, Number.NaN, 4, 5, 6] })).toThrow(/frame 1: observation\.state\[2\] \(elbow_flex\.pos\) is NaN/);
    expect(() => rec.add({ ...good(), action: [1, 2, 3, 4, 5, Number.POSITIVE_INFINITY] })).toThrow(/action\[5\] \(gripper\.pos\) is Infinity/);
    expect(() => rec.add({ ...good(), action: [1, 2, 3, 4, 5, 1e300] })).toThrow(/does not fit in float32/);
    expect(() => rec.add({ ...good(), action: [1, 2, 3] })).toThrow(/action must have 6 values .* got 3/);
    expect(() => rec.add({ ...good(), images: {} })).toThrow(/missing image from camera "front"/);
    expect(() => rec.add({ ...good(), images: { front: new Uint8Array(13) } })).toThrow(/13 bytes; 2×2 needs 12 \(RGB\) or 16 \(RGBA\)/);
    expect(() => rec.add({ ...good(), images: { front: new Uint8Array(12), side: new Uint8Array(12) } })).toThrow(/unknown camera "side"/);
    // Rejected frames leave no trace.
    expect(rec.length).toBe(1);
    expect(rec.finish().state.length).toBe(6);
  });

  it('rejects bad settings, empty episodes and frames after finish', () => {
    expect(() => new EpisodeRecorder({ fps: 29.97, task: 't' })).toThrow(RecordingError);
    expect(() => new EpisodeRecorder({ fps: 30, task: '  ' })).toThrow(/task/);
    expect(() => new EpisodeRecorder({ fps: 30, task: 't', cameras: [cam, cam] })).toThrow(/listed twice/);
    expect(() => new EpisodeRecorder({ fps: 30, task: 't', cameras: [{ name: 'a/b', width: 2, height: 2 }] })).toThrow(/camera name/);
    expect(() => new EpisodeRecorder({ fps: 30, task: 't' }).finish()).toThrow(/no frames/);
    const rec = new EpisodeRecorder({ fps: 30, task: 't', maxFrames: 1 });
    rec.add({ state: [0, 0, 0, 0, 0, 0], action: [0, 0, 0, 0, 0, 0] });
    expect(() => rec.add({ state: [0, 0, 0, 0, 0, 0], action: [0, 0, 0, 0, 0, 0] })).toThrow(/full/);
    rec.finish();
    expect(() => rec.add({ state: [0, 0, 0, 0, 0, 0], action: [0, 0, 0, 0, 0, 0] })).toThrow(/finished/);
  });

  it('validateEpisode catches hand-built episodes that disagree with themselves', () => {
    const rec = new EpisodeRecorder({ fps: 10, task: 't', cameras: [cam] });
    rec.add(good());
    const ep = rec.finish();
    expect(() => validateEpisode({ ...ep, length: 2 })).toThrow(/observation\.state has 6 values, expected 2×6/);
    const nan = ep.action.slice();
    nan[3] = Number.NaN;
    expect(() => validateEpisode({ ...ep, action: nan }, 'episode 4')).toThrow(/episode 4: action frame 0 \[3\] is NaN/);
    expect(() => validateEpisode({ ...ep, images: { front: [] } })).toThrow(/camera "front" has 0 frames, expected 1/);
  });
});
