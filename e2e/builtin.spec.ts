import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers';

/**
 * A held-out seed (never used in training) where `npm run eval -- --model models/tabletop-mini-flow --task pick
 * --sync` sees the default model succeed, in 4.5 s of sim time (round 3's and round 4's weights solved it too, and
 * round 11's also with noise_scale 0: it does not hang on one lucky noise draw). This proves the whole loop (pixels, joints and
 * words in; actions out; success judged by the sim) with the shipped model in the app; the success rate over
 * many held-out seeds is `npm run eval`'s to measure.
 */
const SEED = '1000010';
const FAMILY = 'pick';

test.describe('built-in policy', () => {
  test('loads by default, lists its training instructions, flags unseen words and succeeds on a held-out scene', async ({ page }) => {
    test.setTimeout(240_000);
    const errors = collectErrors(page);
    await page.goto('/');
    await expect(page.getByTestId('model-status')).toContainText('Loaded tabletop-mini', { timeout: 60_000 });
    await expect(page.getByTestId('model-picker')).toHaveValue('tabletop-mini-flow');
    // The flow head's noise scale starts at the model's (1) and refuses what the runtime would.
    await expect(page.getByTestId('noise-scale')).toHaveValue('1');
    await page.getByTestId('noise-scale').fill('3');
    await expect(page.getByTestId('noise-scale-error')).toContainText('between 0 and 2');
    await expect(page.getByTestId('noise-scale')).toHaveValue('3');
    await page.getByTestId('noise-scale').fill('1');
    await expect(page.getByTestId('noise-scale-error')).toHaveCount(0);
    // The preview server sends COOP/COEP, as a host should: the page is isolated and WASM gets threads.
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    await expect(page.getByTestId('hud-reason')).toContainText(/\d threads/);
    // The policy's front camera is 96×96 and its wrist camera 64×64: the insets show exactly what it sees.
    await expect(page.getByTestId('inset-front')).toHaveAttribute('width', '96');
    await expect(page.getByTestId('inset-wrist')).toHaveAttribute('width', '64');
    await expect(page.getByTestId('trained-phrasings').locator('li').first()).toContainText('{colour}', { useInnerText: false });

    await page.getByTestId('instruction').fill('kindly put the red cube in the blue bowl');
    await expect(page.getByTestId('unseen-words')).toContainText('"kindly"');

    await page.getByTestId('family').selectOption(FAMILY);
    await page.getByTestId('seed').fill(SEED);
    await page.getByTestId('reset').click();
    await expect(page.getByTestId('unseen-words')).toHaveText(/Every word of this instruction/);
    // CPU-rendered frames are slow here: sync mode makes the world wait for the model, as `npm run eval -- --sync` does.
    await page.getByTestId('loop-mode').selectOption('sync');
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status-text')).toHaveText('Running');
    await expect(page.getByTestId('status-text')).toHaveText('Success', { timeout: 150_000 });
    // The plots show this run: a trace point per control tick and a latency sample per chunk.
    const ticks = Number(await page.getByTestId('plot-actions').getAttribute('data-ticks'));
    expect(ticks).toBeGreaterThan(20);
    await expect(page.getByTestId('plot-actions').locator('canvas')).toHaveCount(1);
    await expect(page.getByTestId('plots')).toContainText('joint targets (policy)');
    await expect(page.getByTestId('plot-actions')).toContainText('elbow');
    const samples = Number(await page.getByTestId('plot-latency').getAttribute('data-samples'));
    expect(samples).toBeGreaterThan(2);
    expect(samples).toBeLessThanOrEqual(ticks);
    await expect(page.getByTestId('latency-summary')).toContainText(`${samples} inferences`);
    expect(errors).toEqual([]);
  });
});
