import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run datagen', () => {
  it('records an expert episode with images, state, action and instruction in headless Chromium', () => {
    const out = mkdtempSync(join(tmpdir(), 'webvla-datagen-'));
    execFileSync('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '2', '--seed-start', '5', '--task', 'push', '--res', '32', '--out', out], { stdio: 'pipe', timeout: 120_000 });
    const episodes = readdirSync(out).sort();
    expect(episodes).toEqual(['episode_0000005', 'episode_0000006']);
    for (const e of episodes) {
      const dir = join(out, e);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      expect(meta.family).toBe('push');
      expect(meta.instruction).toMatch(/push|slide|shove/);
      expect(meta.success).toBe(true);
      expect(meta.cameras).toEqual(['front', 'wrist']);
      expect(statSync(join(dir, 'state.f32')).size).toBe(meta.steps * 6 * 4);
      expect(statSync(join(dir, 'action.f32')).size).toBe(meta.steps * 6 * 4);
      const front = readFileSync(join(dir, 'front.u8'));
      expect(front.length).toBe(meta.steps * 32 * 32 * 3);
      // Real pixels, not a blank buffer.
      const first = front.subarray(0, 32 * 32 * 3);
      expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(50);
      const state = new Float32Array(readFileSync(join(dir, 'state.f32')).buffer.slice(0));
      expect(state.every(Number.isFinite)).toBe(true);
    }
  });

  it('refuses the seeds reserved for evaluation', () => {
    expect(() => execFileSync('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '2', '--seed-start', '999999', '--out', join(tmpdir(), 'never')], { stdio: 'pipe' })).toThrow(/reserved for evaluation/);
  });
});
