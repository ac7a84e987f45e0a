/**
 * datagen --tail end to end in headless Chromium: a stack recorded with one second past success ends with 20
 * more steps of the expert with its jaws open, the tool never lower than where it was at success and, by the
 * end, above the carry height, clear of the stack (ScriptedExpert.finish; its Node test checks the stack stays built).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPERT } from '../../src/sim/expert';
import { forwardKinematics } from '../../src/sim/kinematics';
import { actionToRadians } from '../../src/sim/units';

const SEED = 20362; // a stack the expert builds well inside the time limit

function record(extra: string[]): { meta: Record<string, unknown>; state: Float32Array; action: Float32Array } {
  const out = join(mkdtempSync(join(tmpdir(), 'webvla-tail-')), 'demos');
  const args = ['tsx', 'training/datagen/run.ts', '--episodes', '1', '--seed-start', String(SEED), '--task', 'stack', '--res', '32', '--frame-every', '4', '--out', out, ...extra];
  execFileSync('npx', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
  const dir = join(out, `episode_00${SEED}`);
  const f32 = (name: string) => {
    const raw = readFileSync(join(dir, name));
    return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  };
  return { meta: JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')), state: f32('state.f32'), action: f32('action.f32') };
}

describe('datagen --tail', () => {
  it('records one more second of the expert past success, lifting clear', () => {
    const tail = record(['--tail', '1']);
    expect(tail.meta.success).toBe(true);
    expect(tail.meta.tailSteps).toBe(20);
    const n = (tail.meta.steps as number) - 20;
    expect(tail.state).toHaveLength((n + 20) * 6);
    // Images: every 4th step, the tail's too.
    expect((tail.meta.imageSteps as number[]).filter((s) => s >= n)).toHaveLength(5);
    const toolZ = (s: Float32Array, i: number) => forwardKinematics(actionToRadians(s.subarray(i * 6, i * 6 + 6))).p[2];
    for (let i = n; i < n + 20; i++) {
      expect(tail.action[i * 6 + 5]).toBeCloseTo(EXPERT.open, 3);
      expect(toolZ(tail.state, i)).toBeGreaterThan(toolZ(tail.state, n - 1) - 0.005);
    }
    expect(toolZ(tail.state, n + 19)).toBeGreaterThan(EXPERT.carryZ + 0.02 - EXPERT.arriveTol);
  }, 240_000);

  it('refuses a tail past 3 s before it opens a browser', () => {
    expect(() => execFileSync('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '1', '--tail', '4', '--out', join(tmpdir(), 'webvla-tail-never')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })).toThrow(/--tail must be between 0 and 3 s/);
  });
});
