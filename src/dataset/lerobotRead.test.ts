import { describe, expect, it } from 'vitest';
import { fakeVideoEncoder, syntheticEpisode } from './datasetFixtures';
import { formatPath } from './layout';
import { exportLeRobotDataset } from './lerobotExport';
import { DatasetReadError, readEpisodeFrames, readLeRobotDataset } from './lerobotRead';
import { type Column, writeParquet } from './parquet';
import { unzipDataset, ZipFormatError, zipDataset } from './zipDataset';

async function dataset(lengths = [5, 9]) {
  const eps = lengths.map((len, i) => syntheticEpisode(i, len, `task ${i}`));
  return (await exportLeRobotDataset(eps, { encodeVideo: fakeVideoEncoder().encode })).files;
}

const editInfo = (files: Map<string, Uint8Array>, edit: (info: Record<string, unknown>) => void) => {
  const out = new Map(files);
  const info = JSON.parse(new TextDecoder().decode(files.get('meta/info.json')));
  edit(info);
  out.set('meta/info.json', new TextEncoder().encode(JSON.stringify(info)));
  return out;
};

describe('zipDataset', () => {
  it('round-trips every file byte for byte, storing videos uncompressed', async () => {
    const files = await dataset();
    const zip = zipDataset(files);
    const back = unzipDataset(zip);
    expect([...back.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [p, b] of files) expect(back.get(p), p).toEqual(b);
    // A stored entry's bytes appear verbatim in the archive.
    const mp4 = files.get('videos/observation.images.front/chunk-000/file-000.mp4')!;
    expect(Buffer.from(zip).includes(Buffer.from(mp4))).toBe(true);
    // Same input, same bytes (fixed timestamps).
    expect(zipDataset(files)).toEqual(zip);
  });

  it('refuses paths that would escape the dataset folder', () => {
    expect(() => zipDataset(new Map([['../evil', new Uint8Array(1)]]))).toThrow(/outside the dataset/);
  });
});

describe('readLeRobotDataset rejects malformed input', () => {
  it('rejects bytes that are not a zip', async () => {
    await expect(readLeRobotDataset(new TextEncoder().encode('hello, not a zip'))).rejects.toThrow(
      new DatasetReadError('cannot open the dataset: not a zip archive (it does not start with a zip signature)'),
    );
  });

  it('rejects a truncated zip', async () => {
    const zip = zipDataset(await dataset());
    expect(() => unzipDataset(zip.subarray(0, zip.length - 30))).toThrow(ZipFormatError);
    await expect(readLeRobotDataset(zip.subarray(0, Math.floor(zip.length / 2)))).rejects.toThrow(/cannot open the dataset: the zip archive is truncated or corrupt/);
  });

  it('rejects a dataset without meta/info.json', async () => {
    const files = await dataset();
    files.delete('meta/info.json');
    await expect(readLeRobotDataset(zipDataset(files))).rejects.toThrow('missing meta/info.json: this is not a LeRobotDataset');
  });

  it('rejects other codebase versions by name', async () => {
    const files = editInfo(await dataset(), (i) => {
      i.codebase_version = 'v2.1';
    });
    await expect(readLeRobotDataset(files)).rejects.toThrow(/codebase_version is "v2\.1"; this reader reads LeRobotDataset v3\.0 only/);
  });

  it('rejects info.json that is not JSON or misses fields', async () => {
    const files = await dataset();
    files.set('meta/info.json', new TextEncoder().encode('{"codebase_version": "v3.0",'));
    await expect(readLeRobotDataset(files)).rejects.toThrow(/meta\/info\.json is not valid JSON/);
    const noFps = editInfo(await dataset(), (i) => {
      delete i.fps;
    });
    await expect(readLeRobotDataset(noFps)).rejects.toThrow(/not a valid LeRobot v3\.0 info: fps/);
    const noAction = editInfo(await dataset(), (i) => {
      delete (i.features as Record<string, unknown>).action;
    });
    await expect(readLeRobotDataset(noAction)).rejects.toThrow(/features has no "action"/);
  });

  it('rejects totals that disagree with the tables', async () => {
    const frames = editInfo(await dataset(), (i) => {
      i.total_frames = 15;
    });
    await expect(readLeRobotDataset(frames)).rejects.toThrow('episode lengths add up to 14 frames but info.json says total_frames = 15');
    const episodes = editInfo(await dataset(), (i) => {
      i.total_episodes = 3;
    });
    await expect(readLeRobotDataset(episodes)).rejects.toThrow('the episodes table has 2 rows but info.json says total_episodes = 3');
    const tasks = editInfo(await dataset(), (i) => {
      i.total_tasks = 1;
    });
    await expect(readLeRobotDataset(tasks)).rejects.toThrow('meta/tasks.parquet has 2 tasks but info.json says total_tasks = 1');
  });

  it('rejects a data file whose row count disagrees with the episodes table', async () => {
    const files = await dataset([5, 9]);
    const other = await dataset([5, 8]);
    files.set('data/chunk-000/file-000.parquet', other.get('data/chunk-000/file-000.parquet')!);
    await expect(readLeRobotDataset(files)).rejects.toThrow('data/chunk-000/file-000.parquet has 13 rows but the episodes table puts 14 frames in it');
  });

  it('rejects missing tables and videos, and unreadable parquet', async () => {
    const noVideo = await dataset();
    noVideo.delete('videos/observation.images.wrist/chunk-000/file-000.mp4');
    await expect(readLeRobotDataset(noVideo)).rejects.toThrow(/missing videos\/observation\.images\.wrist\/chunk-000\/file-000\.mp4 \(video of observation\.images\.wrist for episode 0\)/);
    const noEpisodes = await dataset();
    noEpisodes.delete('meta/episodes/chunk-000/file-000.parquet');
    await expect(readLeRobotDataset(noEpisodes)).rejects.toThrow(/missing meta\/episodes\/chunk-000\/file-000\.parquet/);
    const junk = await dataset();
    junk.set('meta/tasks.parquet', new Uint8Array([1, 2, 3, 4]));
    await expect(readLeRobotDataset(junk)).rejects.toThrow(/meta\/tasks\.parquet is not a readable parquet table/);
  });

  it('reads a zip whose entries sit inside one top-level folder', async () => {
    const files = await dataset();
    const nested = new Map([...files].map(([p, b]) => [`my_dataset/${p}`, b] as const));
    const ds = await readLeRobotDataset(zipDataset(nested));
    expect(ds.episodes.length).toBe(2);
    const frames = await readEpisodeFrames(ds, 1);
    expect(frames.length).toBe(9);
    expect(frames.fps).toBe(30);
  });
});

describe('readLeRobotDataset: WebVLA scene columns', () => {
  it('decodes what is stored without judging it, and names a value of the wrong type instead of failing', async () => {
    const lengths = [2, 3, 4];
    const { files } = await exportLeRobotDataset(lengths.map((len, i) => syntheticEpisode(i, len, `task ${i}`, 30, [])));
    // Another writer's episodes table: LeRobot's columns the reader needs, then the given scene columns.
    const int = (name: string, values: (number | null)[]): Column => ({ name, type: 'int64', values });
    const starts = [0, 2, 5];
    const withScene = (scene: Column[]) => {
      const table = writeParquet([
        int('episode_index', [0, 1, 2]),
        { name: 'tasks', type: 'list', leaf: 'string', depth: 1, values: [['task 0'], ['task 1'], ['task 2']] },
        int('length', lengths),
        int('data/chunk_index', [0, 0, 0]),
        int('data/file_index', [0, 0, 0]),
        int('dataset_from_index', starts),
        int('dataset_to_index', starts.map((s, i) => s + lengths[i])),
        ...scene,
      ]);
      return new Map(files).set('meta/episodes/chunk-000/file-000.parquet', table);
    };
    const wrongTypes = await readLeRobotDataset(
      withScene([
        { name: 'webvla_scene_seed', type: 'string', values: ['seven', null, '-5'] },
        { name: 'webvla_scene_family', type: 'int64', values: [3, 1, null] },
      ]),
    );
    expect(wrongTypes.episodes.map((e) => e.scene)).toEqual([
      { error: 'webvla_scene_seed is seven, not a number' },
      { error: 'webvla_scene_seed is null, not a number' },
      { error: 'webvla_scene_seed is -5, not a number' },
    ]);
    // The episodes still replay: only the scene is unusable.
    expect((await readEpisodeFrames(wrongTypes, 2)).length).toBe(4);

    const outOfRange = await readLeRobotDataset(
      withScene([int('webvla_scene_seed', [-5, 2 ** 40, 3]), { name: 'webvla_scene_family', type: 'string', values: ['juggle', 'pick', null] }]),
    );
    expect(outOfRange.episodes.map((e) => e.scene)).toEqual([
      { seed: -5, family: 'juggle' },
      { seed: 2 ** 40, family: 'pick' },
      { error: 'webvla_scene_family is null, not a string' },
    ]);
  });
});

describe('formatPath', () => {
  it('fills LeRobot templates like Python str.format', () => {
    expect(formatPath('videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4', { video_key: 'observation.images.front', chunk_index: 2, file_index: 17 })).toBe(
      'videos/observation.images.front/chunk-002/file-017.mp4',
    );
    expect(() => formatPath('data/{chunk_index:03d}', {})).toThrow(/needs \{chunk_index\}/);
  });
});
