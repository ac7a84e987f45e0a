/** Runs in Chromium: inference latency of the fixture policies on a chosen backend, in the page itself. */
import type { BackendPreference } from '../src/policy/engine';
import { VlaPolicy } from '../src/policy/policy';
import { UrlModelSource } from '../src/policy/source';

async function run(heads: string[], prefer: BackendPreference, runs: number): Promise<Record<string, { backend: string; emulated: boolean; ms: number[] }>> {
  const out: Record<string, { backend: string; emulated: boolean; ms: number[] }> = {};
  for (const h of heads) {
    const p = await VlaPolicy.load(new UrlModelSource(`/src/policy/fixtures/${h}/`), prefer);
    const cam = p.manifest.cameras[0];
    const obs = { images: { [cam.name]: new Uint8Array(cam.width * cam.height * 4).fill(128) }, state: [0, -40, 40, 60, 0, 30], instruction: 'put the red cube in the blue bowl' };
    for (let i = 0; i < 3; i++) await p.predictChunk(obs, i);
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      await p.predictChunk(obs, i);
      ms.push(performance.now() - t0);
    }
    out[h] = { backend: p.backend.backend, emulated: p.backend.emulated, ms };
    await p.release();
  }
  return out;
}

(window as unknown as { __benchPolicy: typeof run }).__benchPolicy = run;
