/**
 * The LeRobotDataset v3.0 layout this app writes and reads: version, file paths, column names.
 * Names follow LeRobot so a recording trains with LeRobot directly (SO101.md, "LeRobotDataset v3.0").
 */
import { ACTION_NAMES } from '../sim/units';

export const CODEBASE_VERSION = 'v3.0';
export const ROBOT_TYPE = 'so101_follower';
/** LeRobot's defaults: at most 1000 files per chunk folder; data files roll over at 100 MB, videos at 500 MB. */
export const CHUNKS_SIZE = 1000;
export const DATA_FILES_SIZE_IN_MB = 100;
export const VIDEO_FILES_SIZE_IN_MB = 500;

export const INFO_PATH = 'meta/info.json';
export const STATS_PATH = 'meta/stats.json';
export const TASKS_PATH = 'meta/tasks.parquet';
export const DATA_PATH_TEMPLATE = 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet';
export const VIDEO_PATH_TEMPLATE = 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4';
export const EPISODES_PATH_TEMPLATE = 'meta/episodes/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet';

export const STATE_KEY = 'observation.state';
export const ACTION_KEY = 'action';
export const IMAGE_KEY_PREFIX = 'observation.images.';
/** Joint names of `observation.state` and `action`, in LeRobot's order. */
export const JOINT_NAMES: readonly string[] = ACTION_NAMES;
export const NUM_JOINTS = JOINT_NAMES.length;
/** Quantiles LeRobot stores in stats.json next to min/max/mean/std/count. */
export const QUANTILES = [0.01, 0.1, 0.5, 0.9, 0.99] as const;
export const QUANTILE_KEYS = ['q01', 'q10', 'q50', 'q90', 'q99'] as const;

/**
 * WebVLA's own per-episode columns in the episodes table: the sim scene an episode was recorded in, so replay
 * can rebuild it. LeRobot reads that table as a generic dataset and ignores columns it does not know; they are
 * not features (info.json does not list them). Datasets from elsewhere lack them.
 */
export const SCENE_SEED_COLUMN = 'webvla_scene_seed';
export const SCENE_FAMILY_COLUMN = 'webvla_scene_family';

/** Camera names become feature keys `observation.images.<name>`; keep them to what LeRobot accepts in a key. */
export const CAMERA_NAME = /^[A-Za-z0-9_]{1,40}$/;

export function imageKey(camera: string): string {
  return `${IMAGE_KEY_PREFIX}${camera}`;
}

/** Fills a LeRobot path template (`{chunk_index:03d}` etc.), as Python's str.format would. */
export function formatPath(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{([a-z_]+)(?::0?(\d+)d)?\}/g, (_whole, name: string, width?: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`path template ${template} needs {${name}}`);
    return width === undefined ? String(v) : String(v).padStart(Number(width), '0');
  });
}

export function dataPath(chunk = 0, file = 0): string {
  return formatPath(DATA_PATH_TEMPLATE, { chunk_index: chunk, file_index: file });
}
export function episodesPath(chunk = 0, file = 0): string {
  return formatPath(EPISODES_PATH_TEMPLATE, { chunk_index: chunk, file_index: file });
}
export function videoPath(videoKey: string, chunk = 0, file = 0): string {
  return formatPath(VIDEO_PATH_TEMPLATE, { video_key: videoKey, chunk_index: chunk, file_index: file });
}
