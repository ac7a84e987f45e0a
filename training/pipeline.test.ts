/**
 * The training pipeline end to end, small: record demonstrations in headless Chromium, train both heads for a
 * few steps (bins under torchrun with 2 processes, DDP on gloo), export, and check that the exported graphs in
 * onnxruntime-web (WASM, Node) match PyTorch's outputs on saved inputs, and that the runtime loads them.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FsModelSource } from '../src/policy/fsSource';
import { VlaPolicy } from '../src/policy/policy';
import { checkParity, PARITY_TOLERANCE } from './parity';
import { replayTargets } from './sceneTargets';

const work = mkdtempSync(join(tmpdir(), 'webvla-pipeline-'));
const data = join(work, 'demos');
const tok = join(work, 'tokenizer');
const RES = 32;

function run(cmd: string, args: string[], timeout = 240_000): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout });
}

describe('training pipeline', () => {
  beforeAll(() => {
    run('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '2', '--seed-start', '5', '--task', 'push', '--res', String(RES), '--out', data]);
    run('npx', ['tsx', 'training/makeTokenizer.ts', tok, '16']);
  }, 300_000);

  it('datagen records expert episodes: images, state, action, instruction', () => {
    const episodes = readdirSync(data).sort();
    expect(episodes).toEqual(['episode_0000005', 'episode_0000006']);
    for (const e of episodes) {
      const dir = join(data, e);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      expect(meta.family).toBe('push');
      expect(meta.instruction).toMatch(/push|slide|shove/);
      expect(meta.success).toBe(true);
      expect(statSync(join(dir, 'state.f32')).size).toBe(meta.steps * 6 * 4);
      expect(statSync(join(dir, 'action.f32')).size).toBe(meta.steps * 6 * 4);
      const front = readFileSync(join(dir, 'front.u8'));
      expect(front.length).toBe(meta.steps * RES * RES * 3);
      const first = front.subarray(0, RES * RES * 3);
      expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(50);
    }
    expect(() => run('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '2', '--seed-start', '999999', '--out', join(work, 'never')])).toThrow(/reserved for evaluation/);
  });

  it("datagen writes each recording's heatmap targets, the same as a Node replay of its seed gives", async () => {
    const dir = join(data, 'episode_0000005');
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    const raw = readFileSync(join(dir, 'targets.f32'));
    const page = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    expect(page.length).toBe(meta.steps * 2 * 2 * 3);
    const st = readFileSync(join(dir, 'state.f32'));
    const replay = await replayTargets(meta, new Float32Array(st.buffer, st.byteOffset, st.byteLength / 4));
    expect(replay.stateError).toBeLessThan(0.01);
    let worst = 0;
    let visible = 0;
    for (let i = 0; i < page.length; i += 3) {
      worst = Math.max(worst, Math.abs(page[i] - replay.targets[i]), Math.abs(page[i + 1] - replay.targets[i + 1]));
      expect(page[i + 2]).toBe(replay.targets[i + 2]);
      visible += page[i + 2];
    }
    // Normalised image coordinates: 1e-4 is a hundredth of a pixel at 96 px.
    expect(worst).toBeLessThan(1e-4);
    expect(visible).toBeGreaterThan(page.length / 3 / 2);
  });

  it('--frame-every renders every k-th step only, the same frames as a full recording, and training draws only those steps (--thin keeps handovers whole)', () => {
    const thin = join(work, 'thin');
    run('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '1', '--seed-start', '5', '--task', 'push', '--res', String(RES), '--frame-every', '3', '--out', thin]);
    const full = join(data, 'episode_0000005');
    const dir = join(thin, 'episode_0000005');
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    const fullMeta = JSON.parse(readFileSync(join(full, 'meta.json'), 'utf8'));
    expect(meta.steps).toBe(fullMeta.steps);
    expect(meta.frameEvery).toBe(3);
    // Seed 5: the phase is 5 % 3 = 2.
    expect(meta.imageSteps).toEqual(Array.from({ length: Math.ceil((meta.steps - 2) / 3) }, (_, i) => 2 + 3 * i));
    expect(fullMeta.imageSteps).toBeUndefined();
    // The same episode: state, labels and targets every step, byte for byte; each kept frame is the full recording's frame.
    for (const f of ['state.f32', 'action.f32', 'targets.f32']) expect(readFileSync(join(dir, f)).equals(readFileSync(join(full, f)))).toBe(true);
    for (const [cam, res] of [['front', RES], ['wrist', RES]] as const) {
      const size = res * res * 3;
      const frames = readFileSync(join(dir, `${cam}.u8`));
      const all = readFileSync(join(full, `${cam}.u8`));
      expect(frames.length).toBe(meta.imageSteps.length * size);
      meta.imageSteps.forEach((t: number, i: number) => {
        expect(frames.subarray(i * size, (i + 1) * size).equals(all.subarray(t * size, (t + 1) * size))).toBe(true);
      });
    }
    expect(() => run('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '1', '--seed-start', '5', '--frame-every', '0', '--out', join(work, 'never')])).toThrow(/--frame-every must be between 1 and 20/);
    // A handover recording (datagen --handover) holds the states only the policy reaches, and there are few of them: --thin leaves it whole.
    const handover = join(work, 'handover');
    cpSync(full, join(handover, 'episode_0000005'), { recursive: true });
    writeFileSync(join(handover, 'episode_0000005', 'meta.json'), JSON.stringify({ ...fullMeta, handoverTicks: 40 }));
    // train.py: the thin recording samples only its image steps, and --thin 3 draws the same steps and pictures from the full one.
    const script = `
import sys, json
sys.path.insert(0, "training")
import train
tok = train.Tokenizer(sys.argv[1], 16)
thin = train.load_episodes(sys.argv[2], tok)[0]
full = [e for e in train.load_episodes(sys.argv[3], tok, 3) if e["meta"]["seed"] == 5][0]
st = train.stats([full])
a, b = train.Sampler([thin], st, 8, "flow", 0, 1, 0), train.Sampler([full], st, 8, "flow", 0, 1, 0)
(xa, _), (xb, _) = a.batch(32, augment=False), b.batch(32, augment=False)
handed = train.Sampler(train.load_episodes(sys.argv[4], tok, 3), st, 8, "flow", 0, 1, 0)
print(json.dumps([[t for _, t in a.index], [t for _, t in b.index], float((xa[0] - xb[0]).abs().max()), float((xa[1] - xb[1]).abs().max()), [t for _, t in handed.index]]))
`;
    const [thinSteps, fullSteps, frontDiff, wristDiff, handedSteps] = JSON.parse(run('/usr/bin/python3', ['-c', script, tok, thin, data, handover]).trim());
    expect(handedSteps).toEqual(Array.from({ length: meta.steps }, (_, t) => t));
    expect(thinSteps).toEqual(meta.imageSteps);
    expect(fullSteps).toEqual(meta.imageSteps);
    expect(frontDiff).toBe(0);
    expect(wristDiff).toBe(0);
  }, 300_000);

  it('trains the bins head with DDP on 2 processes and exports graphs that match PyTorch', async () => {
    const out = join(work, 'bins');
    // Debian's torchrun (torch 1.13 on Python 3.11) mis-parses "--redirects 0"; 1 (stdout, teed) parses.
    const log = run('torchrun', ['--nproc_per_node', '2', '--redirects', '1', '--tee', '1', 'training/train.py', '--data', data, '--tokenizer', tok, '--out', out, '--head', 'bins', '--steps', '3', '--batch', '4', '--threads', '1', '--log-every', '1']);
    expect(log).toMatch(/exported to/);
    const trainLog = JSON.parse(readFileSync(join(out, 'train_log.json'), 'utf8'));
    expect(trainLog.processes).toBe(2);
    const errors = await checkParity(out);
    expect(Object.keys(errors)).toEqual(['logits']);
    expect(errors.logits).toBeLessThan(PARITY_TOLERANCE);
    const policy = await VlaPolicy.load(new FsModelSource(out), 'wasm');
    const px = new Uint8Array(RES * RES * 4).fill(100);
    const r = await policy.predictChunk({ images: { front: px, wrist: px.slice() }, state: [0, -40, 40, 60, 0, 30], instruction: 'push the red cube to the left' });
    expect(r.nonFinite).toBe(false);
    expect(r.actions.length).toBe(8);
    await policy.release();
  });

  it('--skip-held leaves out the steps whose chunk stands still while the arm is held away from it', () => {
    // 20 steps, chunk 4: the label waits at one target for 12 steps, then moves. The arm is 5° off it for the
    // first 6 (held), then on it; from step 6 only the gripper is off (a grasp squeezing an object is not held).
    const script = `
import sys, json, numpy as np
sys.path.insert(0, "training")
import train
a = np.zeros((20, 6), np.float32); a[:, 5] = 30; a[12:, 0] = 2 * np.arange(1, 9)
s = a.copy(); s[:6, 0] += 5; s[6:9, 5] -= 5
e = {"action": a, "state": s}
print(json.dumps([np.nonzero(train.held_steps(e, 4, 3.0))[0].tolist(), np.nonzero(train.held_steps(e, 4, 6.0))[0].tolist()]))
# A recording's own marks (a grasp missed on purpose, steps 9 to 12): those, and the 3 before whose chunk of 4 reaches into them.
print(json.dumps([np.nonzero(train.marked_steps({"meta": {"skip": [9, 13]}, "state": s}, 4))[0].tolist(), np.nonzero(train.marked_steps({"meta": {"skip": None}, "state": s}, 4))[0].tolist()]))
# A teacher (--distill) has no say past success (--tail), nor anywhere in a handover or fumble recording.
print(json.dumps([[t for t in range(20) if train.untaught({"meta": m, "state": s}, t)] for m in [{"tailSteps": 5}, {"tailSteps": 0}, {}, {"handoverTicks": 40}, {"fumble": "miss"}]]))
`;
    const [held, marked, untaught] = run('/usr/bin/python3', ['-c', script]).trim().split('\n').map((l) => JSON.parse(l));
    expect(held).toEqual([[0, 1, 2, 3, 4, 5], []]);
    expect(marked).toEqual([[6, 7, 8, 9, 10, 11, 12], []]);
    const all = Array.from({ length: 20 }, (_, t) => t);
    expect(untaught).toEqual([[15, 16, 17, 18, 19], [], [], all, all]);
    // Through the training script: the recorded pushes hold no such steps at 90°, so nothing is left out.
    expect(run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'held'), '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--skip-held', '90'])).toMatch(/--skip-held 90\.0 and marks in the recordings: left out 0 of \d+ steps/);
  });

  it('--no-tail leaves out the steps past success of the families named, as if recorded without them', () => {
    // 20 steps, the last 5 past success (datagen --tail): the arm moves off (joint 0 climbs) after step 14.
    const script = `
import sys, json, numpy as np
sys.path.insert(0, "training")
import train
a = np.zeros((20, 6), np.float32); a[15:, 0] = 10 * np.arange(1, 6)
e = {"action": a, "state": a.copy(), "meta": {"family": "push", "tailSteps": 5, "steps": 20}, "frame_of": np.arange(20), "targets": np.zeros((20, 2, 2, 3), np.float32)}
d = train.drop_tail(e)
st = {k: np.zeros(6, np.float32) for k in ("state_mean", "action_mean")} | {k: np.ones(6, np.float32) for k in ("state_std", "action_std")}
print(json.dumps([len(d["state"]), len(d["action"]), len(d["frame_of"]), len(d["targets"]), d["meta"]["steps"], d["meta"]["tailSteps"], e["meta"]["tailSteps"]]))
# The chunk from step 13 holds the last step before success, where the recording's reaches into the move off.
print(json.dumps([train.chunk_targets(d, 13, 4, np.zeros(6, bool))[:, 0].tolist(), train.chunk_targets(e, 13, 4, np.zeros(6, bool))[:, 0].tolist()]))
print(json.dumps([len(train.Sampler([x], st, 4, "flow", 0, 1, 0).index) for x in (e, d)] + [any(train.untaught(d, t) for t in range(15)), train.drop_tail(d) is d]))
`;
    const [sizes, chunks, drawn] = run('/usr/bin/python3', ['-c', script]).trim().split('\n').map((l) => JSON.parse(l));
    expect(sizes).toEqual([15, 15, 15, 15, 15, 0, 5]); // the recording's own meta is left as it was
    expect(chunks).toEqual([
      [0, 0, 0, 0],
      [0, 0, 10, 20],
    ]);
    expect(drawn).toEqual([20, 15, false, true]);
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'nt'), '--no-tail', 'push,shove'])).toThrow(/--no-tail: unknown task families \['shove'\]/);
  });

  it('--release-weight draws the steps around a stack or place release more often', () => {
    // 40 steps: the jaws shut at step 10 (a grasp), open at step 30 (the release) and stay open.
    const script = `
import sys, json, numpy as np
sys.path.insert(0, "training")
import train
a = np.zeros((40, 6), np.float32); a[:10, 5] = 30; a[30:, 5] = 30
ep = lambda fam: {"action": a, "state": a.copy(), "meta": {"family": fam}, "frame_of": np.arange(40)}
print(json.dumps([np.nonzero(train.release_steps(ep("stack"), 5, 3))[0].tolist(), np.nonzero(train.release_steps(ep("pick"), 5, 3))[0].tolist()]))
st = {k: np.zeros(6, np.float32) for k in ("state_mean", "action_mean")} | {k: np.ones(6, np.float32) for k in ("state_std", "action_std")}
counts = [len(train.Sampler([ep("place")], st, 4, "flow", 0, 1, 0, release_weight=w).index) for w in (1, 3)]
print(json.dumps(counts))
`;
    const [[stack, pick], counts] = run('/usr/bin/python3', ['-c', script]).trim().split('\n').map((l) => JSON.parse(l)) as [[number[], number[]], number[]];
    // 5 steps of lowering before the jaws open, 3 from the opening on; pick recordings are never weighted.
    expect(stack).toEqual([25, 26, 27, 28, 29, 30, 31, 32]);
    expect(pick).toEqual([]);
    // The 30 steps around the release (20 before, 10 after by default: steps 10 to 39) are listed 3 times.
    expect(counts).toEqual([40, 40 + 2 * 30]);
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'rw'), '--release-weight', '0'])).toThrow(/--release-weight must be 1 \(off\) or more/);
  });

  it('trains the flow head and exports an encoder and a denoiser that match PyTorch', async () => {
    const out = join(work, 'flow');
    // One episode held out: the log carries the validation error per joint, in degrees.
    run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', out, '--head', 'flow', '--steps', '3', '--batch', '4', '--threads', '1', '--val-episodes', '1']);
    const trainLog = JSON.parse(readFileSync(join(out, 'train_log.json'), 'utf8'));
    const lastVal = trainLog.log.at(-1).val_abs_error as number[];
    expect(lastVal).toHaveLength(6);
    for (const e of lastVal) expect(Number.isFinite(e) && e >= 0).toBe(true);
    expect(trainLog.episodes).toBe(1);
    // A run resumes from the checkpoint of the same head and refuses the other head's.
    expect(run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'flow2'), '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--resume', join(out, 'checkpoint.pt'), '--noise-scale', '0.5'])).toMatch(/exported to/);
    // --noise-scale goes into policy.json, where the runtime reads it; the default samples the trained distribution.
    expect(JSON.parse(readFileSync(join(work, 'flow2', 'policy.json'), 'utf8')).head.noise_scale).toBe(0.5);
    expect(JSON.parse(readFileSync(join(out, 'policy.json'), 'utf8')).head.noise_scale).toBe(1);
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'bins2'), '--head', 'bins', '--steps', '1', '--batch', '4', '--threads', '1', '--resume', join(out, 'checkpoint.pt')])).toThrow(/holds a flow model/);
    const errors = await checkParity(out);
    expect(Object.keys(errors).sort()).toEqual(['context', 'velocity']);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(PARITY_TOLERANCE);
    const policy = await VlaPolicy.load(new FsModelSource(out), 'wasm');
    expect(policy.manifest.head.type).toBe('flow');
    await policy.release();
  });

  it('rebuilds the trained weights from the exported graphs alone, and training resumes from them', () => {
    // A shipped folder holds no checkpoint.pt (not committed): the ONNX initializers are the weights.
    const compare = `
import sys, json, torch
a, b = torch.load(sys.argv[1])["model"], torch.load(sys.argv[2])["model"]
differ = sorted(k for k in b if not torch.equal(a[k], b[k]))
pos = [k for k in b if k.endswith("lang.pos")][0]
print(json.dumps({"differ": differ, "pos": pos, "pos_used_equal": torch.equal(a[pos][:16], b[pos][:16]),
                  "missing": sorted(k for k in a if k not in b)}))
`;
    for (const head of ['bins', 'flow']) {
      const rebuilt = join(work, `${head}-rebuilt.pt`);
      expect(run('/usr/bin/python3', ['training/checkpointFromOnnx.py', '--model', join(work, head), '--out', rebuilt])).toMatch(new RegExp(`rebuilt ${head} checkpoint`));
      const r = JSON.parse(run('/usr/bin/python3', ['-c', compare, join(work, head, 'checkpoint.pt'), rebuilt]));
      // Every weight is exact but the position rows past max_length (16), which no graph uses, and the
      // auxiliary head, used in training alone and held by no graph.
      expect(r.differ).toEqual([r.pos]);
      expect(r.pos_used_equal).toBe(true);
      expect(r.missing.length).toBeGreaterThan(0);
      for (const k of r.missing) expect(k).toMatch(/^aux\./);
      const resumed = join(work, `${head}-resumed`);
      // With the resumed model as a frozen teacher beside the labels: at step 0 the student is the teacher.
      const log = run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', resumed, '--head', head, '--steps', '1', '--batch', '4', '--threads', '1', '--resume', rebuilt, '--distill', '0.5']);
      expect(log).toMatch(/exported to/);
      const distill = Number(/step\s+0 .* distill (\S+)/.exec(log)?.[1]);
      expect(distill).toBeGreaterThanOrEqual(0);
      expect(distill).toBeLessThan(1e-6);
      // The first run held one episode out for validation, this one none: its recordings' statistics differ,
      // yet the resumed weights keep reading and writing the normalisation they were trained in.
      expect(log).toMatch(/--resume: keeping the normalisation of/);
      const [was, now] = [join(work, head), resumed].map((d) => JSON.parse(readFileSync(join(d, 'policy.json'), 'utf8')));
      expect([now.state, now.normalization]).toEqual([was.state, was.normalization]);
      const fresh = JSON.parse(readFileSync(join(work, 'flow2', 'policy.json'), 'utf8'));
      if (head === 'flow') expect(fresh.normalization).toEqual(was.normalization);
    }
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'never'), '--head', 'flow', '--steps', '1', '--distill', '1'])).toThrow(/--distill needs --resume/);
    // A checkpoint that records no normalisation (written before it was kept) still resumes, on the new statistics.
    const bare = join(work, 'flow-bare.pt');
    run('/usr/bin/python3', ['-c', 'import sys, torch; c = torch.load(sys.argv[1]); del c["stats"]; torch.save(c, sys.argv[2])', join(work, 'flow', 'checkpoint.pt'), bare]);
    const bareLog = run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'flow-bare'), '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--resume', bare]);
    expect(bareLog).toMatch(/records no normalisation; using these recordings' statistics/);
    const [trained, renormed] = [join(work, 'flow'), join(work, 'flow-bare')].map((d) => JSON.parse(readFileSync(join(d, 'policy.json'), 'utf8')));
    expect(renormed.normalization).not.toEqual(trained.normalization);
    // Graphs that do not fit the model their policy.json describes are refused, not half-loaded.
    const odd = join(work, 'flow-odd');
    cpSync(join(work, 'flow'), odd, { recursive: true });
    const manifest = JSON.parse(readFileSync(join(odd, 'policy.json'), 'utf8'));
    manifest.chunk.length = 4;
    writeFileSync(join(odd, 'policy.json'), JSON.stringify(manifest));
    expect(() => run('/usr/bin/python3', ['training/checkpointFromOnnx.py', '--model', odd, '--out', join(work, 'never.pt')])).toThrow(/does not fit the model its policy\.json describes/);
    // A folder that is not an exported model says what is missing.
    expect(() => run('/usr/bin/python3', ['training/checkpointFromOnnx.py', '--model', data, '--out', join(work, 'never.pt')])).toThrow(/no policy\.json \(not an exported model folder\)/);
  }, 300_000);

  it('soup.py averages checkpoints of one model, refuses others, and train.py --steps 0 exports the average', async () => {
    const soupPt = join(work, 'soup.pt');
    const parts = [join(work, 'flow', 'checkpoint.pt'), join(work, 'flow2', 'checkpoint.pt'), join(work, 'flow-rebuilt.pt')];
    expect(run('/usr/bin/python3', ['training/soup.py', '--out', soupPt, ...parts])).toMatch(/averaged 3 checkpoints/);
    // Each weight is the mean of the checkpoints that hold it (the rebuilt one has no aux head).
    const check = `
import sys, json, torch
s = torch.load(sys.argv[1]); parts = [torch.load(p)["model"] for p in sys.argv[3:]]
worst, aux_from = 0.0, set()
for k, v in s["model"].items():
    have = [p[k] for p in parts if k in p]
    if k.startswith("aux."): aux_from.add(len(have))
    if v.is_floating_point(): worst = max(worst, float((v - sum(have) / len(have)).abs().max()))
moved = float((parts[0]["enc.encoder.lang.emb.weight"] - parts[1]["enc.encoder.lang.emb.weight"]).abs().max())
exported = torch.load(sys.argv[2])["model"]
print(json.dumps({"worst": worst, "aux_from": sorted(aux_from), "moved": moved, "soup_of": len(s["soup_of"]),
                  "export_equal": all(torch.equal(exported[k], s["model"][k]) for k in s["model"])}))
`;
    const exported = join(work, 'flow-soup');
    expect(run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', exported, '--head', 'flow', '--steps', '0', '--threads', '1', '--resume', soupPt])).toMatch(/exported to/);
    const r = JSON.parse(run('/usr/bin/python3', ['-c', check, soupPt, join(exported, 'checkpoint.pt'), ...parts]));
    expect(r.moved).toBeGreaterThan(0); // the resumed run did move: the average is not one of them
    expect(r.worst).toBeLessThan(1e-6);
    expect(r.aux_from).toEqual([2]);
    expect(r.soup_of).toBe(3);
    expect(r.export_equal).toBe(true);
    const errors = await checkParity(exported);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(PARITY_TOLERANCE);
    // Another head, or the same model under another normalisation, is not averaged.
    expect(() => run('/usr/bin/python3', ['training/soup.py', '--out', join(work, 'never.pt'), parts[0], join(work, 'bins', 'checkpoint.pt')])).toThrow(/head is 'bins', the first has 'flow'/);
    expect(() => run('/usr/bin/python3', ['training/soup.py', '--out', join(work, 'never.pt'), parts[0], join(work, 'flow-bare', 'checkpoint.pt')])).toThrow(/normalisation \w+ differs/);
  }, 300_000);

  it('soup.py ignores the statistics a head never reads: flow runs on other recordings average, bins runs do not', () => {
    const script = `
import sys, json, torch
sys.path.insert(0, "training")
import soup
def ck(head, **stats):
    base = {"state_mean": [0.0], "action_mean": [0.0], "q01": [-1.0], "q99": [1.0]}
    return {"head": head, "stats": {**base, **stats}, "model": {"w": torch.full((2,), 1.0 if stats else 3.0)}}
out = []
for head, stats in [("flow", {"q01": [-2.0], "q99": [2.0]}), ("flow", {"action_mean": [0.5]}), ("bins", {"q01": [-2.0]})]:
    try:
        out.append(soup.soup([ck(head), ck(head, **stats)])["model"]["w"].tolist())
    except SystemExit as e:
        out.append(str(e))
print(json.dumps(out))
`;
    const [flowQuantiles, flowMean, binsQuantiles] = JSON.parse(run('/usr/bin/python3', ['-c', script]).trim());
    expect(flowQuantiles).toEqual([2, 2]);
    expect(flowMean).toMatch(/normalisation action_mean differs/);
    expect(binsQuantiles).toMatch(/normalisation q01 differs/);
  });

  it('--fine-heat: resumes a quarter-resolution model with heatmaps at half the image size, exports graphs that match PyTorch, and rebuilds from them', async () => {
    const fine = join(work, 'flow-fine');
    const log = run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', fine, '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--val-episodes', '1', '--resume', join(work, 'flow', 'checkpoint.pt'), '--fine-heat', '--heat-sigma', '1.0']);
    expect(log).toMatch(/exported to/);
    // The heatmaps are at half the image size (RES / 2 cells a side), and the same heads' weights went on from the resumed model.
    const shapes = `
import sys, json, torch
sys.path.insert(0, "training")
import train
ck = torch.load(sys.argv[1])
net = train.make_net("flow", 64, 8, ck["lean"], ck["fine_heat"])
net.load_state_dict(ck["model"])
x = torch.zeros(1, 3, ${RES}, ${RES})
_, heats = net.enc(x, x, torch.zeros(1, 16, dtype=torch.int64), torch.ones(1, 16, dtype=torch.int64), torch.zeros(1, 6), with_heat=True)
print(json.dumps({"fine": ck["fine_heat"], "heat": list(heats[0].shape), "refine": sorted(k for k in ck["model"] if ".refine." in k)[:1]}))
`;
    const vocab = JSON.parse(readFileSync(join(tok, 'tokenizer.json'), 'utf8')).model.vocab;
    const r = JSON.parse(run('/usr/bin/python3', ['-c', shapes.replace('"flow", 64', `"flow", ${Object.keys(vocab).length}`), join(fine, 'checkpoint.pt')]));
    expect(r).toEqual({ fine: true, heat: [1, 2, RES / 2, RES / 2], refine: ['enc.encoder.cams.0.refine.0.bias'] });
    const errors = await checkParity(fine);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(PARITY_TOLERANCE);
    expect(run('/usr/bin/python3', ['training/checkpointFromOnnx.py', '--model', fine, '--out', join(work, 'fine-rebuilt.pt')])).toMatch(/rebuilt flow checkpoint/);
    // A model with the finer heatmaps does not go on without them.
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'never'), '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--resume', join(work, 'fine-rebuilt.pt')])).toThrow(/has finer heatmaps: train it with --fine-heat/);
  }, 300_000);

  it('--res-blocks: deepens a resumed model without changing what it does, exports graphs that match PyTorch, and rebuilds from them', async () => {
    const deep = join(work, 'flow-deep');
    const resumed = join(work, 'flow', 'checkpoint.pt');
    expect(run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', deep, '--head', 'flow', '--steps', '0', '--threads', '1', '--resume', resumed, '--res-blocks', '2'])).toMatch(/exported to/);
    // The new blocks start as the identity: the same context and heatmaps as the model they grew from.
    const same = `
import sys, json, torch
sys.path.insert(0, "training")
import train
def load(path):
    ck = torch.load(path)
    net = train.make_net("flow", VOCAB, 8, ck["lean"], ck["fine_heat"], ck.get("res_blocks", 0))
    net.load_state_dict(ck["model"]); net.eval()
    return ck, net
(ck0, a), (ck1, b) = load(sys.argv[1]), load(sys.argv[2])
g = torch.Generator().manual_seed(1)
x = torch.rand(2, 3, ${RES}, ${RES}, generator=g)
batch = (x, x.flip(-1), torch.randint(0, VOCAB, (2, 16), generator=g), torch.ones(2, 16, dtype=torch.int64), torch.randn(2, 6, generator=g))
with torch.no_grad():
    (ca, ha), (cb, hb) = a.enc(*batch, with_heat=True), b.enc(*batch, with_heat=True)
print(json.dumps({"blocks": ck1["res_blocks"], "res": sorted({k.split(".res.")[1].split(".")[0] for k in ck1["model"] if ".res." in k}),
                  "ctx": float((ca - cb).abs().max()), "heat": max(float((p - q).abs().max()) for p, q in zip(ha, hb))}))
`;
    const vocab = Object.keys(JSON.parse(readFileSync(join(tok, 'tokenizer.json'), 'utf8')).model.vocab).length;
    const r = JSON.parse(run('/usr/bin/python3', ['-c', same.replaceAll('VOCAB', String(vocab)), resumed, join(deep, 'checkpoint.pt')]));
    expect(r.blocks).toBe(2);
    expect(r.res).toEqual(['0', '1']);
    expect(r.ctx).toBe(0);
    expect(r.heat).toBe(0);
    const errors = await checkParity(deep);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(PARITY_TOLERANCE);
    // Trained a few steps, so no two blocks still hold equal weights (the exporter merges initializers of equal value).
    const stepped = join(work, 'flow-deep-1');
    expect(run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', stepped, '--head', 'flow', '--steps', '3', '--batch', '4', '--threads', '1', '--resume', join(deep, 'checkpoint.pt'), '--res-blocks', '2'])).toMatch(/exported to/);
    expect(run('/usr/bin/python3', ['training/checkpointFromOnnx.py', '--model', stepped, '--out', join(work, 'deep-rebuilt.pt')])).toMatch(/rebuilt flow checkpoint/);
    // A deeper model does not go on with fewer blocks.
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', data, '--tokenizer', tok, '--out', join(work, 'never'), '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--resume', join(work, 'deep-rebuilt.pt'), '--res-blocks', '1'])).toThrow(/has 2 residual blocks per camera/);
  }, 300_000);

  it('records the front camera at its own resolution, and resumes a run at it beside a teacher at the old one', async () => {
    // The convolutions and heatmap readouts fit any image size: weights trained at 32 px go on at 48.
    const mixed = join(work, 'demos-mixed');
    run('npx', ['tsx', 'training/datagen/run.ts', '--episodes', '1', '--seed-start', '5', '--task', 'push', '--res', String(RES), '--front-res', '48', '--out', mixed]);
    const dir = join(mixed, 'episode_0000005');
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
    expect(meta.resolutions).toEqual({ front: 48, wrist: RES });
    expect(statSync(join(dir, 'front.u8')).size).toBe(meta.steps * 48 * 48 * 3);
    expect(statSync(join(dir, 'wrist.u8')).size).toBe(meta.steps * RES * RES * 3);
    // The same scene as the 32 px recording, seen by a sharper front camera: the same steps and joint states.
    const before = join(data, 'episode_0000005');
    expect(meta.steps).toBe(JSON.parse(readFileSync(join(before, 'meta.json'), 'utf8')).steps);
    expect(readFileSync(join(dir, 'state.f32')).equals(readFileSync(join(before, 'state.f32')))).toBe(true);
    const out = join(work, 'flow-mixed');
    const log = run('/usr/bin/python3', ['training/train.py', '--data', mixed, '--tokenizer', tok, '--out', out, '--head', 'flow', '--steps', '2', '--batch', '4', '--threads', '1', '--resume', join(work, 'flow', 'checkpoint.pt'), '--distill', '0.5']);
    expect(log).toMatch(/--distill: the teacher sees the cameras at \{'front': 32, 'wrist': 32\}, the student at \{'front': 48, 'wrist': 32\}/);
    const distill = Number(/step\s+0 .* distill (\S+)/.exec(log)?.[1]);
    expect(Number.isFinite(distill) && distill >= 0).toBe(true);
    const policy = JSON.parse(readFileSync(join(out, 'policy.json'), 'utf8'));
    expect(policy.cameras.map((c: { name: string; width: number; height: number }) => [c.name, c.width, c.height])).toEqual([['front', 48, 48], ['wrist', RES, RES]]);
    const errors = await checkParity(out);
    for (const e of Object.values(errors)) expect(e).toBeLessThan(PARITY_TOLERANCE);
    const vla = await VlaPolicy.load(new FsModelSource(out), 'wasm');
    const r = await vla.predictChunk({ images: { front: new Uint8Array(48 * 48 * 4).fill(90), wrist: new Uint8Array(RES * RES * 4).fill(90) }, state: [0, -40, 40, 60, 0, 30], instruction: 'push the red cube to the left' });
    expect(r.nonFinite).toBe(false);
    await vla.release();
    // The rebuilt checkpoint records each camera's size, so a later resume hands the teacher the right one.
    const rebuilt = join(work, 'flow-mixed-rebuilt.pt');
    expect(run('/usr/bin/python3', ['training/checkpointFromOnnx.py', '--model', out, '--out', rebuilt])).toMatch(/rebuilt flow checkpoint/);
    expect(run('/usr/bin/python3', ['-c', 'import sys, json, torch; print(json.dumps(torch.load(sys.argv[1])["resolutions"]))', rebuilt]).trim()).toBe(`{"front": 48, "wrist": ${RES}}`);
    // Recordings at two resolutions in one folder are refused, not stacked into a crash mid-run.
    cpSync(before, join(mixed, 'episode_0000005x'), { recursive: true });
    expect(() => run('/usr/bin/python3', ['training/train.py', '--data', mixed, '--tokenizer', tok, '--out', join(work, 'never'), '--head', 'flow', '--steps', '1'])).toThrow(/one resolution per camera/);
    // With --upsample they train together at the sharpest size, the older recording brought up to it.
    const up = join(work, 'flow-upsampled');
    const upLog = run('/usr/bin/python3', ['training/train.py', '--data', mixed, '--tokenizer', tok, '--out', up, '--head', 'flow', '--steps', '1', '--batch', '4', '--threads', '1', '--upsample']);
    expect(upLog).toMatch(/--upsample: cameras at \{'front': 48, 'wrist': 32\}; 1 of 2 episodes recorded below that are upsampled/);
    const upPolicy = JSON.parse(readFileSync(join(up, 'policy.json'), 'utf8'));
    expect(upPolicy.cameras.map((c: { width: number }) => c.width)).toEqual([48, RES]);
    // Upsampling keeps the picture where it was: a frame half red, half blue stays so, at the new size.
    const script = `
import sys, json, numpy as np
sys.path.insert(0, "training")
import train
f = np.zeros((32, 32, 3), np.uint8); f[:, :16] = (200, 0, 0); f[:, 16:] = (0, 0, 200)
b = train.stack_at([f, np.full((48, 48, 3), 7, np.uint8)], 48)
try:
    train.stack_at([np.zeros((64, 64, 3), np.uint8)], 48); down = "kept"
except ValueError:
    down = "refused"
print(json.dumps([list(b.shape), b[0, :, :23].reshape(-1, 3).tolist().count([200, 0, 0]), b[0, :, 25:].reshape(-1, 3).tolist().count([0, 0, 200]), int(b[1].min()), int(b[1].max()), down]))`;
    expect(JSON.parse(run('/usr/bin/python3', ['-c', script]))).toEqual([[2, 48, 48, 3], 48 * 23, 48 * 23, 7, 7, 'refused']);
  }, 300_000);
});
