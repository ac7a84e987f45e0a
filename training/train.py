#!/usr/bin/python3
"""Train tabletop-mini on recorded demonstrations and export it for the browser runtime.

Single process:   /usr/bin/python3 training/train.py --data data/demos --head bins --out models/tabletop-mini-bins
Data parallel:    torchrun --nproc_per_node 2 training/train.py ...   (DDP: gloo on CPU, NCCL on GPUs)

Writes OUT/policy.json, the ONNX graph(s), OUT/tokenizer/ (copied from --tokenizer), OUT/train_log.json and
OUT/parity.json (saved inputs and PyTorch's outputs, for the runtime's parity test).
"""
import argparse
import copy
import json
import math
import os
import re
import shutil
import sys
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as tm  # noqa: E402

ACTION_NAMES = ["shoulder_pan.pos", "shoulder_lift.pos", "elbow_flex.pos", "wrist_flex.pos", "wrist_roll.pos", "gripper.pos"]
IMAGE_MEAN = [0.5, 0.5, 0.5]
IMAGE_STD = [0.25, 0.25, 0.25]
AUX_SCALE = 5.0
# Body joints are predicted relative to the observed state (openpi's delta actions); the gripper stays absolute.
RELATIVE_MASK = np.array([True, True, True, True, True, False])  # table metres → about unit scale for the auxiliary regression


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder of episodes from `npm run datagen`")
    p.add_argument("--tokenizer", required=True, help="folder with tokenizer.json (tsx training/makeTokenizer.ts DIR)")
    p.add_argument("--out", required=True)
    p.add_argument("--head", choices=["bins", "flow"], default="bins")
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--batch", type=int, default=64, help="per process")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--chunk", type=int, default=8)
    p.add_argument("--max-length", type=int, default=16)
    p.add_argument("--flow-steps", type=int, default=10)
    p.add_argument("--noise-scale", type=float, default=1.0, help="flow head: scale of the starting noise at inference (policy.json head.noise_scale; 0: the flow's most typical chunk, 1: sample what it learned; measure both with npm run eval --noise-scale)")
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--log-every", type=int, default=50)
    p.add_argument("--val-episodes", type=int, default=0, help="successful episodes held out for the validation error (degrees)")
    p.add_argument("--bin-sigma", type=float, default=1.5, help="bins head: width of the Gaussian soft target, in bins (0: one-hot)")
    p.add_argument("--aux-weight", type=float, default=1.0, help="weight of the auxiliary where-is-it loss (episodes need aux.json: tsx training/auxTargets.ts DATA)")
    p.add_argument("--state-noise", type=float, default=0.1, help="std of Gaussian noise on the normalised joint state input, against copying the state")
    p.add_argument("--heat-weight", type=float, default=1.0, help="weight of the heatmap loss (episodes need targets.f32: tsx training/sceneTargets.ts DATA)")
    p.add_argument("--heat-sigma", type=float, default=0.75, help="width of the heatmap target, in feature cells")
    p.add_argument("--shift", type=int, default=4, help="largest random image shift, pixels (DrQ). A shift moves where things appear, so a policy that reads positions off the image sees it as noise on the scene: keep it near the camera jitter (1) for --lean")
    p.add_argument("--upsample", action="store_true", help="recordings at several camera resolutions: train at the sharpest, the others upsampled bilinearly to it (a camera made sharper keeps its earlier recordings)")
    p.add_argument("--thin", type=int, default=1, help="use only every k-th step's images of recordings that have every step's, the steps datagen --frame-every K would have kept (neighbouring frames are nearly the same picture); handover recordings keep all theirs")
    p.add_argument("--lean", action="store_true", help="cameras pass on only their heatmap readouts (no global features)")
    p.add_argument("--fine-heat", action="store_true", help="heatmaps at half the image's resolution instead of a quarter (model.py CameraEncoder); --heat-sigma is then in those finer cells. Resuming a model without them starts them at its own quarter-resolution maps")
    p.add_argument("--res-blocks", type=int, default=0, help="residual blocks per camera after the third conv block (model.py CameraEncoder): deeper features with a wider view. Resuming a model with fewer starts the new ones as the identity")
    p.add_argument("--absolute-actions", action="store_true", help="predict absolute joint targets instead of offsets from the observed state")
    p.add_argument("--init-encoder", default="", help="checkpoint.pt of any head: start the observation encoder (cameras, heatmaps, language) from its weights")
    p.add_argument("--skip-held", type=float, default=0.0, help="leave out steps whose whole action chunk stands still while an arm joint is more than this many degrees from it (held recovery offsets and DART pushes at a hover point: 'stay' labels that, beside the aligned arm's 'descend now', make the policy hover); 0 keeps all")
    p.add_argument("--release-weight", type=int, default=1, help="draw the steps around each release of stack and place recordings (1 s of lowering before the jaws open, 0.5 s after) this many times as often")
    p.add_argument("--no-tail", type=lambda v: v.split(","), default=[], help="comma-separated task families whose recorded steps past success (datagen --tail) are left out, as if recorded without them (round 28 tried pick,push: not better, README)")
    p.add_argument("--resume", default="", help="checkpoint.pt of an earlier run (same head): continue from its weights")
    p.add_argument("--distill", type=float, default=0.0, help="with --resume: weight of the distance from the resumed model's own predictions (frozen) on these recordings: it keeps what the earlier recordings taught where they are not at hand (learning without forgetting); 0: off")
    args = p.parse_args(argv)
    if args.release_weight < 1:
        p.error("--release-weight must be 1 (off) or more")
    return args


class Tokenizer:
    """The WordPiece-over-whole-words tokenizer of tokenizer.json, as the browser runs it (same ids)."""

    def __init__(self, folder, max_length):
        tok = json.load(open(os.path.join(folder, "tokenizer.json")))
        self.vocab = tok["model"]["vocab"]
        self.max_length = max_length

    def __call__(self, text):
        words = re.findall(r"\w+|[^\w\s]", text.lower())
        ids = [self.vocab["[CLS]"]] + [self.vocab.get(w, self.vocab["[UNK]"]) for w in words] + [self.vocab["[SEP]"]]
        ids = ids[: self.max_length]
        mask = [1] * len(ids) + [0] * (self.max_length - len(ids))
        return ids + [self.vocab["[PAD]"]] * (self.max_length - len(ids)), mask


def load_episodes(folder, tokenizer, thin=1, upsample=False):
    eps = []
    for name in sorted(os.listdir(folder)):
        d = os.path.join(folder, name)
        meta_path = os.path.join(d, "meta.json")
        if not os.path.isfile(meta_path):
            continue
        meta = json.load(open(meta_path))
        if not meta["success"]:
            continue  # demonstrations only from episodes the expert solved
        n = meta["steps"]
        # Recorded with --frame-every: images at the listed steps only; samples are drawn from those.
        frame_of = image_frames(meta)
        frames = len(meta["imageSteps"]) if "imageSteps" in meta else n
        # Handover recordings keep every frame: they are few, and their states are the ones only the policy reaches.
        if thin > 1 and "imageSteps" not in meta and not meta.get("handoverTicks"):
            frame_of[np.arange(n) % thin != meta["seed"] % thin] = -1  # as datagen's --frame-every would have kept
        # Mapped, not read: a few thousand episodes at 96 px outgrow the memory; the page cache keeps what fits.
        cams = {c: np.memmap(os.path.join(d, f"{c}.u8"), dtype=np.uint8, mode="r", shape=(frames, camera_res(meta, c), camera_res(meta, c), 3)) for c in meta["cameras"]}
        state = np.fromfile(os.path.join(d, "state.f32"), dtype="<f4").reshape(n, 6)
        action = np.fromfile(os.path.join(d, "action.f32"), dtype="<f4").reshape(n, 6)
        ids, mask = tokenizer(meta["instruction"])
        aux_path = os.path.join(d, "aux.json")
        aux = json.load(open(aux_path)) if os.path.isfile(aux_path) else None
        aux = np.array(aux["target"] + aux["goal"], dtype=np.float32) if aux else None
        targets_path = os.path.join(d, "targets.f32")
        # [steps, cameras, 2 points, (u, v, visible)]; absent where the Node replay did not reproduce the episode.
        targets = np.fromfile(targets_path, dtype="<f4").reshape(n, len(meta["cameras"]), 2, 3) if os.path.isfile(targets_path) else None
        eps.append({"meta": meta, "cams": cams, "frame_of": frame_of, "state": state, "action": action, "ids": ids, "mask": mask, "aux": aux, "targets": targets})
    if not eps:
        raise SystemExit(f"no successful episodes in {folder}")
    res = resolutions(eps[0]["meta"])
    for e in eps:
        if resolutions(e["meta"]) != res and not upsample:
            raise SystemExit(f"{folder}: seed {e['meta']['seed']} was recorded at {resolutions(e['meta'])}, others at {res}: one resolution per camera (--upsample trains at the sharpest)")
    return eps


def data_resolutions(eps):
    """Per camera, the sharpest resolution among the recordings: the model's (--upsample brings the others up to it)."""
    return {c: max(camera_res(e["meta"], c) for e in eps) for c in ("front", "wrist")}


def stack_at(frames, size=None):
    """uint8 HWC frames → one NHWC batch at size × size (None: as recorded); smaller frames are upsampled
    bilinearly (recordings from before a camera got sharper: blurrier than a sharp recording, but the same scene
    in the same place)."""
    if size is None:
        return np.stack(frames)
    out = []
    for f in frames:
        if f.shape[0] != size:
            if f.shape[0] > size:
                raise ValueError(f"a {f.shape[0]} px frame in a {size} px batch: frames are only brought up, never down")
            x = torch.from_numpy(np.array(f)).permute(2, 0, 1)[None].float()  # a copy: the recording is mapped read-only
            f = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)[0].permute(1, 2, 0).round().clamp(0, 255).to(torch.uint8).numpy()
        out.append(f)
    return np.stack(out)


def image_frames(meta):
    """Per step, the index of its image in the camera files, -1 where it has none (meta `imageSteps`: recorded with
    datagen's --frame-every; without it every step has one)."""
    n = meta["steps"]
    steps = meta.get("imageSteps")
    if steps is None:
        return np.arange(n)
    if any(not 0 <= t < n for t in steps) or list(steps) != sorted(set(steps)):
        raise SystemExit(f"seed {meta['seed']}: imageSteps must be increasing steps below {n}")
    out = np.full(n, -1)
    out[np.asarray(steps, dtype=np.int64)] = np.arange(len(steps))
    return out


def camera_res(meta, camera):
    """The square resolution a camera was recorded at (`resolutions` per camera, else `res` for all)."""
    return meta.get("resolutions", {}).get(camera, meta["res"])


def resolutions(meta):
    return {c: camera_res(meta, c) for c in ("front", "wrist")}


class ResizeInputs(nn.Module):
    """A model trained at other camera resolutions, fed these images resized to its own (area average: the
    images are normalised linearly, so this is the normalised smaller image). For a teacher at 64 px beside a
    student at 96."""

    def __init__(self, inner, res):
        super().__init__()
        self.inner, self.res = inner, res

    def forward(self, image_front, image_wrist, *rest, **kw):
        def fit(x, r):
            return x if x.shape[-1] == r else F.interpolate(x, size=(r, r), mode="area")
        return self.inner(fit(image_front, self.res["front"]), fit(image_wrist, self.res["wrist"]), *rest, **kw)


def chunk_targets(e, t, chunk, mask):
    """The action chunk from step t (the last action repeats past the end), offset by the state at t where `mask`."""
    T = len(e["action"])
    a = e["action"][np.minimum(np.arange(t, t + chunk), T - 1)]
    return a - e["state"][t] * mask


def stats(eps, chunk=8, mask=np.zeros(6, bool)):
    """State statistics, and statistics of what the head predicts: every element of every chunk (relative
    actions spread wider at the end of a chunk than at its start)."""
    s = np.concatenate([e["state"] for e in eps])
    a = np.concatenate([chunk_targets(e, t, chunk, mask) for e in eps for t in range(len(e["state"]))])
    return {
        "state_mean": s.mean(0), "state_std": s.std(0) + 1e-3,
        "action_mean": a.mean(0), "action_std": a.std(0) + 1e-3,
        "q01": np.quantile(a, 0.01, axis=0), "q99": np.quantile(a, 0.99, axis=0),
    }


HELD_STILL_DEG = 1.5  # a chunk whose labels all stay within this of its first one stands still (the expert re-plans by < 1°)


def held_steps(e, chunk, deg):
    """Steps whose whole chunk of labels stands still while some arm joint is more than `deg` from the label:
    the arm held away from where the expert waits. The last steps before the expert moves on stay in (their
    chunk holds the move), so the correction is still taught, followed by progress."""
    a, s = e["action"], e["state"]
    T = len(a)
    ch = a[np.minimum(np.arange(T)[:, None] + np.arange(chunk)[None], T - 1)]
    still = np.abs(ch - ch[:, :1]).max(axis=(1, 2)) < HELD_STILL_DEG
    return still & (np.abs(a[:, :5] - s[:, :5]).max(axis=1) > deg)


RELEASE_BEFORE, RELEASE_AFTER = 20, 10  # steps at 20 Hz: the second of lowering before the jaws open, half a second after
GRIPPER_SHUT = 15.0  # gripper labels (0–100) below this hold an object; the expert opens to 30


def release_steps(e, before=RELEASE_BEFORE, after=RELEASE_AFTER):
    """Steps around each release of a carried object in stack and place recordings (the gripper label opening
    after it was shut): the lowering that sets the object down and the start of the retreat, where a policy's
    stacks fail (it presses the object onto the base, or lets go above it, and it tips off)."""
    out = np.zeros(len(e["action"]), bool)
    if e["meta"].get("family") not in ("stack", "place"):
        return out
    g = e["action"][:, 5]
    for t in np.nonzero((g[:-1] < GRIPPER_SHUT) & (g[1:] >= GRIPPER_SHUT))[0] + 1:
        out[max(0, t - before) : t + after] = True
    return out


def marked_steps(e, chunk):
    """Steps the recording marks as no lesson (meta `skip` [from, to): a grasp missed on purpose, datagen fumble.ts),
    and those before it whose chunk of labels reaches into them."""
    out = np.zeros(len(e["state"]), bool)
    span = e["meta"].get("skip")
    if span:
        out[max(0, span[0] - chunk + 1) : span[1]] = True
    return out


def drop_tail(e):
    """Episode e without its steps past success (datagen --tail): as if recorded without them. Its chunks near
    success then hold the last action instead of reaching into what followed."""
    past = e["meta"].get("tailSteps", 0)
    if not past:
        return e
    n = len(e["state"]) - past
    targets = e["targets"][:n] if e["targets"] is not None else None
    return {**e, "meta": {**e["meta"], "tailSteps": 0, "steps": n}, "frame_of": e["frame_of"][:n], "state": e["state"][:n], "action": e["action"][:n], "targets": targets}


def untaught(e, t):
    """Step t of episode e is one the teacher (--distill) has no say over: a handover or fumble recording, or past success."""
    m = e["meta"]
    return bool(m.get("handoverTicks") or m.get("fumble")) or t >= len(e["state"]) - m.get("tailSteps", 0)


class Sampler:
    """Random (episode, step) samples with their action chunk (the last action repeats past the end)."""

    def __init__(self, eps, st, chunk, head, rank, world, seed, state_noise=0.0, mask=np.zeros(6, bool), shift=4, skip_held=0.0, release_weight=1, res=None):
        self.eps, self.st, self.chunk, self.head, self.state_noise, self.mask, self.shift = eps, st, chunk, head, state_noise, mask, shift
        # The model's camera sizes (None: as recorded, one size per camera); recordings below them are upsampled (--upsample).
        self.res = res
        self.rng = np.random.default_rng(seed + 1000 * rank)
        # Each process draws from its own shard of the steps: data parallel without duplicates.
        skip = [marked_steps(e, chunk) | (held_steps(e, chunk, skip_held) if skip_held > 0 else False) for e in eps]
        self.skipped = int(sum(k.sum() for k in skip))
        index = [(i, t) for i, e in enumerate(eps) for t in range(len(e["state"])) if not skip[i][t] and e["frame_of"][t] >= 0]
        # Steps around a release are drawn release_weight times as often (each listed that many times).
        released = [release_steps(e) for e in eps] if release_weight > 1 else None
        extra = [(i, t) for i, t in index if released[i][t]] if released else []
        self.release_drawn = len(extra)
        index += extra * (release_weight - 1)
        self.index = index[rank::world]

    def norm_actions(self, a):
        if self.head == "bins":
            q01, q99 = self.st["q01"], self.st["q99"]
            return np.clip(2 * (a - q01) / np.maximum(q99 - q01, 1e-6) - 1, -1, 1)
        return (a - self.st["action_mean"]) / self.st["action_std"]

    def batch(self, n, augment=True):
        picks = self.rng.integers(0, len(self.index), n)
        self.last_picks = [self.index[k] for k in picks]
        fronts, wrists, ids, masks, states, acts, auxs, heats = [], [], [], [], [], [], [], []
        for k in picks:
            i, t = self.index[k]
            e = self.eps[i]
            fronts.append(e["cams"]["front"][e["frame_of"][t]])
            wrists.append(e["cams"]["wrist"][e["frame_of"][t]])
            ids.append(e["ids"])
            masks.append(e["mask"])
            s = (e["state"][t] - self.st["state_mean"]) / self.st["state_std"]
            if augment and self.state_noise > 0:
                s = s + self.rng.normal(0, self.state_noise, s.shape)
            states.append(s)
            auxs.append(e["aux"] if e["aux"] is not None else np.full(4, np.nan, np.float32))
            heats.append(e["targets"][t] if e["targets"] is not None else np.zeros((2, 2, 3), np.float32))
            acts.append(self.norm_actions(chunk_targets(e, t, self.chunk, self.mask)))
        size = self.res or {}
        f, f_shift = images(stack_at(fronts, size.get("front")), augment, self.rng, self.shift)
        w, w_shift = images(stack_at(wrists, size.get("wrist")), augment, self.rng, self.shift)
        self.last_aux = torch.tensor(np.stack(auxs), dtype=torch.float32) * AUX_SCALE
        # Heatmap targets move with the random shift of their image.
        heat = np.stack(heats).copy()
        for c, (shift, img) in enumerate([(f_shift, f), (w_shift, w)]):
            heat[:, c, :, :2] += shift[:, None, :] / img.shape[-1]
        self.last_heat = torch.tensor(heat, dtype=torch.float32)
        # A teacher's word counts only off handover and fumble recordings, and off the steps past success (datagen --tail):
        # those show where the policy (the teacher) goes wrong, or states it was never taught.
        self.last_taught = torch.tensor([0.0 if untaught(self.eps[i], t) else 1.0 for i, t in self.last_picks])
        return (
            [f, w, torch.tensor(ids, dtype=torch.int64), torch.tensor(masks, dtype=torch.int64), torch.tensor(np.stack(states), dtype=torch.float32)],
            torch.tensor(np.stack(acts), dtype=torch.float32),
        )


def images(u8, augment, rng, pad=4):
    """uint8 NHWC → normalised NCHW float, with DrQ's random shift (pad, random crop) when training; also
    how far each image's content moved (pixels, x and y)."""
    x = torch.from_numpy(u8).permute(0, 3, 1, 2).float() / 255.0
    shift = np.zeros((x.shape[0], 2), np.float32)
    if augment:
        n, _, h, w = x.shape
        x = F.pad(x, (pad, pad, pad, pad), mode="replicate")
        dx, dy = rng.integers(0, 2 * pad + 1, n), rng.integers(0, 2 * pad + 1, n)
        x = torch.stack([x[i, :, dy[i] : dy[i] + h, dx[i] : dx[i] + w] for i in range(n)])
        x = x * torch.tensor(rng.uniform(0.85, 1.15, (n, 1, 1, 1)), dtype=torch.float32)
        shift = np.stack([pad - dx, pad - dy], axis=1).astype(np.float32)
    mean = torch.tensor(IMAGE_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGE_STD).view(1, 3, 1, 1)
    return (x - mean) / std, shift


def heat_loss(heats, targets, sigma):
    """Cross-entropy of each heatmap's spatial softmax against a Gaussian at the projected point, over the
    visible points. heats: per camera [B, 2, h, w]; targets [B, cameras, 2, (u, v, visible)]."""
    total, count = heats[0].sum() * 0.0, 0
    for c, logits in enumerate(heats):
        b, k, h, w = logits.shape
        t = targets[:, c]
        vis = t[..., 2] > 0.5
        if not bool(vis.any()):
            continue
        ys = (torch.arange(h, dtype=torch.float32) + 0.5).view(1, 1, h, 1)
        xs = (torch.arange(w, dtype=torch.float32) + 0.5).view(1, 1, 1, w)
        d2 = (xs - t[..., 0, None, None] * w) ** 2 + (ys - t[..., 1, None, None] * h) ** 2
        target = torch.softmax((-d2 / (2 * sigma**2)).reshape(b, k, -1), dim=-1)
        ce = -(target * F.log_softmax(logits.reshape(b, k, -1), dim=-1)).sum(-1)
        total = total + ce[vis].sum()
        count += int(vis.sum())
    return total / max(count, 1)


def make_net(head, vocab, chunk, lean=False, fine_heat=False, res_blocks=0):
    arch = {"lean": lean, "fine_heat": fine_heat, "res_blocks": res_blocks}
    return tm.BinsPolicy(vocab, chunk, **arch) if head == "bins" else tm.FlowPolicy(vocab, chunk, **arch)


def heat_error(heats, targets, images):
    """Mean distance (in pixels of the image) between the soft-argmax and the true point, per camera and point;
    `images`: the batch's images per camera (for their size)."""
    out = []
    for c, logits in enumerate(heats):
        where, _ = tm.soft_argmax(logits)
        t = targets[:, c]
        res_px = images[c].shape[-1]
        for k in range(logits.shape[1]):
            vis = t[:, k, 2] > 0.5
            uv = (where[:, k] + 1) / 2
            err = ((uv - t[:, k, :2]) * res_px).norm(dim=-1)
            out.append(float(err[vis].mean()) if bool(vis.any()) else None)  # None, not NaN: train_log.json stays valid JSON
    return out


def bins_loss(logits, actions_n, bins, sigma=0.0):
    """Cross-entropy over bins. With sigma > 0 the target is a Gaussian over neighbouring bins (HL-Gauss,
    Farebrother et al. 2024): nearby bins count as nearly right, which teaches the ordering of the bins
    early and learns much faster than one-hot targets; decoding stays argmax."""
    if sigma <= 0:
        target = ((actions_n + 1) / 2 * bins).long().clamp(0, bins - 1)
        return F.cross_entropy(logits.reshape(-1, bins), target.reshape(-1))
    edges = torch.linspace(-1.0, 1.0, bins + 1)
    width = 2.0 / bins
    cdf = 0.5 * (1 + torch.erf((edges.view(1, -1) - actions_n.reshape(-1, 1)) / (sigma * width * math.sqrt(2.0))))
    target = (cdf[:, 1:] - cdf[:, :-1]).clamp(min=0)
    target = target / target.sum(-1, keepdim=True).clamp(min=1e-8)
    return -(target * F.log_softmax(logits.reshape(-1, bins), dim=-1)).sum(-1).mean()


def decode(net, head, batch, st, flow_steps, mask, noise_scale=1.0):
    """Actions in dataset units (degrees, gripper 0..100), as the runtime decodes them (batch without state noise)."""
    state = batch[4] * torch.tensor(st["state_std"], dtype=torch.float32) + torch.tensor(st["state_mean"], dtype=torch.float32)
    offset = (state * torch.tensor(mask, dtype=torch.float32)).unsqueeze(1)
    with torch.no_grad():
        if head == "bins":
            logits = net(*batch)
            bins = logits.shape[-1]
            a_n = (logits.argmax(-1).float() + 0.5) / bins * 2 - 1
            q01, q99 = torch.tensor(st["q01"], dtype=torch.float32), torch.tensor(st["q99"], dtype=torch.float32)
            return (a_n + 1) / 2 * (q99 - q01) + q01 + offset
        g = torch.Generator().manual_seed(0)
        noise = torch.randn(batch[0].shape[0], net.den.chunk, net.den.act_dim, generator=g) * noise_scale
        a_n = net.sample(batch, flow_steps, noise)
        return a_n * torch.tensor(st["action_std"], dtype=torch.float32) + torch.tensor(st["action_mean"], dtype=torch.float32) + offset


def validation_error(net, head, val, st, flow_steps, mask, noise_scale=1.0):
    """Mean absolute error of the first action of each chunk, per joint, on held-out episodes (no augmentation)."""
    net.eval()
    batch, _ = val.batch(256, augment=False)
    pred = decode(net, head, batch, st, flow_steps, mask, noise_scale)[:, 0]
    idx = val.last_picks
    truth = torch.tensor(np.stack([val.eps[i]["action"][t] for i, t in idx]), dtype=torch.float32)
    with torch.no_grad():
        _, heats = net.encoder(batch[:2], *batch[2:], with_heat=True) if head == "bins" else net.enc(*batch, with_heat=True)
    net.train()
    return (pred - truth).abs().mean(0).tolist(), heat_error(heats, val.last_heat, batch[:2])


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    torch.manual_seed(args.seed)  # same initial weights on every rank; DDP keeps them in step
    tok = Tokenizer(args.tokenizer, args.max_length)
    if args.thin < 1:
        raise SystemExit("--thin must be 1 or more")
    eps = load_episodes(args.data, tok, args.thin, args.upsample)
    if args.no_tail:
        unknown = set(args.no_tail) - {"pick", "place", "push", "stack"}
        if unknown:
            raise SystemExit(f"--no-tail: unknown task families {sorted(unknown)}")
        eps = [drop_tail(e) if e["meta"]["family"] in args.no_tail else e for e in eps]
    # Validation episodes: every k-th successful episode, so each family is represented.
    val_eps = eps[:: max(1, len(eps) // args.val_episodes)][: args.val_episodes] if args.val_episodes > 0 else []
    eps = [e for e in eps if not any(e is v for v in val_eps)]
    mask = np.zeros(6, bool) if args.absolute_actions else RELATIVE_MASK
    st = stats(eps, args.chunk, mask)
    ck = torch.load(args.resume) if args.resume else None
    if ck is not None and "stats" in ck:
        # The weights read and write actions in the normalisation they were trained with; statistics of other
        # recordings would move every input and output under them (new data is learned, not renormalised).
        st = {**st, **{k: np.asarray(v, dtype=np.float64) for k, v in ck["stats"].items()}}
        if rank == 0:
            print(f"--resume: keeping the normalisation of {args.resume}", flush=True)
    elif ck is not None and rank == 0:
        print(f"--resume: {args.resume} records no normalisation; using these recordings' statistics", flush=True)
    res = data_resolutions(eps + val_eps)  # one per camera for every episode, or with --upsample the sharpest
    if rank == 0 and args.upsample:
        low = sum(1 for e in eps + val_eps if resolutions(e["meta"]) != res)
        print(f"--upsample: cameras at {res}; {low} of {len(eps) + len(val_eps)} episodes recorded below that are upsampled", flush=True)
    vocab = len(tok.vocab)
    net = make_net(args.head, vocab, args.chunk, args.lean, args.fine_heat, args.res_blocks)
    ema = make_net(args.head, vocab, args.chunk, args.lean, args.fine_heat, args.res_blocks)
    if ck is not None:
        if ck["head"] != args.head:
            raise SystemExit(f"--resume: {args.resume} holds a {ck['head']} model, not {args.head}")
        if ck.get("fine_heat", False) and not args.fine_heat:
            raise SystemExit(f"--resume: {args.resume} has finer heatmaps: train it with --fine-heat")
        if ck.get("res_blocks", 0) > args.res_blocks:
            raise SystemExit(f"--resume: {args.resume} has {ck['res_blocks']} residual blocks per camera: train it with --res-blocks {ck['res_blocks']} or more")
        # Not strict: a checkpoint from before a training-only module (the auxiliary head) still warm-starts.
        # Nor from before the finer heatmaps (--fine-heat) or more residual blocks: they start as the identity.
        missing, unexpected = net.load_state_dict(ck["model"], strict=False)
        added = (".refine.",) * args.fine_heat + tuple(f".res.{i}." for i in range(ck.get("res_blocks", 0), args.res_blocks))
        if unexpected or any(not (k.startswith("aux.") or any(a in k for a in added)) for k in missing):
            raise SystemExit(f"--resume: {args.resume} does not fit this model (missing {missing}, unexpected {unexpected})")
    if args.init_encoder:
        ck_enc = torch.load(args.init_encoder)
        # Bins keep the encoder at `encoder.`, flow at `enc.encoder.`: match on what follows.
        enc = {k.split("encoder.", 1)[1]: v for k, v in ck_enc["model"].items() if "encoder." in k}
        target = net.encoder if args.head == "bins" else net.enc.encoder
        target.load_state_dict(enc)  # strict: the architectures must match
    ema.load_state_dict(net.state_dict())
    ema.eval()
    if args.distill > 0 and ck is None:
        raise SystemExit("--distill needs --resume CHECKPOINT (the model to stay close to)")
    if args.distill > 0 and rank == 0:
        handed = sum(1 for e in eps if e["meta"].get("handoverTicks"))
        fumbled = sum(1 for e in eps if e["meta"].get("fumble"))
        past = sum(e["meta"].get("tailSteps", 0) for e in eps)
        if handed or fumbled or past:
            print(f"--distill: the teacher is not asked on the {handed} handover and {fumbled} fumble episodes (they show where it goes wrong), nor on {past} steps past success", flush=True)
    # The resumed weights, frozen: what the earlier recordings taught.
    teacher = copy.deepcopy(net).eval().requires_grad_(False) if args.distill > 0 else None
    # A checkpoint from before cameras could differ records none: it was trained at these recordings' sizes.
    teacher_res = ck.get("resolutions", res) if teacher is not None else res
    if teacher is not None and teacher_res != res:
        # Resuming at another camera resolution (the convolutions and heatmap readouts fit any size): the teacher
        # still sees the images at the size it learned from.
        if rank == 0:
            print(f"--distill: the teacher sees the cameras at {teacher_res}, the student at {res}", flush=True)
        if args.head == "bins":
            teacher = ResizeInputs(teacher, teacher_res)
        else:
            teacher.enc = ResizeInputs(teacher.enc, teacher_res)
    train_net = DDP(net) if world > 1 else net
    opt = torch.optim.AdamW(net.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 100) * 0.5 * (1 + math.cos(math.pi * min(1.0, s / max(1, args.steps)))))
    sampler = Sampler(eps, st, args.chunk, args.head, rank, world, args.seed, args.state_noise, mask, args.shift, args.skip_held, args.release_weight, res)
    if rank == 0 and args.release_weight > 1:
        print(f"--release-weight {args.release_weight}: {sampler.release_drawn} steps around a release drawn {args.release_weight}x as often", flush=True)
    if rank == 0 and (args.skip_held > 0 or sampler.skipped):
        why = f"--skip-held {args.skip_held} and marks in the recordings" if args.skip_held > 0 else "marks in the recordings"
        print(f"{why}: left out {sampler.skipped} of {sum(len(e['state']) for e in eps)} steps", flush=True)
    val = Sampler(val_eps, st, args.chunk, args.head, 0, 1, 99, mask=mask, res=res) if val_eps else None
    log = []
    t0 = time.time()
    for step in range(args.steps):
        batch, acts = sampler.batch(args.batch)
        # Through the (DDP-wrapped) forward, so gradients are all-reduced across processes.
        distill = None
        if args.head == "bins":
            logits, aux, heats = train_net(*batch, with_aux=True)
            loss = bins_loss(logits, acts, 256, args.bin_sigma)
            if teacher is not None:
                with torch.no_grad():
                    target = F.softmax(teacher(*batch), dim=-1)
                kl = F.kl_div(F.log_softmax(logits, dim=-1), target, reduction="none").sum(dim=(1, 2, 3)) / (args.chunk * 6)
                distill = tm.masked_mean(kl, sampler.last_taught)
        else:
            loss, aux, heats, distill = train_net(batch, acts, teacher, sampler.last_taught if teacher is not None else None)
        known = ~torch.isnan(sampler.last_aux[:, 0])
        aux_loss = F.mse_loss(aux[known], sampler.last_aux[known]) if bool(known.any()) else aux.sum() * 0.0
        h_loss = heat_loss(heats, sampler.last_heat, args.heat_sigma)
        total = loss + args.aux_weight * aux_loss + args.heat_weight * h_loss
        if distill is not None:
            total = total + args.distill * distill
        opt.zero_grad(set_to_none=True)
        total.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        # EMA with warm-up: a fixed 0.999 would still hold 45 % of the random initial weights after 800 steps.
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, p in zip(ema.parameters(), net.parameters()):
                pe.mul_(decay).add_(p.detach(), alpha=1 - decay)
        if rank == 0 and (step % args.log_every == 0 or step == args.steps - 1):
            entry = {"step": step, "loss": float(loss), "aux_loss": float(aux_loss), "heat_loss": float(h_loss), "seconds": time.time() - t0}
            line = f"step {step:6d}  loss {float(loss):.4f}  aux {float(aux_loss):.4f}  heat {float(h_loss):.3f}  {time.time() - t0:7.1f} s"
            if distill is not None:
                entry["distill_loss"] = float(distill)
                line += f"  distill {float(distill):.4f}"
            if val is not None and (step % (args.log_every * 10) == 0 or step == args.steps - 1):
                err, px = validation_error(ema, args.head, val, st, args.flow_steps, mask, args.noise_scale)
                entry["val_abs_error"] = err
                entry["val_heat_px"] = px
                line += "  val |error| " + " ".join(f"{e:.2f}" for e in err) + "  heat px " + " ".join("-" if e is None else f"{e:.1f}" for e in px)
            log.append(entry)
            print(line, flush=True)
    if rank == 0:
        final = ema
        os.makedirs(args.out, exist_ok=True)
        # For resuming and diagnostics; the app never reads it (the build copies only the runtime's files).
        saved_stats = {k: np.asarray(v).tolist() for k, v in st.items()}
        torch.save({"head": args.head, "lean": args.lean, "fine_heat": args.fine_heat, "res_blocks": args.res_blocks, "relative_mask": mask.tolist(), "model": final.state_dict(), "stats": saved_stats, "resolutions": res}, os.path.join(args.out, "checkpoint.pt"))
        instructions = sorted({e["meta"]["instruction"] for e in eps})[:1000]
        # Parity on a frame recorded at the model's sizes where there is one: the runtime never sees an upsampled one.
        sharp = next((e for e in eps if resolutions(e["meta"]) == res), eps[0])
        sample, _ = Sampler([sharp], st, args.chunk, args.head, 0, 1, 7, mask=mask, res=res).batch(1, augment=False)
        export(final, args, st, res, tok, log, len(eps), world, instructions, sample, mask, [e["meta"]["seed"] for e in val_eps])
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


INPUT_NAMES = ["image_front", "image_wrist", "input_ids", "attention_mask", "state"]


def export_graphs(net, head, res, max_length, chunk, out):
    """The runtime's ONNX graphs of `net`: model.onnx (bins), or encoder.onnx and denoiser.onnx (flow). Shared
    with checkpointFromOnnx.py, which needs the same export to map initializers back to parameters."""
    example = (torch.zeros(1, 3, res["front"], res["front"]), torch.zeros(1, 3, res["wrist"], res["wrist"]), torch.zeros(1, max_length, dtype=torch.int64),
               torch.ones(1, max_length, dtype=torch.int64), torch.zeros(1, 6))
    with torch.no_grad():
        if head == "bins":
            torch.onnx.export(net, example, os.path.join(out, "model.onnx"), input_names=INPUT_NAMES, output_names=["logits"], opset_version=17)
            return
        torch.onnx.export(net.enc, example, os.path.join(out, "encoder.onnx"), input_names=INPUT_NAMES, output_names=["context"], opset_version=17)
        den_example = (torch.zeros(1, chunk, 6), torch.tensor([0.7]), net.enc(*example))
        torch.onnx.export(net.den, den_example, os.path.join(out, "denoiser.onnx"), input_names=["x_t", "t", "context"], output_names=["velocity"], opset_version=17)


def export(net, args, st, res, tok, log, episodes, world, instructions, sample, mask, val_seeds):
    os.makedirs(args.out, exist_ok=True)
    net.eval()
    L = args.max_length
    rng = np.random.default_rng(123)
    # Parity on a real recorded frame: the inputs the runtime will see, not only noise.
    parity_in = sample
    parity = {"inputs": {n: x.reshape(-1).tolist() for n, x in zip(INPUT_NAMES, parity_in)}}
    with torch.no_grad():
        if args.head == "bins":
            export_graphs(net, "bins", res, L, args.chunk, args.out)
            parity["outputs"] = {"logits": net(*parity_in).reshape(-1).tolist()}
            head = {"type": "bins", "graph": "model.onnx", "output": "logits", "bins": 256, "low": -1, "high": 1}
            norm = {"type": "q01_q99", "q01": st["q01"].tolist(), "q99": st["q99"].tolist(), "mask": [True] * 6}
        else:
            export_graphs(net, "flow", res, L, args.chunk, args.out)
            ctx = net.enc(*parity_in)
            x0 = torch.tensor(rng.normal(size=(1, args.chunk, 6)), dtype=torch.float32)
            t0 = torch.tensor([0.7])
            parity["inputs"].update({"x_t": x0.reshape(-1).tolist(), "t": [0.7]})
            parity["outputs"] = {"context": ctx.reshape(-1).tolist(), "velocity": net.den(x0, t0, ctx).reshape(-1).tolist()}
            head = {"type": "flow", "encoder": "encoder.onnx", "context_output": "context", "denoiser": "denoiser.onnx", "noise_input": "x_t",
                    "time_input": "t", "context_input": "context", "velocity_output": "velocity", "steps": args.flow_steps, "noise_scale": args.noise_scale}
            norm = {"type": "mean_std", "mean": st["action_mean"].tolist(), "std": st["action_std"].tolist()}
    manifest = {
        "format": "webvla-policy", "version": 1, "name": os.path.basename(os.path.normpath(args.out)),
        "description": f"tabletop-mini ({args.head} head), trained on {episodes} simulated demonstrations.",
        "robot": "so101",
        "action": {"names": ACTION_NAMES, "units": {"body": "degrees", "gripper": "range_0_100"}, **({"relative_to_state": mask.tolist()} if mask.any() else {})},
        "control_hz": 20, "chunk": {"length": args.chunk},
        "cameras": [{"name": c, "input": f"image_{c}", "width": res[c], "height": res[c]} for c in ("front", "wrist")],
        "image": {"mean": IMAGE_MEAN, "std": IMAGE_STD},
        "tokenizer": {"path": "tokenizer", "max_length": L, "ids_input": "input_ids", "mask_input": "attention_mask", "dtype": "int64",
                      "instructions": instructions},
        "state": {"input": "state", "mean": st["state_mean"].tolist(), "std": st["state_std"].tolist()},
        "normalization": norm,
        "head": head,
    }
    json.dump(manifest, open(os.path.join(args.out, "policy.json"), "w"), indent=1)
    json.dump(parity, open(os.path.join(args.out, "parity.json"), "w"))
    json.dump({"head": args.head, "steps": args.steps, "batch_per_process": args.batch, "processes": world, "episodes": episodes,
               "validation_seeds": val_seeds, "args": vars(args), "log": log},
              open(os.path.join(args.out, "train_log.json"), "w"), indent=1)
    shutil.copytree(args.tokenizer, os.path.join(args.out, "tokenizer"), dirs_exist_ok=True)
    print(f"exported to {args.out}", flush=True)


if __name__ == "__main__":
    main()
