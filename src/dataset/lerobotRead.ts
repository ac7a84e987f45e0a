/**
 * Reads a LeRobotDataset v3.0 back (from a zip or a path → bytes map): info, tasks, the episodes table, and
 * one episode's frames for replay. Every file is checked against the others before it is trusted, and
 * errors say which file is wrong and how.
 */
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { ACTION_KEY, CODEBASE_VERSION, formatPath, INFO_PATH, SCENE_FAMILY_COLUMN, SCENE_SEED_COLUMN, STATE_KEY, STATS_PATH, TASKS_PATH } from './layout';
import { infoSchema, type LeRobotInfo } from './lerobotInfo';
import type { DatasetStats } from './stats';
import { unzipDataset, ZipFormatError } from './zipDataset';

export class DatasetReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetReadError';
  }
}

export interface EpisodeVideo {
  path: string;
  fromTimestamp: number;
  toTimestamp: number;
}

/**
 * The sim scene an episode says it was recorded in, as stored (layout.ts's scene columns): decoded, not
 * judged, since only the app knows which seeds and families it can rebuild. `error` when the stored values
 * are not a number and a string.
 */
export type StoredScene = { seed: number; family: string } | { error: string };

export interface EpisodeEntry {
  episodeIndex: number;
  tasks: string[];
  length: number;
  dataPath: string;
  /** Global frame indices [from, to) of this episode. */
  datasetFromIndex: number;
  datasetToIndex: number;
  /** Per video feature key, where this episode's frames are. */
  videos: Record<string, EpisodeVideo>;
  /** Null when the dataset does not say (no scene columns, or null in this episode's row). */
  scene: StoredScene | null;
}

export interface LeRobotDatasetContents {
  files: ReadonlyMap<string, Uint8Array>;
  info: LeRobotInfo;
  stats: DatasetStats | null;
  /** Task strings by task_index. */
  tasks: string[];
  episodes: EpisodeEntry[];
}

export interface EpisodeFrames {
  episodeIndex: number;
  fps: number;
  length: number;
  /** Task string of each frame (usually one per episode). */
  tasks: string[];
  timestamps: Float64Array;
  /** Row-major [length × dim] in LeRobot units; dim is info.features[...].shape[0]. */
  state: Float32Array;
  action: Float32Array;
  dim: number;
}

type Row = Record<string, unknown>;

function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function num(v: unknown, what: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw new DatasetReadError(`${what} is ${String(v)}, expected a number`);
}

async function readTable(files: ReadonlyMap<string, Uint8Array>, path: string, columns?: string[], rows?: [number, number]): Promise<Row[]> {
  const bytes = files.get(path);
  if (!bytes) throw new DatasetReadError(`missing ${path}`);
  try {
    return await parquetReadObjects({ file: toArrayBuffer(bytes), columns, rowStart: rows?.[0], rowEnd: rows?.[1] });
  } catch (e) {
    throw new DatasetReadError(`${path} is not a readable parquet table (${(e as Error).message})`);
  }
}

function rowCount(files: ReadonlyMap<string, Uint8Array>, path: string): number {
  const bytes = files.get(path);
  if (!bytes) throw new DatasetReadError(`missing ${path}`);
  try {
    return Number(parquetMetadata(toArrayBuffer(bytes)).num_rows);
  } catch (e) {
    throw new DatasetReadError(`${path} is not a readable parquet table (${(e as Error).message})`);
  }
}

/** A zip made by zipping the dataset folder itself holds `<name>/meta/info.json`: read inside that folder. */
function stripCommonFolder(files: Map<string, Uint8Array>): Map<string, Uint8Array> {
  if (files.has(INFO_PATH)) return files;
  const hit = [...files.keys()].find((p) => p.endsWith(`/${INFO_PATH}`) && p.split('/').length === 3);
  if (!hit) return files;
  const prefix = hit.slice(0, hit.length - INFO_PATH.length);
  const out = new Map<string, Uint8Array>();
  for (const [p, b] of files) if (p.startsWith(prefix)) out.set(p.slice(prefix.length), b);
  return out;
}

function parseJson(files: ReadonlyMap<string, Uint8Array>, path: string): unknown {
  const bytes = files.get(path)!;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new DatasetReadError(`${path} is not valid JSON (${(e as Error).message})`);
  }
}

function parseInfo(raw: unknown): LeRobotInfo {
  const version = (raw as { codebase_version?: unknown } | null)?.codebase_version;
  if (version !== CODEBASE_VERSION) {
    throw new DatasetReadError(
      `${INFO_PATH}: codebase_version is ${JSON.stringify(version)}; this reader reads LeRobotDataset ${CODEBASE_VERSION} only (convert older datasets with LeRobot's v3.0 converter)`,
    );
  }
  const r = infoSchema.safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new DatasetReadError(`${INFO_PATH} is not a valid LeRobot v3.0 info: ${issues.join('; ')}`);
  }
  for (const key of [STATE_KEY, ACTION_KEY]) {
    const f = r.data.features[key];
    if (!f) throw new DatasetReadError(`${INFO_PATH}: features has no "${key}", which replay needs`);
    if (f.dtype !== 'float32' || f.shape.length !== 1) throw new DatasetReadError(`${INFO_PATH}: "${key}" must be float32 with a 1-D shape, got ${f.dtype} ${JSON.stringify(f.shape)}`);
  }
  return r.data;
}

/** Task strings by index: LeRobot stores them as the pandas index ("task", or "__index_level_0__" unnamed). */
async function readTasks(files: ReadonlyMap<string, Uint8Array>, info: LeRobotInfo): Promise<string[]> {
  const rows = await readTable(files, TASKS_PATH);
  const tasks: string[] = [];
  rows.forEach((row, i) => {
    const text = row.task ?? row.__index_level_0__;
    if (typeof text !== 'string') throw new DatasetReadError(`${TASKS_PATH} row ${i} has no task string`);
    const k = num(row.task_index, `${TASKS_PATH} row ${i} task_index`);
    if (tasks[k] !== undefined) throw new DatasetReadError(`${TASKS_PATH}: task_index ${k} appears twice`);
    tasks[k] = text;
  });
  if (rows.length !== info.total_tasks) throw new DatasetReadError(`${TASKS_PATH} has ${rows.length} tasks but info.json says total_tasks = ${info.total_tasks}`);
  for (let k = 0; k < rows.length; k++) if (tasks[k] === undefined) throw new DatasetReadError(`${TASKS_PATH}: task_index ${k} is missing`);
  return tasks;
}

function readScene(row: Row): StoredScene | null {
  const seed = row[SCENE_SEED_COLUMN] ?? null;
  const family = row[SCENE_FAMILY_COLUMN] ?? null;
  if (seed === null && family === null) return null;
  const n = typeof seed === 'bigint' ? Number(seed) : seed;
  if (typeof n !== 'number' || !Number.isFinite(n)) return { error: `${SCENE_SEED_COLUMN} is ${String(seed)}, not a number` };
  if (typeof family !== 'string') return { error: `${SCENE_FAMILY_COLUMN} is ${String(family)}, not a string` };
  return { seed: n, family };
}

async function readEpisodes(files: ReadonlyMap<string, Uint8Array>, info: LeRobotInfo): Promise<EpisodeEntry[]> {
  const paths = [...files.keys()].filter((p) => /^meta\/episodes\/chunk-\d+\/file-\d+\.parquet$/.test(p)).sort();
  if (paths.length === 0) throw new DatasetReadError('missing meta/episodes/chunk-000/file-000.parquet (the episodes table)');
  const videoKeys = Object.entries(info.features)
    .filter(([, f]) => f.dtype === 'video')
    .map(([k]) => k);
  const rows: Row[] = [];
  for (const p of paths) rows.push(...(await readTable(files, p)));
  if (rows.length !== info.total_episodes) {
    throw new DatasetReadError(`the episodes table has ${rows.length} rows but info.json says total_episodes = ${info.total_episodes}`);
  }
  let expectedFrom = 0;
  const episodes = rows.map((row, i): EpisodeEntry => {
    const at = (col: string) => num(row[col], `episodes table row ${i} ${col}`);
    const episodeIndex = at('episode_index');
    if (episodeIndex !== i) throw new DatasetReadError(`episodes table row ${i} has episode_index ${episodeIndex}; episodes must be numbered 0..${rows.length - 1} in order`);
    const length = at('length');
    const from = at('dataset_from_index');
    const to = at('dataset_to_index');
    if (from !== expectedFrom || to - from !== length) {
      throw new DatasetReadError(`episode ${i}: dataset_from_index ${from} / dataset_to_index ${to} disagree with length ${length} (expected to start at ${expectedFrom})`);
    }
    expectedFrom = to;
    const tasks = row.tasks;
    if (!Array.isArray(tasks) || !tasks.every((t) => typeof t === 'string')) throw new DatasetReadError(`episode ${i}: tasks is not a list of strings`);
    const videos: Record<string, EpisodeVideo> = {};
    if (info.video_path) {
      for (const key of videoKeys) {
        const v = (s: string) => at(`videos/${key}/${s}`);
        videos[key] = {
          path: formatPath(info.video_path, { video_key: key, chunk_index: v('chunk_index'), file_index: v('file_index') }),
          fromTimestamp: v('from_timestamp'),
          toTimestamp: v('to_timestamp'),
        };
      }
    }
    return {
      episodeIndex,
      tasks: tasks as string[],
      length,
      dataPath: formatPath(info.data_path, { chunk_index: at('data/chunk_index'), file_index: at('data/file_index') }),
      datasetFromIndex: from,
      datasetToIndex: to,
      videos,
      scene: readScene(row),
    };
  });
  if (expectedFrom !== info.total_frames) {
    throw new DatasetReadError(`episode lengths add up to ${expectedFrom} frames but info.json says total_frames = ${info.total_frames}`);
  }
  return episodes;
}

function checkFrameCounts(files: ReadonlyMap<string, Uint8Array>, info: LeRobotInfo, episodes: readonly EpisodeEntry[]): void {
  const perFile = new Map<string, number>();
  for (const e of episodes) perFile.set(e.dataPath, (perFile.get(e.dataPath) ?? 0) + e.length);
  let total = 0;
  for (const [path, frames] of perFile) {
    const rows = rowCount(files, path);
    if (rows !== frames) throw new DatasetReadError(`${path} has ${rows} rows but the episodes table puts ${frames} frames in it`);
    total += rows;
  }
  if (total !== info.total_frames) throw new DatasetReadError(`data files hold ${total} frames but info.json says total_frames = ${info.total_frames}`);
  for (const e of episodes) {
    for (const [key, v] of Object.entries(e.videos)) {
      if (!files.has(v.path)) throw new DatasetReadError(`missing ${v.path} (video of ${key} for episode ${e.episodeIndex})`);
    }
  }
}

/** Opens a dataset from zip bytes or from a path → bytes map, and checks that its files agree. */
export async function readLeRobotDataset(input: Uint8Array | ArrayBuffer | ReadonlyMap<string, Uint8Array>): Promise<LeRobotDatasetContents> {
  let files: Map<string, Uint8Array>;
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    try {
      files = unzipDataset(input instanceof ArrayBuffer ? new Uint8Array(input) : input);
    } catch (e) {
      if (e instanceof ZipFormatError) throw new DatasetReadError(`cannot open the dataset: ${e.message}`);
      throw e;
    }
  } else files = new Map(input);
  files = stripCommonFolder(files);
  if (!files.has(INFO_PATH)) throw new DatasetReadError(`missing ${INFO_PATH}: this is not a LeRobotDataset`);
  const info = parseInfo(parseJson(files, INFO_PATH));
  const stats = files.has(STATS_PATH) ? (parseJson(files, STATS_PATH) as DatasetStats) : null;
  const tasks = await readTasks(files, info);
  const episodes = await readEpisodes(files, info);
  checkFrameCounts(files, info, episodes);
  return { files, info, stats, tasks, episodes };
}

function vectorRow(v: unknown, dim: number, what: string): ArrayLike<number> {
  if (!Array.isArray(v) && !(v instanceof Float32Array) && !(v instanceof Float64Array)) throw new DatasetReadError(`${what} is not a list`);
  if (v.length !== dim) throw new DatasetReadError(`${what} has ${v.length} values, expected ${dim}`);
  return v as ArrayLike<number>;
}

/** One episode's state, action and timestamps, for replay in the sim. */
export async function readEpisodeFrames(ds: LeRobotDatasetContents, episodeIndex: number): Promise<EpisodeFrames> {
  const ep = ds.episodes[episodeIndex];
  if (!ep) throw new DatasetReadError(`no episode ${episodeIndex}: the dataset has ${ds.episodes.length}`);
  // The first row of a data file belongs to the lowest global index stored in it.
  const fileStart = Math.min(...ds.episodes.filter((e) => e.dataPath === ep.dataPath).map((e) => e.datasetFromIndex));
  const start = ep.datasetFromIndex - fileStart;
  const columns = [STATE_KEY, ACTION_KEY, 'timestamp', 'frame_index', 'episode_index', 'index', 'task_index'];
  const rows = await readTable(ds.files, ep.dataPath, columns, [start, start + ep.length]);
  if (rows.length !== ep.length) throw new DatasetReadError(`episode ${episodeIndex}: ${ep.dataPath} gave ${rows.length} rows, expected ${ep.length}`);
  const dim = ds.info.features[STATE_KEY].shape[0];
  const adim = ds.info.features[ACTION_KEY].shape[0];
  if (adim !== dim) throw new DatasetReadError(`observation.state has ${dim} values but action has ${adim}; replay needs them to match`);
  const state = new Float32Array(ep.length * dim);
  const action = new Float32Array(ep.length * dim);
  const timestamps = new Float64Array(ep.length);
  const tasks: string[] = [];
  rows.forEach((row, k) => {
    const what = `episode ${episodeIndex} frame ${k}`;
    if (num(row.episode_index, `${what} episode_index`) !== episodeIndex) throw new DatasetReadError(`${what} belongs to episode ${String(row.episode_index)}`);
    if (num(row.frame_index, `${what} frame_index`) !== k) throw new DatasetReadError(`${what} has frame_index ${String(row.frame_index)}`);
    if (num(row.index, `${what} index`) !== ep.datasetFromIndex + k) throw new DatasetReadError(`${what} has index ${String(row.index)}, expected ${ep.datasetFromIndex + k}`);
    timestamps[k] = num(row.timestamp, `${what} timestamp`);
    if (k > 0 && !(timestamps[k] > timestamps[k - 1])) throw new DatasetReadError(`${what}: timestamps must increase (${timestamps[k - 1]} then ${timestamps[k]})`);
    state.set(vectorRow(row[STATE_KEY], dim, `${what} ${STATE_KEY}`), k * dim);
    action.set(vectorRow(row[ACTION_KEY], dim, `${what} ${ACTION_KEY}`), k * dim);
    const t = ds.tasks[num(row.task_index, `${what} task_index`)];
    if (t === undefined) throw new DatasetReadError(`${what} has task_index ${String(row.task_index)}, which tasks.parquet does not define`);
    tasks.push(t);
  });
  return { episodeIndex, fps: ds.info.fps, length: ep.length, tasks, timestamps, state, action, dim };
}
