import { expect, test } from '@playwright/test';
import { collectErrors, serveFixtures } from './helpers';

test.describe('share links and model loading', () => {
  test('a share link opens the same seed, task, instruction and mode; Share reproduces it', async ({ page, context }) => {
    const errors = collectErrors(page);
    const instruction = 'push the blue cube to the left';
    await page.goto(`/#seed=7&family=push&instruction=${encodeURIComponent(instruction)}&mode=sync&eye=-0.5,0.3,0.5&target=0.2,0,0`);
    await expect(page.getByTestId('seed')).toHaveValue('7');
    await expect(page.getByTestId('instruction')).toHaveValue(instruction);
    await expect(page.getByTestId('loop-mode')).toHaveValue('sync');
    await expect(page.getByTestId('model-status')).toContainText('Loaded', { timeout: 60_000 });
    await page.getByTestId('share').click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toContain('seed=7');
    expect(link).toContain('family=push');
    expect(link).toContain('mode=sync');
    expect(link).toMatch(/eye=-0\.5%2C0\.3%2C0\.5/);
    expect(link).toMatch(/model=tabletop-mini-/);
    // Anyone opening the link gets the same demo.
    const other = await context.newPage();
    await other.goto(link);
    await expect(other.getByTestId('seed')).toHaveValue('7');
    await expect(other.getByTestId('instruction')).toHaveValue(instruction);
    await expect(other.getByTestId('family')).toHaveValue('push');
    expect(errors).toEqual([]);
  });

  test('a hostile link is refused with a message and nothing from it applies', async ({ page }) => {
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await page.goto('/#seed=5&model=javascript:alert(1)');
    await expect(page.getByTestId('error')).toContainText('This link is not valid: model must be an http(s) URL, not javascript:');
    await expect(page.getByTestId('seed')).toHaveValue('0');
    await page.goto('/#seed=99999999999999&onload=x');
    await page.reload();
    await expect(page.getByTestId('error')).toContainText('unknown setting "onload"');
    expect(dialogs).toBe(0);
  });

  test('a link naming a remote model downloads nothing until the person checks its size and agrees', async ({ page }) => {
    const errors = collectErrors(page);
    await serveFixtures(page);
    const requested: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/test-models/')) requested.push(r.url());
    });
    await page.goto(`/#model=${encodeURIComponent('http://127.0.0.1:4173/test-models/tiny-bins/')}`);
    await expect(page.getByTestId('remote-offer')).toContainText('127.0.0.1:4173');
    await expect(page.getByTestId('model-status')).toContainText('Loaded tabletop-mini', { timeout: 60_000 });
    expect(requested).toEqual([]);
    await page.getByTestId('remote-check').click();
    await expect(page.getByTestId('remote-size')).toContainText(/tiny-bins: [\d.]+ kB in 4 files/);
    await page.getByTestId('remote-load').click();
    await expect(page.getByTestId('model-status')).toContainText('Loaded tiny-bins', { timeout: 60_000 });
    expect(errors).toEqual([]);
  });

  test('a model from a URL shows download progress to 100 %, and the next load comes from the cache', async ({ page }) => {
    const errors = collectErrors(page);
    await serveFixtures(page);
    await page.goto('/');
    await expect(page.getByTestId('model-status')).toContainText('Loaded tabletop-mini', { timeout: 60_000 });
    await page.getByTestId('clear-cache').click();
    await expect(page.getByText('Model cache cleared')).toBeVisible();
    await page.getByTestId('model-url').fill('/test-models/tiny-flow/');
    await page.getByTestId('load-model').click();
    await expect(page.getByTestId('model-status')).toContainText('Loaded tiny-flow', { timeout: 60_000 });
    await expect(page.getByTestId('load-progress-text')).toHaveText(/^([\d.]+ kB) of \1 \(100 %\)$/);
    await expect(page.getByTestId('model-status')).toContainText('downloaded');

    await page.reload();
    await expect(page.getByTestId('model-status')).toContainText('Loaded tabletop-mini', { timeout: 60_000 });
    await page.getByTestId('model-url').fill('/test-models/tiny-flow/');
    await page.getByTestId('load-model').click();
    await expect(page.getByTestId('model-status')).toContainText('Loaded tiny-flow', { timeout: 60_000 });
    await expect(page.getByTestId('model-status')).toContainText('from the cache');
    await expect(page.getByTestId('load-progress-text')).toContainText('5 of 5 files from cache');
    expect(errors).toEqual([]);
  });
});
