/** A Vite dev server and Debian Chromium for the in-browser benchmarks. */
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from '../playwright.config';

export interface BenchBrowser {
  browser: Browser;
  page: Page;
  origin: string;
  close(): Promise<void>;
}

export async function startDevServer(): Promise<{ server: ViteDevServer; origin: string }> {
  // No watching and no HMR: a long datagen/eval/bench run must not reload its page when someone edits a file.
  const server = await createServer({ configFile: 'vite.config.ts', server: { port: 0, host: '127.0.0.1', hmr: false, watch: null }, logLevel: 'error' });
  await server.listen();
  const address = server.httpServer?.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server, origin: `http://127.0.0.1:${port}` };
}

export async function openBrowser(origin: string, extraArgs: string[] = []): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...extraArgs], headless: true });
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  await page.goto(`${origin}/`);
  return { browser, page };
}
