import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers';
import { startStaticHost } from './staticHost';

/**
 * The static build (`npm run build`, relative base) on a plain file host under a sub-path, as GitHub Pages or a
 * bucket would serve it, without COOP/COEP: everything loads from under that path, the built-in model included,
 * and the HUD says inference runs single-threaded. (The preview server the other specs use sends the headers;
 * builtin.spec.ts checks that the HUD reports threads there.)
 */
const PREFIX = '/team/webvla/';
const DIST = join(process.cwd(), 'dist');

test('static host under a sub-path, without COOP/COEP', async ({ page }) => {
  const host = await startStaticHost(DIST, PREFIX, false);
  try {
    const errors = collectErrors(page);
    await page.goto(`${host.origin}${PREFIX}`);
    await expect(page.getByTestId('model-status')).toContainText('Loaded tabletop-mini', { timeout: 60_000 });
    await expect(page.getByTestId('hud-reason')).toContainText('single-threaded: the page is not cross-origin isolated');
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(false);
    // Nothing was asked of the host outside the sub-path (a root-relative asset would 404 on a real host).
    expect(host.requests.filter((p) => !p.startsWith(PREFIX))).toEqual([]);
    expect(host.requests.some((p) => p.endsWith('.wasm'))).toBe(true);
    expect(host.requests.some((p) => p.startsWith(`${PREFIX}models/tabletop-mini`))).toBe(true);
    expect(errors).toEqual([]);
  } finally {
    await host.close();
  }
});
