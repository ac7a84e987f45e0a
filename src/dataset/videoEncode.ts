/**
 * Camera frames → one H.264 MP4 per camera, encoded in the browser with WebCodecs and muxed by mp4-muxer.
 * The exporter takes the encoder as a parameter (EncodeVideo), so tests and browsers without WebCodecs can
 * substitute another; when encoding is impossible it throws VideoUnsupportedError and the exporter stores
 * image frames instead.
 */
import { ArrayBufferTarget, Muxer } from 'mp4-muxer';

export class VideoUnsupportedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VideoUnsupportedError';
  }
}

export interface VideoInput {
  width: number;
  height: number;
  fps: number;
  /** RGB frames (width·height·3 bytes, top row first), all episodes back to back. */
  frames: readonly Uint8Array[];
  /** Frame indices that must be key frames: each episode's first frame, so a reader can seek to it exactly. */
  keyFrames: readonly number[];
}

export interface EncodedVideo {
  bytes: Uint8Array;
  /** Codec and pixel format as LeRobot's info.json names them (ffprobe names): h264, yuv420p. */
  codec: string;
  pixFmt: string;
}

export type EncodeVideo = (input: VideoInput) => Promise<EncodedVideo>;

/**
 * H.264 profiles to try, most compatible first: Constrained Baseline 3.1 covers up to 1280×720, High 4.0 up to
 * 2048×1024, High 5.1 beyond. Any H.264 decoder (ffmpeg/torchcodec in LeRobot, every browser) reads them.
 */
const AVC_CODECS = ['avc1.42e01f', 'avc1.640028', 'avc1.640033'] as const;

/** Bits per pixel per frame; 0.15 keeps small sim renders sharp at a modest size. */
const BITS_PER_PIXEL = 0.15;
/** Frames queued in the encoder before we wait; bounds memory on long recordings. */
const MAX_QUEUE = 16;

function encoderConfig(codec: string, width: number, height: number, fps: number): VideoEncoderConfig {
  return {
    codec,
    width,
    height,
    framerate: fps,
    bitrate: Math.max(200_000, Math.round(width * height * fps * BITS_PER_PIXEL)),
    // length-prefixed NAL units with the decoder configuration out of band, which is what MP4 stores.
    avc: { format: 'avc' },
  };
}

/** Finds an H.264 configuration this browser can encode, or says why there is none. */
export async function findH264Config(width: number, height: number, fps: number): Promise<VideoEncoderConfig> {
  if (typeof globalThis.VideoEncoder === 'undefined' || typeof globalThis.VideoFrame === 'undefined') {
    throw new VideoUnsupportedError('this browser has no WebCodecs VideoEncoder, so videos cannot be encoded here');
  }
  // 4:2:0 chroma subsampling needs even dimensions.
  if (width % 2 !== 0 || height % 2 !== 0) throw new VideoUnsupportedError(`H.264 needs even image sizes; the camera is ${width}×${height}`);
  for (const codec of AVC_CODECS) {
    const config = encoderConfig(codec, width, height, fps);
    try {
      const support = await VideoEncoder.isConfigSupported(config);
      if (support.supported) return support.config ?? config;
    } catch {
      // A malformed or unknown config throws instead of answering "unsupported"; try the next.
    }
  }
  throw new VideoUnsupportedError(`this browser cannot encode H.264 at ${width}×${height}, ${fps} fps`);
}

/** Whether findH264Config would succeed: lets the UI say up front that images will be exported instead. */
export async function h264Support(width: number, height: number, fps: number): Promise<{ supported: true } | { supported: false; reason: string }> {
  try {
    await findH264Config(width, height, fps);
    return { supported: true };
  } catch (e) {
    if (e instanceof VideoUnsupportedError) return { supported: false, reason: e.message };
    throw e;
  }
}

function waitTick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The real encoder: WebCodecs H.264 at constant frame rate, frame i at i/fps seconds, muxed with fast start. */
export const encodeMp4WithWebCodecs: EncodeVideo = async ({ width, height, fps, frames, keyFrames }) => {
  const config = await findH264Config(width, height, fps);
  const px = width * height;
  for (let i = 0; i < frames.length; i++) {
    if (frames[i].length !== px * 3) throw new Error(`video frame ${i} has ${frames[i].length} bytes, expected ${px * 3} (RGB ${width}×${height})`);
  }
  const target = new ArrayBufferTarget();
  const muxer = new Muxer({ target, video: { codec: 'avc', width, height, frameRate: fps }, fastStart: 'in-memory' });
  let failure: unknown = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => muxer.addVideoChunk(chunk, meta),
    error: (e) => {
      failure = e;
    },
  });
  try {
    encoder.configure(config);
    const key = new Set(keyFrames);
    const rgbx = new Uint8Array(px * 4);
    const frameUs = 1e6 / fps;
    for (let i = 0; i < frames.length; i++) {
      const rgb = frames[i];
      for (let p = 0; p < px; p++) {
        rgbx[p * 4] = rgb[p * 3];
        rgbx[p * 4 + 1] = rgb[p * 3 + 1];
        rgbx[p * 4 + 2] = rgb[p * 3 + 2];
        rgbx[p * 4 + 3] = 255;
      }
      // VideoFrame copies the pixels, so one scratch buffer serves every frame.
      const frame = new VideoFrame(rgbx, {
        format: 'RGBX',
        codedWidth: width,
        codedHeight: height,
        timestamp: Math.round(i * frameUs),
        duration: Math.round(frameUs),
      });
      encoder.encode(frame, { keyFrame: i === 0 || key.has(i) });
      frame.close();
      while (encoder.encodeQueueSize > MAX_QUEUE && !failure) await waitTick();
      if (failure) break;
    }
    if (!failure) await encoder.flush();
  } finally {
    if (encoder.state !== 'closed') encoder.close();
  }
  if (failure) throw new Error(`video encoding failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  muxer.finalize();
  return { bytes: new Uint8Array(target.buffer), codec: 'h264', pixFmt: 'yuv420p' };
};
