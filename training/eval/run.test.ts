import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('npm run eval', () => {
  it('runs a policy in closed loop through the worker runtime and reports the expert beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'webvla-eval-'));
    const json = join(dir, 'eval.json');
    const trace = join(dir, 'trace.json');
    const out = execFileSync('npx', ['tsx', 'training/eval/run.ts', '--model', 'src/policy/fixtures/tiny-regression', '--episodes', '2', '--task', 'push', '--sync', '--parallel', '2', '--json', json, '--trace', trace], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(out).toMatch(/tiny-regression \(regression\) on wasm, sync inference, 2 page\(s\)/);
    const r = JSON.parse(readFileSync(json, 'utf8'));
    expect(r.mode).toBe('sync');
    expect(r.noise_scale).toBeNull();
    expect(r.samples).toBeNull();
    expect(r.seed_start).toBe(1_000_000);
    expect(r.families.push.episodes).toBe(2);
    // Random weights do not push anything anywhere; the expert does, on the same held-out seeds.
    expect(r.families.push.success_rate).toBe(0);
    expect(r.families.push.expert_success_rate).toBe(1);
    expect(r.overall).toEqual({ episodes: 2, successes: 0, success_rate: 0, expert_success_rate: 1 });
    // Two pages ran the episodes side by side; the report keeps seed order.
    expect(r.episodes.map((e: { seed: number }) => e.seed)).toEqual([1_000_000, 1_000_001]);
    // The failure is categorised from sim state, per episode and per family.
    for (const e of r.episodes) expect(['not_reached', 'wrong_object', 'pushed_short', 'pushed_wrong_way']).toContain(e.failure);
    const counts = r.families.push.failures as Record<string, number>;
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(2);
    expect(out).toMatch(/failures\s+wrong_object\s+not_reached/);
    // The table gives time to success (none here) and the expert's rate on the same seeds per family.
    expect(out).toMatch(/family\s+episodes\s+success\s+rate\s+mean steps\s+mean sim s\s+s to success\s+expert/);
    expect(out).toMatch(/push\s+2\s+0\s+0\.0 %.*-\s+100\.0 %/);
    // The trace holds a row per tick: joints, the policy's target, the shadow expert's, every object's position and
    // the objects the fingers touch.
    const traced = JSON.parse(readFileSync(trace, 'utf8'));
    expect(traced.map((e: { seed: number }) => e.seed)).toEqual([1_000_000, 1_000_001]);
    for (const [i, e] of traced.entries()) {
      expect(e.trace).toHaveLength(Math.round(r.episodes[i].sim_seconds * 20));
      const ids = Object.keys(e.trace[0].objects);
      expect(ids.length).toBeGreaterThanOrEqual(1);
      for (const row of e.trace) {
        expect(row.state).toHaveLength(6);
        expect(row.expert).toHaveLength(6);
        expect(Object.keys(row.objects)).toEqual(ids);
        for (const p of Object.values(row.objects) as number[][]) expect(p.length === 3 && p.every(Number.isFinite) && p[2] > 0).toBe(true);
        expect((row.touching as string[]).every((id) => ids.includes(id))).toBe(true);
      }
    }
  }, 300_000);

  it('runs a flow model with the noise scale and samples asked for, and says so; refuses either out of range or for other heads', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'webvla-eval-')), 'eval.json');
    const out = execFileSync('npx', ['tsx', 'training/eval/run.ts', '--model', 'src/policy/fixtures/tiny-flow', '--episodes', '1', '--task', 'pick', '--sync', '--noise-scale', '0', '--samples', '3', '--json', json], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(out).toMatch(/tiny-flow \(flow\) on wasm, sync inference, noise scale 0 \(the model says 1\), 3 sample\(s\) per chunk \(the model says 1\)/);
    const r = JSON.parse(readFileSync(json, 'utf8'));
    expect([r.noise_scale, r.samples]).toEqual([0, 3]);
    const run = (...extra: string[]) => execFileSync('npx', ['tsx', 'training/eval/run.ts', '--episodes', '1', '--task', 'pick', ...extra], { stdio: 'pipe' });
    expect(() => run('--model', 'src/policy/fixtures/tiny-flow', '--noise-scale', '3')).toThrow(/noise scale must be between 0 and 2, not 3/);
    expect(() => run('--model', 'src/policy/fixtures/tiny-regression', '--noise-scale', '0.5')).toThrow(/applies to flow models only/);
    expect(() => run('--model', 'src/policy/fixtures/tiny-flow', '--samples', '40')).toThrow(/flow samples must be a whole number from 1 to 32, not 40/);
    expect(() => run('--model', 'src/policy/fixtures/tiny-regression', '--samples', '4')).toThrow(/--samples applies to flow models only/);
  }, 300_000);

  it('refuses a model folder outside the project', () => {
    expect(() => execFileSync('npx', ['tsx', 'training/eval/run.ts', '--model', '/etc'], { stdio: 'pipe' })).toThrow(/inside this project/);
  });
});
