import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

const FIXTURES = join(process.cwd(), 'src', 'policy', 'fixtures');

/** Serve the runtime's fixture models at /test-models/<name>/ from disk, as a static host would. */
export async function serveFixtures(page: Page): Promise<void> {
  await page.route('**/test-models/**', async (route) => {
    const rel = new URL(route.request().url()).pathname.replace(/^.*\/test-models\//, '');
    try {
      const body = readFileSync(join(FIXTURES, rel));
      const type = rel.endsWith('.json') ? 'application/json' : 'application/octet-stream';
      await route.fulfill({ status: 200, body, headers: { 'content-type': type, 'content-length': String(body.length) } });
    } catch {
      await route.fulfill({ status: 404, body: 'not found', headers: { 'content-type': 'text/plain' } });
    }
  });
}

export async function jointValues(page: Page): Promise<number[]> {
  return (await page.getByTestId('joints').locator('b').allTextContents()).map(Number);
}

/** Console errors and uncaught page errors, collected for the whole test. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

export interface ImageStats {
  width: number;
  height: number;
  /** Standard deviation of luminance (0..255): near zero for a blank image. */
  std: number;
  /** 32×32 grey thumbnail, for comparing images of different sizes. */
  thumb: number[];
}

/** Read a canvas (WebGL or 2D) in the page and summarise it. */
export async function canvasStats(page: Page, testId: string): Promise<ImageStats> {
  return page.getByTestId(testId).evaluate((el) => {
    const src = el as HTMLCanvasElement;
    const c = document.createElement('canvas');
    c.width = 32;
    c.height = 32;
    const ctx = c.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    ctx.drawImage(src, 0, 0, 32, 32);
    const d = ctx.getImageData(0, 0, 32, 32).data;
    const thumb: number[] = [];
    for (let i = 0; i < d.length; i += 4) thumb.push(0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2]);
    const mean = thumb.reduce((a, b) => a + b, 0) / thumb.length;
    const std = Math.sqrt(thumb.reduce((a, b) => a + (b - mean) ** 2, 0) / thumb.length);
    return { width: src.width, height: src.height, std, thumb };
  });
}

export function meanAbsDiff(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i] - b[i]);
  return s / a.length;
}
