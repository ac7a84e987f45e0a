"""Average the weights of checkpoints fine-tuned from one model (a uniform "model soup", Wortsman et al. 2022).

    /usr/bin/python3 training/soup.py --out SOUP.pt A.pt B.pt [...]
    /usr/bin/python3 training/train.py --resume SOUP.pt --steps 0 --data DIR ... --out models/NAME   # exports it

Runs resumed from the same weights on different recordings land in one basin and err on different episodes;
their average keeps what each learned and is no slower to run. Only checkpoints of the same architecture and the
same normalisation average meaningfully, so anything else is refused. Training-only parameters one of them lacks
(the aux head: a checkpoint rebuilt from ONNX has none) are taken from the checkpoints that have them.
"""
import argparse

import numpy as np
import torch

SAME = ("head", "lean", "fine_heat", "res_blocks", "relative_mask", "resolutions")
DEFAULTS = {"fine_heat": False, "res_blocks": 0}  # what a checkpoint from before the option was trained with
# Statistics a head never reads (train.py norm_actions): the flow head scales by mean and std, not the quantiles,
# so runs resumed from one model on different recordings still average.
UNREAD = {"flow": ("q01", "q99"), "bins": ()}


def soup(cks):
    """The uniform average of the checkpoints' weights, with the first one's settings and statistics."""
    first = cks[0]
    for i, ck in enumerate(cks[1:], 1):
        for k in SAME:
            mine, theirs = ck.get(k, DEFAULTS.get(k)), first.get(k, DEFAULTS.get(k))
            if mine != theirs:
                raise SystemExit(f"checkpoint {i + 1}: {k} is {mine!r}, the first has {theirs!r}: not the same model")
        # A checkpoint rebuilt from ONNX keeps only the statistics its policy.json holds: compare those both have.
        for k, v in first["stats"].items():
            if k in UNREAD.get(first["head"], ()):
                continue
            if k in ck["stats"] and not np.allclose(np.asarray(ck["stats"][k]), np.asarray(v), rtol=0, atol=1e-6):
                raise SystemExit(f"checkpoint {i + 1}: normalisation {k} differs from the first's (resume both from one model)")
    names = {k for ck in cks for k in ck["model"]}
    model = {}
    for k in sorted(names):
        have = [ck["model"][k] for ck in cks if k in ck["model"]]
        if len(have) < len(cks) and not k.startswith("aux."):
            raise SystemExit(f"{k} is in {len(have)} of {len(cks)} checkpoints: not the same model")
        if any(h.shape != have[0].shape for h in have):
            raise SystemExit(f"{k}: shapes {[tuple(h.shape) for h in have]} differ")
        model[k] = torch.stack([h.float() for h in have]).mean(0).to(have[0].dtype) if have[0].is_floating_point() else have[0]
    return {**{k: first[k] for k in first if k not in ("model", "rebuilt_from")}, "model": model}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True, help="the averaged checkpoint, for train.py --resume")
    p.add_argument("checkpoints", nargs="+", help="two or more checkpoint.pt files (checkpointFromOnnx.py rebuilds one from a model folder)")
    args = p.parse_args(argv)
    if len(args.checkpoints) < 2:
        raise SystemExit("give two or more checkpoints")
    out = soup([torch.load(c) for c in args.checkpoints])
    out["soup_of"] = list(args.checkpoints)
    torch.save(out, args.out)
    print(f"averaged {len(args.checkpoints)} checkpoints into {args.out}")


if __name__ == "__main__":
    main()
