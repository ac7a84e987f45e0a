import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { readEpisodeFrames, readLeRobotDataset } from '../src/dataset/lerobotRead';
import { collectErrors } from './helpers';

test('records two expert episodes and exports a LeRobotDataset v3.0 zip that reads back', async ({ page }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  await page.goto('/');
  await page.getByTestId('family').selectOption('pick');
  await expect(page.getByTestId('model-status')).toContainText('Loaded', { timeout: 60_000 });
  await page.getByTestId('record').click();
  for (const seed of ['11', '12']) {
    await page.getByTestId('seed').fill(seed);
    await page.getByTestId('reset').click();
    await page.getByTestId('expert').click();
    await expect(page.getByTestId('status-text')).toHaveText('Success', { timeout: 120_000 });
  }
  await page.getByTestId('record').click();
  await expect(page.getByTestId('record-status')).toContainText(/^2 episodes, \d+ frames recorded/);
  const frames = Number(/(\d+) frames/.exec((await page.getByTestId('record-status').textContent()) ?? '')?.[1]);

  const download = page.waitForEvent('download');
  await page.getByTestId('export-dataset').click();
  const file = await (await download).path();
  await expect(page.getByTestId('export-message')).toContainText(`Exported 2 episodes, ${frames} frames`);
  const ds = await readLeRobotDataset(new Uint8Array(readFileSync(file)));
  expect(ds.info.codebase_version).toBe('v3.0');
  expect(ds.info.robot_type).toBe('so101_follower');
  expect(ds.info.fps).toBe(20);
  expect(ds.info.total_episodes).toBe(2);
  expect(ds.info.total_frames).toBe(frames);
  expect(ds.episodes.reduce((n, e) => n + e.length, 0)).toBe(frames);
  expect(ds.tasks[0]).toMatch(/pick|lift|grab|raise/);
  // Each episode names the scene it was recorded in, for replay.
  expect(ds.episodes.map((e) => e.scene)).toEqual([
    { seed: 11, family: 'pick' },
    { seed: 12, family: 'pick' },
  ]);
  const front = ds.info.features['observation.images.front'];
  expect(['video', 'image']).toContain(front.dtype);
  // At the built-in model's camera sizes: front 96×96, wrist 64×64.
  expect(front.shape).toEqual([96, 96, 3]);
  expect(ds.info.features['observation.images.wrist'].shape).toEqual([64, 64, 3]);
  if (front.dtype === 'image') await expect(page.getByTestId('export-message')).toContainText('PNG frames');
  else expect([...ds.files.keys()].some((p) => p.startsWith('videos/observation.images.front/') && p.endsWith('.mp4'))).toBe(true);
  const ep = await readEpisodeFrames(ds, 1);
  expect(ep.timestamps[ep.length - 1]).toBeCloseTo((ep.length - 1) / 20, 5);
  // Joint states in LeRobot degrees: the arm moved during the episode.
  const pan = Array.from({ length: ep.length }, (_, i) => ep.state[i * 6]);
  expect(Math.max(...pan) - Math.min(...pan)).toBeGreaterThan(1);

  // Replay: the exported zip loads back into the app, puts back the scene episode 1 was recorded in (the app
  // shows another one now), and its actions drive the sim arm.
  await page.getByTestId('seed').fill('5');
  await page.getByTestId('reset').click();
  await page.getByTestId('family').selectOption('place');
  await page.getByTestId('replay-file').setInputFiles(file);
  await expect(page.getByTestId('replay-episode').locator('option')).toHaveCount(2);
  await page.getByTestId('replay-episode').selectOption('1');
  await page.getByTestId('replay').click();
  await expect(page.getByTestId('replay-status')).toContainText(`Replaying episode 1: frame`);
  await expect(page.getByTestId('replay-message')).toHaveText('Replaying in the scene it was recorded in: seed 12, pick.');
  await expect(page.getByTestId('seed')).toHaveValue('12');
  await expect(page.getByTestId('family')).toHaveValue('pick');
  await expect(page.getByTestId('replay-status')).toBeHidden({ timeout: 120_000 });
  expect(errors).toEqual([]);
});
