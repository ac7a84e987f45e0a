/**
 * Inference latency per head in Chromium: WASM, and WebGPU on SwiftShader (marked "emulated": it proves the
 * path works, it says nothing about GPU speed). Ratios are against WASM in the same browser run.
 */
import { openBrowser, startDevServer } from './browser';
import { HEADS, timeHead } from './policyNode';
import { type BenchRow, quantile } from './stats';

type Result = Record<string, { backend: string; emulated: boolean; ms: number[] }>;

async function runIn(origin: string, prefer: 'wasm' | 'webgpu', runs: number): Promise<Result> {
  const { browser, page } = await openBrowser(origin, prefer === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
  try {
    await page.goto(`${origin}/bench/policy.html`);
    await page.waitForFunction(() => typeof (window as unknown as { __benchPolicy?: unknown }).__benchPolicy === 'function', null, { timeout: 60_000 });
    return (await page.evaluate(
      ([h, p, n]) => (window as unknown as { __benchPolicy: (h: string[], p: string, n: number) => Promise<Result> }).__benchPolicy(h, p, n),
      [[...HEADS] as string[], prefer, runs] as [string[], string, number],
    )) as Result;
  } finally {
    await browser.close();
  }
}

export async function benchPolicyBrowser(): Promise<BenchRow[]> {
  const { server, origin } = await startDevServer();
  try {
    const wasm = await runIn(origin, 'wasm', 30);
    const gpu = await runIn(origin, 'webgpu', 5);
    const rows: BenchRow[] = [];
    for (const h of HEADS) {
      const w = quantile(wasm[h].ms, 0.5);
      const node = quantile(await timeHead(h), 0.5);
      rows.push({
        name: `inference ${h.replace('tiny-', '')} head, WASM, Chromium`,
        value: w,
        unit: 'ms',
        p95: quantile(wasm[h].ms, 0.95),
        baseline: 'WASM in Node, same head',
        baselineValue: node,
        ratio: w / node,
        note: '30 runs',
      });
      const g = gpu[h];
      const tag = g.backend !== 'webgpu' ? `fell back to ${g.backend}` : g.emulated ? 'emulated (SwiftShader)' : 'real adapter';
      rows.push({
        name: `inference ${h.replace('tiny-', '')} head, WebGPU, Chromium`,
        value: quantile(g.ms, 0.5),
        unit: 'ms',
        p95: quantile(g.ms, 0.95),
        baseline: 'WASM, same head',
        baselineValue: w,
        ratio: quantile(g.ms, 0.5) / w,
        note: `${tag}, 5 runs`,
      });
    }
    return rows;
  } finally {
    await server.close();
  }
}
