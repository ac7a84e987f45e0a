/**
 * Test doubles for the dataset code: deterministic synthetic episodes and a fake video encoder that records
 * what it was given. Not used by the app; the real encoder is videoEncode.ts's WebCodecs one.
 */
import { EpisodeRecorder, type CameraSpec, type RecordedEpisode } from './recording';
import { type EncodeVideo, type VideoInput, VideoUnsupportedError } from './videoEncode';

export const TEST_CAMERAS: readonly CameraSpec[] = [
  { name: 'front', width: 8, height: 6 },
  { name: 'wrist', width: 4, height: 4 },
];

/** A smooth, distinct trajectory per seed; images encode (seed, frame, camera) in their pixels. */
export function syntheticEpisode(seed: number, length: number, task: string, fps = 30, cameras: readonly CameraSpec[] = TEST_CAMERAS): RecordedEpisode {
  const rec = new EpisodeRecorder({ fps, task, cameras });
  for (let k = 0; k < length; k++) {
    const state = [0, 1, 2, 3, 4].map((j) => 40 * Math.sin(0.1 * k + seed + j) + 3.3 * j);
    state.push(50 + 40 * Math.cos(0.2 * k + seed));
    const action = state.map((x, j) => x + 0.5 * Math.sin(k + j + seed));
    const images: Record<string, Uint8Array> = {};
    cameras.forEach((c, ci) => {
      const px = new Uint8Array(c.width * c.height * 3);
      for (let p = 0; p < px.length; p++) px[p] = (seed * 31 + k * 7 + p * 3 + ci * 50) & 0xff;
      images[c.name] = px;
    });
    rec.add({ state, action, images });
  }
  return rec.finish();
}

export interface FakeEncoder {
  encode: EncodeVideo;
  calls: VideoInput[];
}

/** Returns a recognisable byte string per call (not a real MP4) and keeps the inputs for assertions. */
export function fakeVideoEncoder(): FakeEncoder {
  const calls: VideoInput[] = [];
  const encode: EncodeVideo = async (input) => {
    calls.push(input);
    const header = `FAKE-MP4 ${input.width}x${input.height}@${input.fps} frames=${input.frames.length} keys=${input.keyFrames.join(',')}`;
    return { bytes: new TextEncoder().encode(header), codec: 'h264', pixFmt: 'yuv420p' };
  };
  return { encode, calls };
}

/** An encoder that reports what a browser without H.264 encoding would. */
export const unsupportedVideoEncoder: EncodeVideo = async () => {
  throw new VideoUnsupportedError('this browser cannot encode H.264 at 8×6, 30 fps');
};
