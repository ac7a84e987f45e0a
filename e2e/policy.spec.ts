import { expect, test } from '@playwright/test';
import { collectErrors, jointValues, serveFixtures } from './helpers';

test.describe('policy runtime', () => {
  test('loads a fixture model on WASM and drives the arm in a closed loop', async ({ page }) => {
    const errors = collectErrors(page);
    await serveFixtures(page);
    await page.goto('/');
    await expect(page.getByTestId('status-text')).toHaveText('Idle');
    await page.getByTestId('model-url').fill('/test-models/tiny-regression/');
    await page.getByTestId('load-model').click();
    await expect(page.getByTestId('model-status')).toContainText('Loaded tiny-regression', { timeout: 60_000 });
    // No WebGPU flag: the fallback is taken and the HUD says why.
    await expect(page.getByTestId('hud-backend')).toHaveText('wasm');
    await expect(page.getByTestId('hud-reason')).toContainText(/WebGPU/);
    // The policy's camera is 32×32: the inset follows it.
    await expect(page.getByTestId('inset-front')).toHaveAttribute('width', '32');
    const before = await jointValues(page);
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    await expect.poll(async () => Number(await page.getByTestId('hud-inferences').textContent()), { timeout: 30_000 }).toBeGreaterThan(3);
    const after = await jointValues(page);
    const moved = after.slice(0, 5).some((v, i) => Math.abs(v - before[i]) > 1);
    expect(moved).toBe(true);
    await page.getByTestId('stop').click();
    await expect(page.getByTestId('status-text')).toHaveText('Stopped');
    expect(errors).toEqual([]);
  });

  test('broken models give specific errors and the loaded model stays usable', async ({ page }) => {
    const errors = collectErrors(page);
    await serveFixtures(page);
    await page.goto('/');
    await page.getByTestId('model-url').fill('/test-models/tiny-bins/');
    await page.getByTestId('load-model').click();
    await expect(page.getByTestId('model-status')).toContainText('Loaded tiny-bins', { timeout: 60_000 });

    await page.getByTestId('model-url').fill('/test-models/no-such-model/');
    await page.getByTestId('load-model').click();
    await expect(page.getByTestId('model-status')).toContainText('policy.json is missing');

    await page.getByTestId('model-url').fill('/test-models/tiny-regression/tokenizer/');
    await page.getByTestId('load-model').click();
    await expect(page.getByTestId('model-status')).toContainText('policy.json is missing');

    // The bins model is still loaded and runs.
    await page.getByTestId('run').click();
    await expect.poll(async () => Number(await page.getByTestId('hud-inferences').textContent()), { timeout: 30_000 }).toBeGreaterThan(2);
    await page.getByTestId('stop').click();
    expect(errors).toEqual([]);
  });

  test('a model that outputs NaN: chunks are dropped and counted, the arm holds', async ({ page }) => {
    const errors = collectErrors(page);
    await serveFixtures(page);
    await page.goto('/');
    await page.getByTestId('model-url').fill('/test-models/tiny-nan/');
    await page.getByTestId('load-model').click();
    await expect(page.getByTestId('model-status')).toContainText('Loaded tiny-nan', { timeout: 60_000 });
    const before = await jointValues(page);
    await page.getByTestId('run').click();
    await expect.poll(async () => Number(await page.getByTestId('hud-nan').textContent()), { timeout: 30_000 }).toBeGreaterThan(2);
    const after = await jointValues(page);
    for (let i = 0; i < 5; i++) expect(Math.abs(after[i] - before[i])).toBeLessThan(0.5);
    expect(errors).toEqual([]);
  });
});
