/**
 * The closed loop in the real app (Chromium, WASM, fixture policy): loop round trip against inference alone,
 * main-thread frame time p95 with the policy running against idle, and action rate against inference rate
 * with asynchronous inference on and off.
 */
import type { Page } from 'playwright-core';
import { openBrowser, startDevServer } from './browser';
import { type BenchRow, quantile } from './stats';

const MODEL = '/src/policy/fixtures/tiny-regression/';

/** rAF frame-to-frame times in the page (a string, so the bundler's helpers do not leak into the page). */
async function frameTimes(page: Page, ms: number): Promise<number[]> {
  return page.evaluate(`new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const end = last + ${ms};
    const f = (t) => { out.push(t - last); last = t; if (t < end) requestAnimationFrame(f); else resolve(out); };
    requestAnimationFrame(f);
  })`) as Promise<number[]>;
}

const num = async (page: Page, id: string) => Number.parseFloat((await page.getByTestId(id).textContent()) ?? 'NaN');

async function runMode(page: Page, mode: 'async' | 'sync', seconds: number): Promise<{ action: number; inference: number; roundTrip: number; infer: number; frames: number[] }> {
  await page.getByTestId('loop-mode').selectOption(mode);
  await page.getByTestId('reset').click();
  await page.getByTestId('status-text').filter({ hasText: 'Idle' }).waitFor();
  await page.getByTestId('run').click();
  await page.waitForTimeout(1500);
  const frames = await frameTimes(page, seconds * 1000);
  const r = {
    action: await num(page, 'hud-action-rate'),
    inference: await num(page, 'hud-inference-rate'),
    roundTrip: await num(page, 'hud-p50-round-trip'),
    infer: await num(page, 'hud-p50-inference'),
    frames,
  };
  await page.getByTestId('stop').click();
  return r;
}

export async function benchAppLoop(): Promise<BenchRow[]> {
  const { server, origin } = await startDevServer();
  const { browser, page } = await openBrowser(origin);
  try {
    await page.getByTestId('status-text').filter({ hasText: 'Idle' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('model-url').fill(MODEL);
    await page.getByTestId('backend-pref').selectOption('wasm');
    await page.getByTestId('load-model').click();
    await page.getByTestId('model-status').filter({ hasText: 'Loaded' }).waitFor({ timeout: 120_000 });
    await page.waitForTimeout(1000);
    const idle = await frameTimes(page, 5000);
    const a = await runMode(page, 'async', 6);
    const s = await runMode(page, 'sync', 6);
    const p95Idle = quantile(idle, 0.95);
    const note = 'Chromium, SwiftShader WebGL, WASM, fixture regression policy';
    return [
      { name: 'loop round trip (capture + worker + inference)', value: a.roundTrip, unit: 'ms', baseline: 'inference alone', baselineValue: a.infer, ratio: a.roundTrip / a.infer, note },
      { name: 'main-thread frame time p95, policy running', value: quantile(a.frames, 0.95), unit: 'ms', baseline: 'idle', baselineValue: p95Idle, ratio: quantile(a.frames, 0.95) / p95Idle, note },
      { name: 'action rate, async inference', value: a.action, unit: '/s', baseline: 'inference rate', baselineValue: a.inference, ratio: a.action / a.inference, note: 'control 20 Hz' },
      { name: 'action rate, sync inference', value: s.action, unit: '/s', baseline: 'inference rate', baselineValue: s.inference, ratio: s.action / s.inference, note: 'control 20 Hz' },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}
