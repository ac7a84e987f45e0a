/**
 * datagen --fumble end to end in headless Chromium: a pick whose first grasp misses is written with the missed
 * part marked for training to skip, its heatmap targets beside it, and the empty shut hand after it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('datagen --fumble', () => {
  it('records a missed grasp, marks it, and goes on from the empty hand', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'webvla-fumble-')), 'demos');
    execFileSync('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '1', '--seed-start', '5000', '--task', 'pick', '--res', '32', '--fumble', '--out', out], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 240_000,
    });
    const dir = join(out, 'episode_0005000');
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    expect(meta.fumble).toBe('miss');
    expect(meta.success).toBe(true);
    const [from, to] = meta.skip as [number, number];
    expect(from).toBeGreaterThan(0);
    expect(to).toBeGreaterThan(from);
    expect(to).toBeLessThan(meta.steps);
    // Where the marked part ends the jaws are shut on nothing (0 is shut; a held object keeps them apart).
    const raw = readFileSync(join(dir, 'state.f32'));
    const state = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    expect(state[to * 6 + 5]).toBeLessThan(3);
    // The page wrote the heatmap targets (a fall does not replay exactly in Node).
    expect(statSync(join(dir, 'targets.f32')).size).toBe(meta.steps * 2 * 2 * 3 * 4);
  });
});
