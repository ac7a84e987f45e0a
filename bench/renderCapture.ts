/** Drives bench/render.html in Debian Chromium through a Vite dev server, and summarises the timings. */
import { chromium } from 'playwright-core';
import { createServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config';
import type { RenderBenchResult } from './renderPage';
import { type BenchRow, quantile } from './stats';

export async function benchRenderCapture(resolutions = [128, 224], frames = 60): Promise<BenchRow[]> {
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1' }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/bench/render.html`);
    await page.waitForFunction(() => typeof (window as unknown as { __bench?: unknown }).__bench === 'function', null, { timeout: 60_000 });
    const results = (await page.evaluate(
      ([r, f]) => (window as unknown as { __bench: (r: number[], f: number) => Promise<RenderBenchResult[]> }).__bench(r, f),
      [resolutions, frames] as const,
    )) as RenderBenchResult[];
    const gl = await page.evaluate(() => {
      const c = document.createElement('canvas').getContext('webgl2');
      const ext = c?.getExtension('WEBGL_debug_renderer_info');
      return ext && c ? String(c.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'unknown';
    });
    const where = `Chromium, ${gl.includes('SwiftShader') ? 'SwiftShader (CPU)' : gl}, ${frames} frames`;
    return results.flatMap((r) => {
      const b = quantile(r.baselineMs, 0.5);
      const row = (name: string, xs: number[]): BenchRow => ({
        name: `${name} ${r.resolution}×${r.resolution}`,
        value: quantile(xs, 0.5),
        unit: 'ms',
        p95: quantile(xs, 0.95),
        baseline: 'empty render + readback',
        baselineValue: b,
        ratio: quantile(xs, 0.5) / b,
        note: where,
      });
      return [row('policy camera render + readback', r.captureMs), row('  … redrawing the shadow map', r.captureWithShadowsMs)];
    });
  } finally {
    await browser.close();
    await server.close();
  }
}
