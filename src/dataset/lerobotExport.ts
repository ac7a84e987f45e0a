/**
 * Recorded episodes → a LeRobotDataset v3.0 as a map of path → bytes (zip it with zipDataset, or write it to
 * a folder). v3.0 packs all episodes into one data parquet and one MP4 per camera; the episodes table says
 * where each episode starts and ends in both (row range, and time range in the video).
 */
import { type Column, writeParquet } from './parquet';
import { encodePng } from './png';
import { type CameraSpec, type RecordedEpisode, RecordingError, validateEpisode } from './recording';
import { type DatasetStats, type FeatureStats, imageStats, vectorStats } from './stats';
import {
  ACTION_KEY,
  CHUNKS_SIZE,
  CODEBASE_VERSION,
  DATA_FILES_SIZE_IN_MB,
  DATA_PATH_TEMPLATE,
  dataPath,
  episodesPath,
  imageKey,
  INFO_PATH,
  JOINT_NAMES,
  NUM_JOINTS,
  ROBOT_TYPE,
  SCENE_FAMILY_COLUMN,
  SCENE_SEED_COLUMN,
  STATE_KEY,
  STATS_PATH,
  TASKS_PATH,
  VIDEO_FILES_SIZE_IN_MB,
  VIDEO_PATH_TEMPLATE,
  videoPath,
} from './layout';
import { DEFAULT_FEATURES, type FeatureSpec, infoSchema, type LeRobotInfo } from './lerobotInfo';
import { type EncodedVideo, type EncodeVideo, encodeMp4WithWebCodecs, VideoUnsupportedError } from './videoEncode';

export interface ExportOptions {
  /** LeRobot's name for the arm; SO-101 follower by default. */
  robotType?: string;
  /** Camera storage: 'video' (MP4, or image frames when the encoder says it cannot) or 'image' (PNG in the data parquet). */
  cameraStorage?: 'video' | 'image';
  /** Video encoder; WebCodecs H.264 by default. Injected by tests and by anything that encodes elsewhere. */
  encodeVideo?: EncodeVideo;
}

export interface ExportResult {
  /** Dataset files by path relative to the dataset root. */
  files: Map<string, Uint8Array>;
  info: LeRobotInfo;
  stats: DatasetStats;
  /** How camera frames were stored; null when no camera was recorded. */
  cameraStorage: 'video' | 'image' | null;
  /** Why videos were asked for but image frames were stored instead (for the UI to say). */
  videoFallbackReason?: string;
}

interface Layout {
  fps: number;
  cameras: readonly CameraSpec[];
  tasks: string[];
  taskIndex: number[];
  /** Global index of each episode's first frame. */
  starts: number[];
  total: number;
}

function planLayout(episodes: readonly RecordedEpisode[]): Layout {
  if (episodes.length === 0) throw new RecordingError('nothing to export: no episodes');
  episodes.forEach((ep, i) => {
    validateEpisode(ep, `episode ${i}`);
  });
  const { fps, cameras } = episodes[0];
  const cameraSig = (c: readonly CameraSpec[]) => c.map((x) => `${x.name}:${x.width}x${x.height}`).join(',');
  episodes.forEach((ep, i) => {
    if (ep.fps !== fps) throw new RecordingError(`episode ${i} was recorded at ${ep.fps} fps, episode 0 at ${fps}: one dataset has one rate`);
    if (cameraSig(ep.cameras) !== cameraSig(cameras)) {
      throw new RecordingError(`episode ${i} has cameras [${cameraSig(ep.cameras)}], episode 0 has [${cameraSig(cameras)}]`);
    }
  });
  const tasks: string[] = [];
  const taskIndex = episodes.map((ep) => {
    const k = tasks.indexOf(ep.task);
    if (k >= 0) return k;
    tasks.push(ep.task);
    return tasks.length - 1;
  });
  const starts: number[] = [];
  let total = 0;
  for (const ep of episodes) {
    starts.push(total);
    total += ep.length;
  }
  return { fps, cameras, tasks, taskIndex, starts, total };
}

/** The per-frame bookkeeping columns, flattened over all episodes in order. */
function frameColumns(episodes: readonly RecordedEpisode[], plan: Layout) {
  const n = plan.total;
  const timestamp = new Float32Array(n);
  const frameIndex = new Float64Array(n);
  const episodeIndex = new Float64Array(n);
  const index = new Float64Array(n);
  const taskIndex = new Float64Array(n);
  episodes.forEach((ep, e) => {
    for (let k = 0; k < ep.length; k++) {
      const g = plan.starts[e] + k;
      timestamp[g] = k / plan.fps;
      frameIndex[g] = k;
      episodeIndex[g] = e;
      index[g] = g;
      taskIndex[g] = plan.taskIndex[e];
    }
  });
  return { timestamp, frame_index: frameIndex, episode_index: episodeIndex, index, task_index: taskIndex };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function rowsOf(flat: Float32Array, dim: number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < flat.length; i += dim) rows.push(Array.from(flat.subarray(i, i + dim)));
  return rows;
}

/** Statistics of every numeric feature and camera over a range of frames (one episode, or all). */
function computeStats(
  state: Float32Array,
  action: Float32Array,
  bookkeeping: Record<string, ArrayLike<number>>,
  cameraFrames: Record<string, readonly Uint8Array[]>,
): DatasetStats {
  const stats: DatasetStats = {
    [ACTION_KEY]: vectorStats(action, NUM_JOINTS),
    [STATE_KEY]: vectorStats(state, NUM_JOINTS),
  };
  for (const [key, frames] of Object.entries(cameraFrames)) stats[key] = imageStats(frames);
  for (const [key, values] of Object.entries(bookkeeping)) stats[key] = vectorStats(values, 1);
  return stats;
}

function sliceBookkeeping(b: Record<string, ArrayLike<number>>, from: number, to: number): Record<string, ArrayLike<number>> {
  const out: Record<string, ArrayLike<number>> = {};
  for (const [k, v] of Object.entries(b)) out[k] = Array.prototype.slice.call(v, from, to) as number[];
  return out;
}

async function encodeCameras(
  episodes: readonly RecordedEpisode[],
  plan: Layout,
  encode: EncodeVideo,
): Promise<{ videos: Map<string, EncodedVideo> } | { fallback: string }> {
  const videos = new Map<string, EncodedVideo>();
  for (const cam of plan.cameras) {
    const frames = episodes.flatMap((ep) => ep.images[cam.name]);
    try {
      videos.set(cam.name, await encode({ width: cam.width, height: cam.height, fps: plan.fps, frames, keyFrames: plan.starts }));
    } catch (e) {
      // Only "cannot encode here" falls back; a real failure mid-encode is an error the user must see.
      if (e instanceof VideoUnsupportedError) return { fallback: e.message };
      throw e;
    }
  }
  return { videos };
}

function cameraFeature(cam: CameraSpec, fps: number, video: EncodedVideo | undefined): FeatureSpec {
  const base = { shape: [cam.height, cam.width, 3], names: ['height', 'width', 'channels'] };
  if (!video) return { dtype: 'image', ...base };
  return {
    dtype: 'video',
    ...base,
    info: {
      'video.height': cam.height,
      'video.width': cam.width,
      'video.codec': video.codec,
      'video.pix_fmt': video.pixFmt,
      'video.is_depth_map': false,
      'video.fps': fps,
      'video.channels': 3,
      has_audio: false,
    },
  };
}

/** pandas' index metadata, so `pd.read_parquet(tasks.parquet)` is indexed by task string as LeRobot expects. */
function pandasTaskMetadata(): string {
  return JSON.stringify({
    index_columns: ['task'],
    column_indexes: [{ name: null, field_name: null, pandas_type: 'unicode', numpy_type: 'object', metadata: { encoding: 'UTF-8' } }],
    columns: [
      { name: 'task_index', field_name: 'task_index', pandas_type: 'int64', numpy_type: 'int64', metadata: null },
      { name: 'task', field_name: 'task', pandas_type: 'unicode', numpy_type: 'object', metadata: null },
    ],
    creator: { library: 'webvla', version: '1' },
    pandas_version: '2.2.3',
  });
}

function statColumns(prefix: string, perEpisode: readonly FeatureStats[]): Column[] {
  const keys = Object.keys(perEpisode[0]);
  return keys.map((stat): Column => {
    const values = perEpisode.map((s) => s[stat]);
    const depth = Array.isArray(values[0][0]) ? 3 : 1;
    return { name: `${prefix}/${stat}`, type: 'list', leaf: stat === 'count' ? 'int64' : 'float64', depth, values };
  });
}

/** WebVLA's scene columns, after LeRobot's own; none when no episode knows its scene, null for one that does not. */
function sceneColumns(episodes: readonly RecordedEpisode[]): Column[] {
  if (!episodes.some((ep) => ep.scene)) return [];
  return [
    { name: SCENE_SEED_COLUMN, type: 'int64', values: episodes.map((ep) => ep.scene?.seed ?? null) },
    { name: SCENE_FAMILY_COLUMN, type: 'string', values: episodes.map((ep) => ep.scene?.family ?? null) },
  ];
}

const json = (x: unknown) => new TextEncoder().encode(`${JSON.stringify(x, null, 4)}\n`);

/** Builds the whole v3.0 dataset. Episodes keep their order; episode i gets episode_index i. */
export async function exportLeRobotDataset(episodes: readonly RecordedEpisode[], options: ExportOptions = {}): Promise<ExportResult> {
  const plan = planLayout(episodes);
  const { fps, cameras } = plan;
  const hasCameras = cameras.length > 0;

  let videos: Map<string, EncodedVideo> | null = null;
  let videoFallbackReason: string | undefined;
  if (hasCameras && (options.cameraStorage ?? 'video') === 'video') {
    const r = await encodeCameras(episodes, plan, options.encodeVideo ?? encodeMp4WithWebCodecs);
    if ('videos' in r) videos = r.videos;
    else videoFallbackReason = `${r.fallback}; camera frames are stored as PNG images in the data parquet instead`;
  }

  const state = concat(episodes.map((ep) => ep.state));
  const action = concat(episodes.map((ep) => ep.action));
  const book = frameColumns(episodes, plan);
  const cameraFrames: Record<string, Uint8Array[]> = {};
  for (const c of cameras) cameraFrames[imageKey(c.name)] = episodes.flatMap((ep) => ep.images[c.name]);

  // info.json
  const features: Record<string, FeatureSpec> = {
    [ACTION_KEY]: { dtype: 'float32', shape: [NUM_JOINTS], names: [...JOINT_NAMES] },
    [STATE_KEY]: { dtype: 'float32', shape: [NUM_JOINTS], names: [...JOINT_NAMES] },
  };
  for (const c of cameras) features[imageKey(c.name)] = cameraFeature(c, fps, videos?.get(c.name));
  Object.assign(features, DEFAULT_FEATURES);
  const info = infoSchema.parse({
    codebase_version: CODEBASE_VERSION,
    robot_type: options.robotType ?? ROBOT_TYPE,
    total_episodes: episodes.length,
    total_frames: plan.total,
    total_tasks: plan.tasks.length,
    chunks_size: CHUNKS_SIZE,
    data_files_size_in_mb: DATA_FILES_SIZE_IN_MB,
    video_files_size_in_mb: VIDEO_FILES_SIZE_IN_MB,
    fps,
    splits: { train: `0:${episodes.length}` },
    data_path: DATA_PATH_TEMPLATE,
    video_path: videos ? VIDEO_PATH_TEMPLATE : null,
    features,
  });

  // Statistics: whole dataset for stats.json, per episode for the episodes table.
  const stats = computeStats(state, action, book, cameraFrames);
  const episodeStats = episodes.map((ep, e) => {
    const from = plan.starts[e];
    const to = from + ep.length;
    const frames: Record<string, Uint8Array[]> = {};
    for (const c of cameras) frames[imageKey(c.name)] = ep.images[c.name];
    return computeStats(ep.state, ep.action, sliceBookkeeping(book, from, to), frames);
  });

  // data/chunk-000/file-000.parquet: every frame, episodes back to back, columns in feature order.
  const dataColumns: Column[] = [
    { name: ACTION_KEY, type: 'list', leaf: 'float32', depth: 1, values: rowsOf(action, NUM_JOINTS) },
    { name: STATE_KEY, type: 'list', leaf: 'float32', depth: 1, values: rowsOf(state, NUM_JOINTS) },
  ];
  if (hasCameras && !videos) {
    for (const c of cameras) {
      const values = episodes.flatMap((ep) =>
        ep.images[c.name].map((rgb, k) => ({ bytes: encodePng(rgb, c.width, c.height), path: `frame-${String(k).padStart(6, '0')}.png` })),
      );
      dataColumns.push({ name: imageKey(c.name), type: 'image', values });
    }
  }
  dataColumns.push(
    { name: 'timestamp', type: 'float32', values: book.timestamp },
    { name: 'frame_index', type: 'int64', values: book.frame_index },
    { name: 'episode_index', type: 'int64', values: book.episode_index },
    { name: 'index', type: 'int64', values: book.index },
    { name: 'task_index', type: 'int64', values: book.task_index },
  );

  // meta/episodes/chunk-000/file-000.parquet: one row per episode, in LeRobot's column order.
  const int = (name: string, values: number[]): Column => ({ name, type: 'int64', values });
  const zeros = episodes.map(() => 0);
  const episodeColumns: Column[] = [
    int('episode_index', episodes.map((_, e) => e)),
    { name: 'tasks', type: 'list', leaf: 'string', depth: 1, values: episodes.map((ep) => [ep.task]) },
    int('length', episodes.map((ep) => ep.length)),
    int('data/chunk_index', zeros),
    int('data/file_index', zeros),
    int('dataset_from_index', plan.starts),
    int('dataset_to_index', episodes.map((ep, e) => plan.starts[e] + ep.length)),
  ];
  if (videos) {
    for (const c of cameras) {
      const key = imageKey(c.name);
      episodeColumns.push(
        int(`videos/${key}/chunk_index`, zeros),
        int(`videos/${key}/file_index`, zeros),
        { name: `videos/${key}/from_timestamp`, type: 'float64', values: plan.starts.map((s) => s / fps) },
        { name: `videos/${key}/to_timestamp`, type: 'float64', values: episodes.map((ep, e) => (plan.starts[e] + ep.length) / fps) },
      );
    }
  }
  for (const feature of Object.keys(stats)) {
    episodeColumns.push(...statColumns(`stats/${feature}`, episodeStats.map((s) => s[feature])));
  }
  episodeColumns.push(int('meta/episodes/chunk_index', zeros), int('meta/episodes/file_index', zeros));
  episodeColumns.push(...sceneColumns(episodes));

  const files = new Map<string, Uint8Array>();
  files.set(INFO_PATH, json(info));
  files.set(STATS_PATH, json(stats));
  files.set(
    TASKS_PATH,
    writeParquet(
      [
        int('task_index', plan.tasks.map((_, i) => i)),
        { name: 'task', type: 'string', values: plan.tasks },
      ],
      { pandas: pandasTaskMetadata() },
    ),
  );
  files.set(episodesPath(), writeParquet(episodeColumns));
  files.set(dataPath(), writeParquet(dataColumns));
  if (videos) for (const c of cameras) files.set(videoPath(imageKey(c.name)), videos.get(c.name)!.bytes);

  return { files, info, stats, cameraStorage: hasCameras ? (videos ? 'video' : 'image') : null, videoFallbackReason };
}
