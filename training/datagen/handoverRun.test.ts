/**
 * datagen --handover end to end: the built-in policy drives the start of each episode in headless Chromium, the
 * expert takes over, and only the expert's part is written, with its heatmap targets.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { radiansToAction } from '../../src/sim/units';
import { HOME_Q } from '../../src/sim/world';
import { handoverTick } from './handover';

const run = (args: string[]) => execFileSync('npx', ['tsx', 'training/datagen/run.ts', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });

describe('datagen --handover', () => {
  it('records the expert taking over from the policy, from where the policy left the arm', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'webvla-handover-')), 'demos');
    const seeds = [11, 12];
    for (const s of seeds) expect(handoverTick(s, 4, 20)).toBeGreaterThan(10);
    const log = run(['--episodes', '2', '--seed-start', '11', '--task', 'place', '--res', '64', '--front-res', '96', '--handover', 'models/tabletop-mini-flow', '--handover-seconds', '4', '--out', out]);
    expect(log).toMatch(/the expert takes over from tabletop-mini-flow \(flow\) after 0 to 4 s/);
    const written = readdirSync(out).sort();
    // An episode the policy solved within its share is not written: both here are far too short for that.
    expect(written).toEqual(['episode_0000011', 'episode_0000012']);
    for (const [i, name] of written.entries()) {
      const dir = join(out, name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      expect(meta.handoverTicks).toBe(handoverTick(seeds[i], 4, 20));
      expect(meta.handoverModel).toBe('tabletop-mini-flow');
      // Place episodes, but handing over at a time, not at a release.
      expect(meta.handoverEvent).toBe('time');
      expect(meta.policySolved).toBe(false);
      expect(meta.success).toBe(true);
      expect(statSync(join(dir, 'front.u8')).size).toBe(meta.steps * 96 * 96 * 3);
      expect(statSync(join(dir, 'targets.f32')).size).toBe(meta.steps * 2 * 2 * 3 * 4);
      // The first recorded state is where the policy brought the arm, not the scene's rest pose.
      const raw = readFileSync(join(dir, 'state.f32'));
      const first = new Float32Array(raw.buffer, raw.byteOffset, 6);
      const home = radiansToAction(HOME_Q);
      const moved = Math.max(...Array.from(first.subarray(0, 5), (v, j) => Math.abs(v - home[j])));
      expect(moved).toBeGreaterThan(3);
      // The targets hold normalised image points, mostly visible in the front camera.
      const tr = readFileSync(join(dir, 'targets.f32'));
      const t = new Float32Array(tr.buffer, tr.byteOffset, tr.byteLength / 4);
      let visible = 0;
      for (let k = 0; k < meta.steps; k++) if (t[k * 12 + 2] === 1 && t[k * 12] > 0 && t[k * 12] < 1) visible++;
      expect(visible).toBeGreaterThan(meta.steps * 0.8);
    }
    // A model that sees other camera sizes than the run records is refused before anything is written.
    expect(() => run(['--episodes', '1', '--seed-start', '11', '--task', 'place', '--res', '64', '--handover', 'models/tabletop-mini-flow', '--out', join(out, 'never')])).toThrow(/match --res \/ --front-res to the model/);
    expect(() => run(['--episodes', '1', '--seed-start', '11', '--task', 'pick', '--handover', 'models/tabletop-mini-flow', '--handover-seconds', '15', '--out', join(out, 'never')])).toThrow(/--handover-seconds must be between 1 and 14/);
    expect(() => run(['--episodes', '1', '--seed-start', '11', '--task', 'stack', '--handover', 'models/tabletop-mini-flow', '--handover-at', 'grasp', '--out', join(out, 'never')])).toThrow(/--handover-at must be 'time' or 'release', not "grasp"/);
    expect(() => run(['--episodes', '1', '--seed-start', '11', '--task', 'stack', '--handover', 'models/tabletop-mini-flow', '--fumble', '--out', join(out, 'never')])).toThrow(/--fumble records the expert from the start: not with --handover/);
  }, 300_000);

  it("training keeps the teacher's word off handover recordings, which start where the teacher went wrong", () => {
    const script = `
import sys, json, numpy as np, torch
sys.path.insert(0, "training")
import train, model
def ep(handover):
    n = 10
    return {"meta": {"handoverTicks": handover}, "cams": {"front": np.zeros((n, 8, 8, 3), np.uint8), "wrist": np.zeros((n, 8, 8, 3), np.uint8)}, "frame_of": np.arange(n),
            "state": np.zeros((n, 6), np.float32), "action": np.zeros((n, 6), np.float32), "ids": [0] * 4, "mask": [1] * 4, "aux": None, "targets": None}
eps = [ep(0), ep(37)]
st = train.stats(eps)
s = train.Sampler(eps, st, 4, "flow", 0, 1, 0)
s.batch(64, augment=False)
taught = s.last_taught.tolist()
print(json.dumps({"agree": all(t == (1.0 if i == 0 else 0.0) for (i, _), t in zip(s.last_picks, taught)), "both": sorted(set(taught)),
                  "masked": float(model.masked_mean(torch.tensor([1.0, 3.0, 5.0]), torch.tensor([0.0, 1.0, 1.0]))),
                  "none": float(model.masked_mean(torch.tensor([1.0, 3.0]), torch.tensor([0.0, 0.0]))),
                  "all": float(model.masked_mean(torch.tensor([1.0, 3.0])))}))
`;
    const r = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }));
    expect(r).toEqual({ agree: true, both: [0, 1], masked: 4, none: 0, all: 2 });
  });
});
