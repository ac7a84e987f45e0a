#!/usr/bin/python3
"""How well a trained checkpoint knows *where* things are: the error of its auxiliary head (where the instructed
object is, where it must go; table x, y) on training episodes and on the held-out validation episodes.
A small training error and a large held-out one means the encoder memorised scenes instead of grounding.

  /usr/bin/python3 training/grounding_error.py --checkpoint models/NAME/checkpoint.pt --data DIR --tokenizer TOK [--val-episodes 12]
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import model as tm  # noqa: E402
import train as T  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--tokenizer", required=True)
    p.add_argument("--val-episodes", type=int, default=12, help="as in the training run")
    p.add_argument("--samples", type=int, default=256)
    args = p.parse_args()
    torch.set_num_threads(1)
    ck = torch.load(args.checkpoint)
    tok = T.Tokenizer(args.tokenizer, 16)
    eps = T.load_episodes(args.data, tok)
    # The same split as train.py: every k-th successful episode is held out.
    val = eps[:: max(1, len(eps) // args.val_episodes)][: args.val_episodes]
    train = [e for e in eps if not any(e is v for v in val)]
    st = T.stats(train)
    net = T.make_net(ck["head"], len(tok.vocab), 8, ck.get("lean", False), ck.get("fine_heat", False), ck.get("res_blocks", 0))
    net.load_state_dict(ck["model"])
    net.eval()
    for name, group in [("training", train), ("held-out", val)]:
        s = T.Sampler(group, st, 8, ck["head"], 0, 1, 5)
        b, _ = s.batch(args.samples, augment=False)
        with torch.no_grad():
            ctx, heats = net.encoder(b[:2], *b[2:], with_heat=True) if ck["head"] == "bins" else net.enc(*b, with_heat=True)
            pred = net.aux(ctx) / T.AUX_SCALE
        err = (pred - s.last_aux / T.AUX_SCALE).reshape(-1, 2, 2).norm(dim=-1).mean(0) * 100
        px = ["-" if e is None else f"{e:.1f}" for e in T.heat_error(heats, s.last_heat, b[:2])]  # None: no visible point
        print(f"{name:9s} episodes: aux head object {err[0]:.1f} cm, goal {err[1]:.1f} cm;"
              f" heatmaps (px of {b[0].shape[-1]} and {b[1].shape[-1]}) front object {px[0]}, goal {px[1]}, wrist object {px[2]}, goal {px[3]}")


if __name__ == "__main__":
    main()
