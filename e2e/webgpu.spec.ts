import { expect, test } from '@playwright/test';
import { collectErrors, jointValues, serveFixtures } from './helpers';

test('with a WebGPU adapter, the policy runs on webgpu and drives the arm', async ({ page }) => {
  const errors = collectErrors(page);
  await serveFixtures(page);
  await page.goto('/');
  expect(await page.evaluate(async () => !!(await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()))).toBe(true);
  await page.getByTestId('model-url').fill('/test-models/tiny-flow/');
  await page.getByTestId('load-model').click();
  await expect(page.getByTestId('model-status')).toContainText('Loaded tiny-flow', { timeout: 90_000 });
  await expect(page.getByTestId('hud-backend')).toHaveText('webgpu');
  await expect(page.getByTestId('hud')).toContainText('emulated');
  // Emulated WebGPU takes about a second per chunk, longer than a chunk lasts: sync mode makes the world wait.
  await page.getByTestId('loop-mode').selectOption('sync');
  const before = await jointValues(page);
  await page.getByTestId('run').click();
  await expect.poll(async () => Number(await page.getByTestId('hud-inferences').textContent()), { timeout: 60_000 }).toBeGreaterThan(2);
  const after = await jointValues(page);
  expect(after.slice(0, 5).some((v, i) => Math.abs(v - before[i]) > 1)).toBe(true);
  await page.getByTestId('stop').click();
  expect(errors).toEqual([]);
});
