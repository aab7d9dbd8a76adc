#!/usr/bin/env python3
"""Loads an RNN Lab weights file into PyTorch (torch.nn.RNN/LSTM/GRU + torch.nn.Linear).

Usage: python scripts/load_weights_in_pytorch.py weights.json
If the file has a "check" section (examples/export_weights.rs writes one), runs its inputs
through the loaded model and compares with RNN Lab's outputs.
"""
import json
import os
import sys

import torch

# One definition of "an RNN Lab config as torch modules": the script the page offers.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "train"))
from reproduce_in_pytorch import build  # noqa: E402  (sets float64 as the default dtype)


def load(path):
    doc = json.load(open(path))
    cfg, rnn, head = build(doc)
    return doc, cfg, rnn, head


def main():
    doc, cfg, rnn, head = load(sys.argv[1])
    print(f"loaded {cfg['cell']} x{cfg['layers']} hidden {cfg['hidden_size']} into {rnn.__class__.__name__}")
    if "check" in doc:
        x = torch.tensor(doc["check"]["inputs"])
        out, _ = rnn(x)
        if cfg["head"] == "many_to_one":
            out = out[-1:]
        y = head(out)
        diff = (y - torch.tensor(doc["check"]["outputs"])).abs().max().item()
        print(f"max |PyTorch - RNN Lab| over the outputs: {diff:.3e}")
        if diff > 1e-9:
            sys.exit("outputs differ")


if __name__ == "__main__":
    main()
