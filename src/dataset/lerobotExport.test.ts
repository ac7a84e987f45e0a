import { unzlibSync } from 'fflate';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeVideoEncoder, syntheticEpisode, TEST_CAMERAS, unsupportedVideoEncoder } from './datasetFixtures';
import { type ExportResult, exportLeRobotDataset } from './lerobotExport';
import { readEpisodeFrames, readLeRobotDataset } from './lerobotRead';
import { PNG_SIGNATURE } from './png';
import { zipDataset } from './zipDataset';

const FPS = 30;
const LENGTHS = [7, 12];
const TASKS = ['pick up the red cube', 'push the blue cube to the left'];
const episodes = () => LENGTHS.map((n, i) => syntheticEpisode(i + 1, n, TASKS[i], FPS));

type Row = Record<string, unknown>;
const ab = (b: Uint8Array) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const read = (b: Uint8Array): Promise<Row[]> => parquetReadObjects({ file: ab(b) });
const json = (b: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(b));
const n = (v: unknown) => Number(v as bigint | number);

/** Top-level columns and the physical type of their leaves, straight from the parquet footer. */
function columnTypes(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const child of parquetSchema(parquetMetadata(ab(bytes))).children) {
    let node = child;
    let lists = 0;
    // 3-level LIST: <name> (LIST) → list (repeated) → element.
    while (node.element.converted_type === 'LIST') {
      lists++;
      node = node.children[0].children[0];
    }
    const leaf = node.children.length > 1 ? `struct<${node.children.map((c) => `${c.element.name}:${c.element.type}`).join(',')}>` : String(node.element.type);
    out[child.element.name] = `${'list<'.repeat(lists)}${leaf}${'>'.repeat(lists)}`;
  }
  return out;
}

/** Independent reference statistics (population std), per dimension. */
function refStats(rows: number[][]) {
  const dim = rows[0].length;
  return Array.from({ length: dim }, (_, d) => {
    const xs = rows.map((r) => r[d]);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    return { min: Math.min(...xs), max: Math.max(...xs), mean, std };
  });
}

function expectStatsMatch(stats: Record<string, number[]>, rows: number[][], label: string) {
  const ref = refStats(rows);
  expect(stats.count, label).toEqual([rows.length]);
  for (const k of ['min', 'max', 'mean', 'std'] as const) {
    expect(stats[k].length, `${label} ${k}`).toBe(ref.length);
    stats[k].forEach((v, d) => {
      expect(Math.abs(v - ref[d][k]), `${label} ${k}[${d}]`).toBeLessThan(1e-6);
    });
  }
  for (const q of ['q01', 'q10', 'q50', 'q90', 'q99']) {
    stats[q].forEach((v, d) => {
      expect(v).toBeGreaterThanOrEqual(ref[d].min - 1e-9);
      expect(v).toBeLessThanOrEqual(ref[d].max + 1e-9);
    });
  }
}

describe('exportLeRobotDataset (video)', () => {
  const fake = fakeVideoEncoder();
  const eps = episodes();
  const total = LENGTHS[0] + LENGTHS[1];
  let result: ExportResult;
  let files: Map<string, Uint8Array>;
  let dataRows: Row[];
  let episodeRows: Row[];
  beforeAll(async () => {
    result = await exportLeRobotDataset(eps, { encodeVideo: fake.encode });
    files = result.files;
    dataRows = await read(files.get('data/chunk-000/file-000.parquet')!);
    episodeRows = await read(files.get('meta/episodes/chunk-000/file-000.parquet')!);
  });

  it('writes exactly the v3.0 layout', () => {
    expect([...files.keys()].sort()).toEqual([
      'data/chunk-000/file-000.parquet',
      'meta/episodes/chunk-000/file-000.parquet',
      'meta/info.json',
      'meta/stats.json',
      'meta/tasks.parquet',
      'videos/observation.images.front/chunk-000/file-000.mp4',
      'videos/observation.images.wrist/chunk-000/file-000.mp4',
    ]);
    expect(result.cameraStorage).toBe('video');
    expect(result.videoFallbackReason).toBeUndefined();
  });

  it('writes info.json with version, totals, templates and features', () => {
    const info = json(files.get('meta/info.json'));
    expect(info).toMatchObject({
      codebase_version: 'v3.0',
      robot_type: 'so101_follower',
      fps: FPS,
      total_episodes: 2,
      total_frames: total,
      total_tasks: 2,
      chunks_size: 1000,
      splits: { train: '0:2' },
      data_path: 'data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet',
      video_path: 'videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4',
    });
    const names = ['shoulder_pan.pos', 'shoulder_lift.pos', 'elbow_flex.pos', 'wrist_flex.pos', 'wrist_roll.pos', 'gripper.pos'];
    expect(Object.keys(info.features)).toEqual([
      'action',
      'observation.state',
      'observation.images.front',
      'observation.images.wrist',
      'timestamp',
      'frame_index',
      'episode_index',
      'index',
      'task_index',
    ]);
    expect(info.features.action).toEqual({ dtype: 'float32', shape: [6], names });
    expect(info.features['observation.state']).toEqual({ dtype: 'float32', shape: [6], names });
    expect(info.features['observation.images.front']).toEqual({
      dtype: 'video',
      shape: [6, 8, 3],
      names: ['height', 'width', 'channels'],
      info: {
        'video.height': 6,
        'video.width': 8,
        'video.codec': 'h264',
        'video.pix_fmt': 'yuv420p',
        'video.is_depth_map': false,
        'video.fps': FPS,
        'video.channels': 3,
        has_audio: false,
      },
    });
    for (const k of ['frame_index', 'episode_index', 'index', 'task_index']) expect(info.features[k]).toEqual({ dtype: 'int64', shape: [1], names: null });
    expect(info.features.timestamp).toEqual({ dtype: 'float32', shape: [1], names: null });
  });

  it('writes the data parquet with LeRobot column names and types', () => {
    expect(columnTypes(files.get('data/chunk-000/file-000.parquet')!)).toEqual({
      action: 'list<FLOAT>',
      'observation.state': 'list<FLOAT>',
      timestamp: 'FLOAT',
      frame_index: 'INT64',
      episode_index: 'INT64',
      index: 'INT64',
      task_index: 'INT64',
    });
    expect(dataRows.length).toBe(total);
  });

  it('numbers frames: timestamps k/fps rising within episodes, index continuous across them', () => {
    dataRows.forEach((row, g) => {
      const e = g < LENGTHS[0] ? 0 : 1;
      const k = e === 0 ? g : g - LENGTHS[0];
      expect(n(row.index)).toBe(g);
      expect(n(row.episode_index)).toBe(e);
      expect(n(row.frame_index)).toBe(k);
      expect(n(row.task_index)).toBe(e);
      expect(row.timestamp).toBeCloseTo(k / FPS, 6);
      if (k > 0) expect(row.timestamp as number).toBeGreaterThan(dataRows[g - 1].timestamp as number);
      const ep = eps[e];
      expect(row['observation.state']).toEqual(Array.from(ep.state.subarray(k * 6, k * 6 + 6)));
      expect(row.action).toEqual(Array.from(ep.action.subarray(k * 6, k * 6 + 6)));
    });
  });

  it('writes the episodes table with row ranges, tasks and video time ranges', () => {
    const types = columnTypes(files.get('meta/episodes/chunk-000/file-000.parquet')!);
    expect(Object.keys(types).slice(0, 15)).toEqual([
      'episode_index',
      'tasks',
      'length',
      'data/chunk_index',
      'data/file_index',
      'dataset_from_index',
      'dataset_to_index',
      'videos/observation.images.front/chunk_index',
      'videos/observation.images.front/file_index',
      'videos/observation.images.front/from_timestamp',
      'videos/observation.images.front/to_timestamp',
      'videos/observation.images.wrist/chunk_index',
      'videos/observation.images.wrist/file_index',
      'videos/observation.images.wrist/from_timestamp',
      'videos/observation.images.wrist/to_timestamp',
    ]);
    expect(types.tasks).toBe('list<BYTE_ARRAY>');
    expect(types['videos/observation.images.front/from_timestamp']).toBe('DOUBLE');
    expect(types['stats/action/mean']).toBe('list<DOUBLE>');
    expect(types['stats/action/count']).toBe('list<INT64>');
    expect(types['stats/observation.images.front/mean']).toBe('list<list<list<DOUBLE>>>');
    expect(Object.keys(types).slice(-2)).toEqual(['meta/episodes/chunk_index', 'meta/episodes/file_index']);

    expect(episodeRows.map((r) => n(r.episode_index))).toEqual([0, 1]);
    expect(episodeRows.map((r) => r.tasks)).toEqual([[TASKS[0]], [TASKS[1]]]);
    expect(episodeRows.map((r) => n(r.length))).toEqual(LENGTHS);
    expect(episodeRows.map((r) => n(r.dataset_from_index))).toEqual([0, LENGTHS[0]]);
    expect(episodeRows.map((r) => n(r.dataset_to_index))).toEqual([LENGTHS[0], total]);
    for (const cam of ['front', 'wrist']) {
      const col = (s: string) => episodeRows.map((r) => r[`videos/observation.images.${cam}/${s}`]);
      expect(col('from_timestamp')).toEqual([0, LENGTHS[0] / FPS]);
      expect(col('to_timestamp')).toEqual([LENGTHS[0] / FPS, total / FPS]);
      expect(col('chunk_index').map(n)).toEqual([0, 0]);
    }
  });

  it('writes tasks.parquet as LeRobot does: task_index plus the task string as the pandas index', async () => {
    const bytes = files.get('meta/tasks.parquet')!;
    const rows = await read(bytes);
    expect(rows.map((r) => [n(r.task_index), r.task])).toEqual([
      [0, TASKS[0]],
      [1, TASKS[1]],
    ]);
    const kv = parquetMetadata(ab(bytes)).key_value_metadata ?? [];
    const pandas = JSON.parse(kv.find((e) => e.key === 'pandas')?.value ?? '{}');
    expect(pandas.index_columns).toEqual(['task']);
  });

  it('writes stats.json equal to stats recomputed from the data parquet', () => {
    const stats = json(files.get('meta/stats.json'));
    const col = (name: string) => dataRows.map((r) => (Array.isArray(r[name]) ? (r[name] as number[]) : [n(r[name])]));
    for (const f of ['action', 'observation.state', 'timestamp', 'frame_index', 'episode_index', 'index', 'task_index']) {
      expectStatsMatch(stats[f], col(f), f);
    }
  });

  it('writes per-channel image stats in [0, 1], shaped [3, 1, 1]', () => {
    const stats = json(files.get('meta/stats.json'));
    TEST_CAMERAS.forEach((cam) => {
      const s = stats[`observation.images.${cam.name}`];
      expect(s.count).toEqual([total]);
      const pixels: number[][] = [];
      for (const ep of eps) for (const f of ep.images[cam.name]) for (let p = 0; p < f.length; p += 3) pixels.push([f[p] / 255, f[p + 1] / 255, f[p + 2] / 255]);
      const ref = refStats(pixels);
      for (const k of ['min', 'max', 'mean', 'std'] as const) {
        expect(s[k].length).toBe(3);
        s[k].forEach((v: number[][], c: number) => {
          expect(v.length).toBe(1);
          expect(v[0].length).toBe(1);
          expect(Math.abs(v[0][0] - ref[c][k]), `${cam.name} ${k}[${c}]`).toBeLessThan(1e-6);
        });
      }
    });
  });

  it('stores per-episode stats in the episodes table, matching each episode\'s rows', () => {
    episodeRows.forEach((row, e) => {
      const mine = dataRows.filter((r) => n(r.episode_index) === e);
      const stat = (k: string) => row[`stats/action/${k}`] as number[];
      expectStatsMatch(
        { min: stat('min'), max: stat('max'), mean: stat('mean'), std: stat('std'), count: (row['stats/action/count'] as bigint[]).map(n), q01: stat('q01'), q10: stat('q10'), q50: stat('q50'), q90: stat('q90'), q99: stat('q99') },
        mine.map((r) => r.action as number[]),
        `episode ${e} action`,
      );
    });
  });

  it('encodes one video per camera over all episodes, with a key frame at each episode start', () => {
    expect(fake.calls.map((c) => [c.width, c.height, c.fps, c.frames.length])).toEqual([
      [8, 6, FPS, total],
      [4, 4, FPS, total],
    ]);
    expect(fake.calls[0].keyFrames).toEqual([0, LENGTHS[0]]);
    expect(fake.calls[0].frames[LENGTHS[0]]).toBe(eps[1].images.front[0]);
    expect(new TextDecoder().decode(files.get('videos/observation.images.wrist/chunk-000/file-000.mp4'))).toBe('FAKE-MP4 4x4@30 frames=19 keys=0,7');
  });

  it('reads back through the reader (zip round trip) for replay', async () => {
    const ds = await readLeRobotDataset(zipDataset(files));
    expect(ds.info.total_frames).toBe(total);
    expect(ds.tasks).toEqual(TASKS);
    expect(ds.episodes.map((e) => [e.length, e.datasetFromIndex, e.datasetToIndex])).toEqual([
      [7, 0, 7],
      [12, 7, 19],
    ]);
    expect(ds.episodes[1].videos['observation.images.front']).toEqual({
      path: 'videos/observation.images.front/chunk-000/file-000.mp4',
      fromTimestamp: 7 / FPS,
      toTimestamp: 19 / FPS,
    });
    const frames = await readEpisodeFrames(ds, 1);
    expect(frames.length).toBe(12);
    expect(frames.tasks.every((t) => t === TASKS[1])).toBe(true);
    expect(Array.from(frames.state)).toEqual(Array.from(eps[1].state));
    expect(Array.from(frames.action)).toEqual(Array.from(eps[1].action));
    frames.timestamps.forEach((t, k) => {
      expect(t).toBeCloseTo(k / FPS, 6);
    });
    await expect(readEpisodeFrames(ds, 2)).rejects.toThrow(/no episode 2: the dataset has 2/);
  });
});

describe('exportLeRobotDataset (image fallback and options)', () => {
  it('stores PNG frames as dtype image when the encoder says video is unsupported', async () => {
    const eps = episodes();
    const r = await exportLeRobotDataset(eps, { encodeVideo: unsupportedVideoEncoder });
    expect(r.cameraStorage).toBe('image');
    expect(r.videoFallbackReason).toMatch(/cannot encode H\.264.*stored as PNG images/);
    expect([...r.files.keys()].some((p) => p.startsWith('videos/'))).toBe(false);
    const info = JSON.parse(new TextDecoder().decode(r.files.get('meta/info.json')));
    expect(info.video_path).toBeNull();
    expect(info.features['observation.images.front']).toEqual({ dtype: 'image', shape: [6, 8, 3], names: ['height', 'width', 'channels'] });

    const data = r.files.get('data/chunk-000/file-000.parquet')!;
    expect(columnTypes(data)['observation.images.front']).toBe('struct<bytes:BYTE_ARRAY,path:BYTE_ARRAY>');
    const rows = await parquetReadObjects({ file: ab(data), utf8: false, columns: ['observation.images.front', 'observation.images.wrist'] });
    expect(rows.length).toBe(19);
    // Decode frame 3 of episode 1 and compare with what was recorded.
    const png = (rows[LENGTHS[0] + 3]['observation.images.front'] as { bytes: Uint8Array }).bytes;
    expect(Array.from(png.subarray(0, 8))).toEqual(Array.from(PNG_SIGNATURE));
    expect(decodeRgbPng(png)).toEqual({ width: 8, height: 6, rgb: Array.from(eps[1].images.front[3]) });

    const episodesTable = await read(r.files.get('meta/episodes/chunk-000/file-000.parquet')!);
    expect(Object.keys(episodesTable[0]).some((k) => k.startsWith('videos/'))).toBe(false);
    const ds = await readLeRobotDataset(r.files);
    expect(ds.episodes[0].videos).toEqual({});
    expect((await readEpisodeFrames(ds, 0)).length).toBe(LENGTHS[0]);
  });

  it('falls back to images with the real WebCodecs encoder where there is no VideoEncoder (Node)', async () => {
    const r = await exportLeRobotDataset([syntheticEpisode(1, 3, 't')]);
    expect(r.cameraStorage).toBe('image');
    expect(r.videoFallbackReason).toMatch(/no WebCodecs VideoEncoder/);
  });

  it('does not hide real encoder failures behind the fallback', async () => {
    const broken = async () => {
      throw new Error('encoder crashed');
    };
    await expect(exportLeRobotDataset(episodes(), { encodeVideo: broken })).rejects.toThrow('encoder crashed');
  });

  it('stores images without trying video when asked, and exports camera-less episodes', async () => {
    const fake = fakeVideoEncoder();
    const r = await exportLeRobotDataset(episodes(), { cameraStorage: 'image', encodeVideo: fake.encode });
    expect(fake.calls.length).toBe(0);
    expect(r.cameraStorage).toBe('image');
    expect(r.videoFallbackReason).toBeUndefined();

    const bare = await exportLeRobotDataset([syntheticEpisode(3, 4, 'lift the cube', 30, [])]);
    expect(bare.cameraStorage).toBeNull();
    expect(Object.keys(bare.info.features)).not.toContain('observation.images.front');
  });

  it('gives repeated instructions one task_index', async () => {
    const r = await exportLeRobotDataset([syntheticEpisode(1, 3, 'a', 30, []), syntheticEpisode(2, 4, 'b', 30, []), syntheticEpisode(3, 2, 'a', 30, [])]);
    expect(r.info.total_tasks).toBe(2);
    const rows = await read(r.files.get('data/chunk-000/file-000.parquet')!);
    expect(rows.map((x) => n(x.task_index))).toEqual([0, 0, 0, 1, 1, 1, 1, 0, 0]);
  });

  it('refuses episodes that cannot share one dataset', async () => {
    await expect(exportLeRobotDataset([])).rejects.toThrow(/no episodes/);
    await expect(exportLeRobotDataset([syntheticEpisode(1, 3, 'a', 30), syntheticEpisode(2, 3, 'a', 15)])).rejects.toThrow(/15 fps, episode 0 at 30/);
    await expect(exportLeRobotDataset([syntheticEpisode(1, 3, 'a', 30), syntheticEpisode(2, 3, 'a', 30, [])])).rejects.toThrow(/cameras/);
  });
});

/** Minimal PNG decoder for the test: 8-bit RGB, non-interlaced, filters None/Sub/Up. */
function decodeRgbPng(png: Uint8Array): { width: number; height: number; rgb: number[] } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const body = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      expect([body[8], body[9], body[12]]).toEqual([8, 2, 0]);
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + len;
  }
  const raw = unzlibSync(Uint8Array.from(idat.flatMap((c) => Array.from(c))));
  const stride = width * 3;
  const rgb: number[] = [];
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const up = y > 0 ? rgb[(y - 1) * stride + x] : 0;
      const left = x >= 3 ? rgb[y * stride + x - 3] : 0;
      rgb.push(filter === 0 ? v : filter === 1 ? (v + left) & 0xff : filter === 2 ? (v + up) & 0xff : Number.NaN);
    }
  }
  return { width, height, rgb };
}

describe('exportLeRobotDataset (WebVLA scene columns)', () => {
  const withScene = (seed: number, scene?: { seed: number; family: string }) => {
    const ep = syntheticEpisode(seed, 4, `task ${seed}`, FPS, []);
    if (scene) ep.scene = scene;
    return ep;
  };

  it('writes each episode’s scene after LeRobot’s columns, null where an episode has none, and reads it back', async () => {
    const eps = [withScene(1, { seed: 42, family: 'pick' }), withScene(2), withScene(3, { seed: 2 ** 31 - 1, family: 'stack' })];
    const { files, info } = await exportLeRobotDataset(eps);
    const table = files.get('meta/episodes/chunk-000/file-000.parquet')!;
    const types = columnTypes(table);
    expect(Object.keys(types).slice(-4)).toEqual(['meta/episodes/chunk_index', 'meta/episodes/file_index', 'webvla_scene_seed', 'webvla_scene_family']);
    expect([types.webvla_scene_seed, types.webvla_scene_family]).toEqual(['INT64', 'BYTE_ARRAY']);
    const rows = await read(table);
    expect(rows.map((r) => [r.webvla_scene_seed, r.webvla_scene_family])).toEqual([
      [42n, 'pick'],
      [null, null],
      [BigInt(2 ** 31 - 1), 'stack'],
    ]);
    // Not features: LeRobot would look for them in the data parquet.
    expect(Object.keys(info.features).some((k) => k.includes('scene'))).toBe(false);
    expect(new TextDecoder().decode(files.get('meta/info.json'))).not.toContain('webvla');

    const ds = await readLeRobotDataset(zipDataset(files));
    expect(ds.episodes.map((e) => e.scene)).toEqual([{ seed: 42, family: 'pick' }, null, { seed: 2 ** 31 - 1, family: 'stack' }]);
  });

  it('writes no scene columns when no episode knows its scene', async () => {
    const { files } = await exportLeRobotDataset([withScene(1), withScene(2)]);
    const types = columnTypes(files.get('meta/episodes/chunk-000/file-000.parquet')!);
    expect(Object.keys(types).filter((k) => k.startsWith('webvla'))).toEqual([]);
    const ds = await readLeRobotDataset(files);
    expect(ds.episodes.map((e) => e.scene)).toEqual([null, null]);
  });

  it('refuses a scene that int64 and a family name cannot hold', async () => {
    await expect(exportLeRobotDataset([withScene(1, { seed: -1, family: 'pick' })])).rejects.toThrow(/episode 0: scene seed must be a whole number ≥ 0, got -1/);
    await expect(exportLeRobotDataset([withScene(1, { seed: 0.5, family: 'pick' })])).rejects.toThrow(/scene seed/);
    await expect(exportLeRobotDataset([withScene(1, { seed: 1, family: 'Pick it!' })])).rejects.toThrow(/scene family must be 1-40 lowercase letters or _, got "Pick it!"/);
  });
});
