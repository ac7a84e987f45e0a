/**
 * The in-memory episode: what the control loop records at its rate, one frame per control tick, before export.
 * State and action are in LeRobot's SO-101 units (body joints in degrees, gripper 0..100, see sim/units.ts);
 * camera frames are RGB bytes, row-major, top row first.
 */
import { CAMERA_NAME, JOINT_NAMES, NUM_JOINTS } from './layout';

export interface CameraSpec {
  /** Feature key becomes `observation.images.<name>` (e.g. front, wrist). */
  name: string;
  width: number;
  height: number;
}

/**
 * The sim scene an episode was recorded in: the seed and task family its layout was generated from. Only
 * WebVLA's sim has one; a real arm's episode has none.
 */
export interface EpisodeScene {
  seed: number;
  family: string;
}

export interface RecordedEpisode {
  /** Control rate the frames were taken at; timestamps are frame_index / fps. */
  fps: number;
  /** The instruction (LeRobot's "task"). */
  task: string;
  cameras: readonly CameraSpec[];
  length: number;
  /** Row-major [length × 6]: `observation.state`, float32 as LeRobot stores it. */
  state: Float32Array;
  /** Row-major [length × 6]: `action`. */
  action: Float32Array;
  /** Per camera name, one RGB frame (width·height·3 bytes) per step. */
  images: Record<string, Uint8Array[]>;
  /** Where the episode was recorded, when it was the sim; replay rebuilds this scene first. */
  scene?: EpisodeScene;
}

export interface FrameInput {
  state: ArrayLike<number>;
  action: ArrayLike<number>;
  /** Per camera name: RGB (w·h·3) or RGBA (w·h·4) bytes; alpha is dropped. The recorder copies them. */
  images?: Record<string, Uint8Array | Uint8ClampedArray>;
}

export class RecordingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingError';
  }
}

export interface RecorderOptions {
  fps: number;
  task: string;
  cameras?: readonly CameraSpec[];
  scene?: EpisodeScene;
  /** Refuse frames past this many, so a forgotten recorder cannot eat the tab's memory. 10 min at 30 Hz. */
  maxFrames?: number;
}

/** Appends one frame per control tick and checks every frame, so a bad value fails where it was made. */
export class EpisodeRecorder {
  readonly fps: number;
  readonly task: string;
  readonly cameras: readonly CameraSpec[];
  readonly scene: EpisodeScene | undefined;
  private readonly maxFrames: number;
  private state = new Float32Array(NUM_JOINTS * 64);
  private action = new Float32Array(NUM_JOINTS * 64);
  private readonly images: Record<string, Uint8Array[]> = {};
  private count = 0;
  private finished = false;

  constructor(options: RecorderOptions) {
    checkFps(options.fps);
    checkTask(options.task);
    const cameras = options.cameras ?? [];
    checkCameras(cameras);
    if (options.scene) checkScene(options.scene);
    this.fps = options.fps;
    this.task = options.task;
    this.cameras = cameras.map((c) => ({ ...c }));
    this.scene = options.scene ? { ...options.scene } : undefined;
    this.maxFrames = options.maxFrames ?? 18_000;
    for (const c of cameras) this.images[c.name] = [];
  }

  get length(): number {
    return this.count;
  }

  /** Records one frame; returns its frame_index. */
  add(frame: FrameInput): number {
    if (this.finished) throw new RecordingError('this episode is finished; start a new EpisodeRecorder');
    const i = this.count;
    if (i >= this.maxFrames) throw new RecordingError(`episode is full: ${this.maxFrames} frames at most`);
    checkVector('observation.state', frame.state, i);
    checkVector('action', frame.action, i);
    const rgb = this.cameras.map((c) => toRgb(c, frame.images?.[c.name], i));
    for (const name of Object.keys(frame.images ?? {})) {
      if (!this.images[name]) throw new RecordingError(`frame ${i}: unknown camera "${name}" (recording ${this.cameraList()})`);
    }
    this.grow(i + 1);
    this.state.set(Array.from(frame.state), i * NUM_JOINTS);
    this.action.set(Array.from(frame.action), i * NUM_JOINTS);
    this.cameras.forEach((c, k) => {
      this.images[c.name].push(rgb[k]);
    });
    this.count = i + 1;
    return i;
  }

  /** Ends the episode and hands over its frames; the recorder accepts no more. */
  finish(): RecordedEpisode {
    if (this.count === 0) throw new RecordingError('cannot finish an episode with no frames');
    this.finished = true;
    const n = this.count * NUM_JOINTS;
    const ep: RecordedEpisode = {
      fps: this.fps,
      task: this.task,
      cameras: this.cameras,
      length: this.count,
      state: this.state.slice(0, n),
      action: this.action.slice(0, n),
      images: this.images,
    };
    if (this.scene) ep.scene = this.scene;
    return ep;
  }

  private grow(frames: number): void {
    if (frames * NUM_JOINTS <= this.state.length) return;
    const size = Math.max(frames * NUM_JOINTS, this.state.length * 2);
    const s = new Float32Array(size);
    s.set(this.state);
    this.state = s;
    const a = new Float32Array(size);
    a.set(this.action);
    this.action = a;
  }

  private cameraList(): string {
    return this.cameras.length ? this.cameras.map((c) => c.name).join(', ') : 'no cameras';
  }
}

function checkFps(fps: number): void {
  // LeRobot stores fps as an integer and derives every timestamp from it.
  if (!Number.isInteger(fps) || fps < 1 || fps > 1000) throw new RecordingError(`fps must be an integer in 1..1000, got ${fps}`);
}

function checkTask(task: string): void {
  if (typeof task !== 'string' || task.trim() === '') throw new RecordingError('task (the instruction) must be a non-empty string');
}

function checkCameras(cameras: readonly CameraSpec[]): void {
  const seen = new Set<string>();
  for (const c of cameras) {
    if (!CAMERA_NAME.test(c.name)) throw new RecordingError(`camera name "${c.name}" must be 1-40 letters, digits or _`);
    if (seen.has(c.name)) throw new RecordingError(`camera "${c.name}" is listed twice`);
    seen.add(c.name);
    for (const [k, v] of [['width', c.width], ['height', c.height]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > 4096) throw new RecordingError(`camera "${c.name}": ${k} must be an integer in 1..4096, got ${v}`);
    }
  }
}

/** Stored as int64 and a string column: the seed must be exact in both JS and int64, the family a short name. */
function checkScene(scene: EpisodeScene): void {
  if (!Number.isSafeInteger(scene.seed) || scene.seed < 0) throw new RecordingError(`scene seed must be a whole number ≥ 0, got ${scene.seed}`);
  if (typeof scene.family !== 'string' || !/^[a-z_]{1,40}$/.test(scene.family)) {
    throw new RecordingError(`scene family must be 1-40 lowercase letters or _, got ${JSON.stringify(scene.family)}`);
  }
}

function checkVector(name: string, v: ArrayLike<number> | undefined, frame: number): void {
  if (!v || typeof v.length !== 'number') throw new RecordingError(`frame ${frame}: ${name} is missing`);
  if (v.length !== NUM_JOINTS) {
    throw new RecordingError(`frame ${frame}: ${name} must have ${NUM_JOINTS} values (${JOINT_NAMES.join(', ')}), got ${v.length}`);
  }
  for (let j = 0; j < NUM_JOINTS; j++) {
    const x = v[j];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new RecordingError(`frame ${frame}: ${name}[${j}] (${JOINT_NAMES[j]}) is ${x}, not a finite number`);
    // float32 overflow would store ±Infinity.
    if (!Number.isFinite(Math.fround(x))) throw new RecordingError(`frame ${frame}: ${name}[${j}] (${JOINT_NAMES[j]}) = ${x} does not fit in float32`);
  }
}

function toRgb(camera: CameraSpec, data: Uint8Array | Uint8ClampedArray | undefined, frame: number): Uint8Array {
  if (!data) throw new RecordingError(`frame ${frame}: missing image from camera "${camera.name}"`);
  const px = camera.width * camera.height;
  if (data.length === px * 3) return new Uint8Array(data);
  if (data.length === px * 4) {
    const out = new Uint8Array(px * 3);
    for (let p = 0; p < px; p++) {
      out[p * 3] = data[p * 4];
      out[p * 3 + 1] = data[p * 4 + 1];
      out[p * 3 + 2] = data[p * 4 + 2];
    }
    return out;
  }
  throw new RecordingError(
    `frame ${frame}: camera "${camera.name}" image has ${data.length} bytes; ${camera.width}×${camera.height} needs ${px * 3} (RGB) or ${px * 4} (RGBA)`,
  );
}

/** Checks an episode built elsewhere (not by EpisodeRecorder) before export: sizes, finite values, frames per camera. */
export function validateEpisode(ep: RecordedEpisode, label = 'episode'): void {
  try {
    checkFps(ep.fps);
    checkTask(ep.task);
    checkCameras(ep.cameras);
    if (ep.scene) checkScene(ep.scene);
  } catch (e) {
    throw new RecordingError(`${label}: ${(e as Error).message}`);
  }
  if (!Number.isInteger(ep.length) || ep.length < 1) throw new RecordingError(`${label}: length must be a positive integer, got ${ep.length}`);
  for (const [name, v] of [['observation.state', ep.state], ['action', ep.action]] as const) {
    if (v.length !== ep.length * NUM_JOINTS) throw new RecordingError(`${label}: ${name} has ${v.length} values, expected ${ep.length}×${NUM_JOINTS}`);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) throw new RecordingError(`${label}: ${name} frame ${Math.floor(i / NUM_JOINTS)} [${i % NUM_JOINTS}] is ${v[i]}`);
    }
  }
  for (const c of ep.cameras) {
    const frames = ep.images[c.name];
    if (!frames || frames.length !== ep.length) throw new RecordingError(`${label}: camera "${c.name}" has ${frames?.length ?? 0} frames, expected ${ep.length}`);
    const bytes = c.width * c.height * 3;
    frames.forEach((f, i) => {
      if (f.length !== bytes) throw new RecordingError(`${label}: camera "${c.name}" frame ${i} has ${f.length} bytes, expected ${bytes} (RGB)`);
    });
  }
}
