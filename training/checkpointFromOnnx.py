#!/usr/bin/python3
"""Rebuild a checkpoint.pt from an exported model folder, so training can resume from a shipped model.

    /usr/bin/python3 training/checkpointFromOnnx.py --model models/tabletop-mini-flow --out data/runs/shipped/checkpoint.pt

Checkpoints are not committed (the app never reads them), so a fresh clone holds only the ONNX graphs. Their
initializers are the trained weights, but the exporter renames, transposes, reshapes and slices some of them
(a Linear on 3-D input becomes MatMul with W^T; GroupNorm's weight is unsqueezed; `pos[:n]` is folded). To map
them back, the same model is exported once more with a distinct random value in every parameter: each
initializer of that export is then found in exactly one parameter, and how (as is, transposed, a prefix),
and the shipped graph's initializer of the same name fills it. The result is checked against parity.json.
The auxiliary head (used in training alone) is not in the graphs; --resume starts it fresh.
"""
import argparse
import json
import os
import sys
import tempfile

import numpy as np
import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as tm  # noqa: E402
import train  # noqa: E402

GRAPHS = {"bins": ["model.onnx"], "flow": ["encoder.onnx", "denoiser.onnx"]}


def initializers(path):
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def locate(value, params):
    """(parameter name, how) for the one parameter `value` was exported from, or None (a constant of the graph)."""
    flat = value.reshape(-1)
    found = []
    for name, p in params.items():
        if p.size == flat.size and np.array_equal(p.reshape(-1), flat):
            found.append((name, "same"))
        elif p.ndim == 2 and p.size == flat.size and np.array_equal(p.T.reshape(-1), flat):
            found.append((name, "transposed"))
        elif p.size > flat.size > 1 and np.array_equal(p.reshape(-1)[: flat.size], flat):
            found.append((name, "prefix"))
    if len(found) > 1:
        raise SystemExit(f"an initializer matches several parameters: {[n for n, _ in found]}")
    return found[0] if found else None


def rebuild(model_dir):
    policy_path = os.path.join(model_dir, "policy.json")
    if not os.path.isfile(policy_path):
        raise SystemExit(f"{model_dir}: no policy.json (not an exported model folder)")
    policy = json.load(open(policy_path))
    head = policy["head"]["type"]
    if head not in GRAPHS:
        raise SystemExit(f"{policy_path}: unknown head type {head!r}")
    absent = [g for g in GRAPHS[head] + ["parity.json"] if not os.path.isfile(os.path.join(model_dir, g))]
    if absent:
        raise SystemExit(f"{model_dir}: missing {', '.join(absent)}")
    vocab = len(json.load(open(os.path.join(model_dir, policy["tokenizer"]["path"], "tokenizer.json")))["model"]["vocab"])
    chunk, res, max_length = policy["chunk"]["length"], camera_resolutions(policy), policy["tokenizer"]["max_length"]
    log_path = os.path.join(model_dir, "train_log.json")
    trained = json.load(open(log_path))["args"] if os.path.isfile(log_path) else {}
    arch = {"lean": bool(trained.get("lean", False)), "fine_heat": bool(trained.get("fine_heat", False)), "res_blocks": int(trained.get("res_blocks", 0))}
    net = train.make_net(head, vocab, chunk, **arch)
    net.eval()
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.rand(p.shape, generator=g) * 2 - 1)  # distinct everywhere: no two parameters share a value
    probe = {k: v.numpy().copy() for k, v in net.state_dict().items()}
    with tempfile.TemporaryDirectory() as tmp:
        train.export_graphs(net, head, res, max_length, chunk, tmp)
        state = {k: torch.from_numpy(v.copy()) for k, v in probe.items()}
        filled = set()
        for graph in GRAPHS[head]:
            ours, shipped = initializers(os.path.join(tmp, graph)), initializers(os.path.join(model_dir, graph))
            if set(ours) != set(shipped):
                raise SystemExit(f"{graph}: its initializers differ from this model's export (another architecture or exporter)")
            wrong = [n for n in ours if ours[n].shape != shipped[n].shape]
            if wrong:
                raise SystemExit(f"{graph}: the graph does not fit the model its policy.json describes ({wrong[0]}: {shipped[wrong[0]].shape} vs {ours[wrong[0]].shape})")
            for init_name, value in ours.items():
                hit = locate(value, probe)
                if hit is None:
                    continue
                name, how = hit
                w = (shipped[init_name].T if how == "transposed" else shipped[init_name]).reshape(-1)
                state[name].view(-1)[: w.size] = torch.from_numpy(w.copy())
                filled.add(name)
    exported = {k for k in probe if not k.startswith("aux.")}
    missing = sorted(exported - filled)
    if missing:
        raise SystemExit(f"parameters not found in the graphs: {missing}")
    net.load_state_dict(state)
    return net, policy, head, {k: v for k, v in state.items() if not k.startswith("aux.")}, arch


def camera_resolutions(policy):
    """{"front": px, "wrist": px}: each camera's square input size, as train.py's export takes it."""
    res = {c["name"]: c["width"] for c in policy["cameras"]}
    if set(res) != {"front", "wrist"} or any(c["width"] != c["height"] for c in policy["cameras"]):
        raise SystemExit(f"cameras {[(c['name'], c['width'], c['height']) for c in policy['cameras']]}: tabletop-mini takes a square front and wrist camera")
    return res


def manifest_stats(policy):
    """The normalisation the weights were trained with, as train.py's stats() names it: a resumed run must keep it."""
    st = {"state_mean": policy["state"]["mean"], "state_std": policy["state"]["std"]}
    n = policy["normalization"]
    if n["type"] == "mean_std":
        st.update(action_mean=n["mean"], action_std=n["std"])
    else:
        st.update(q01=n["q01"], q99=n["q99"])
    return st


def parity_error(net, head, model_dir, res):
    """Largest error of the rebuilt model's outputs against the export's saved PyTorch outputs, relative where an
    output exceeds 1 in magnitude (as training/parity.ts measures the ONNX graphs)."""
    par = json.load(open(os.path.join(model_dir, "parity.json")))
    inp = par["inputs"]
    x = [torch.tensor(inp[f"image_{c}"], dtype=torch.float32).view(1, 3, res[c], res[c]) for c in ("front", "wrist")]
    x += [torch.tensor(inp[n], dtype=torch.int64).view(1, -1) for n in ("input_ids", "attention_mask")]
    x.append(torch.tensor(inp["state"], dtype=torch.float32).view(1, 6))
    with torch.no_grad():
        if head == "bins":
            outs = {"logits": net(*x)}
        else:
            ctx = net.enc(*x)
            x_t = torch.tensor(inp["x_t"], dtype=torch.float32).view(1, net.den.chunk, net.den.act_dim)
            outs = {"context": ctx, "velocity": net.den(x_t, torch.tensor(inp["t"], dtype=torch.float32), ctx)}
    errors = []
    for k, v in outs.items():
        ref = np.array(par["outputs"][k])
        errors.append(float((np.abs(ref - v.reshape(-1).numpy()) / np.maximum(1.0, np.abs(ref))).max()))
    return max(errors)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="exported model folder (policy.json, ONNX graphs, parity.json)")
    p.add_argument("--out", required=True, help="checkpoint.pt to write (for train.py --resume)")
    p.add_argument("--tolerance", type=float, default=1e-4, help="largest allowed error against parity.json's outputs (relative above 1)")
    args = p.parse_args(argv)
    net, policy, head, state, arch = rebuild(args.model)
    res = camera_resolutions(policy)
    err = parity_error(net, head, args.model, res)
    if not err <= args.tolerance:
        raise SystemExit(f"the rebuilt model differs from the export's saved outputs by {err:.3g} (> {args.tolerance})")
    mask = policy["action"].get("relative_to_state", [False] * 6)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"head": head, **arch, "relative_mask": mask, "model": state, "stats": manifest_stats(policy), "resolutions": res, "rebuilt_from": os.path.abspath(args.model)}, args.out)
    print(f"rebuilt {head} checkpoint ({len(state)} tensors, parity error {err:.2e}) → {args.out}", flush=True)


if __name__ == "__main__":
    main()
