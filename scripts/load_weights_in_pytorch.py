#!/usr/bin/env python3
"""Loads an RNN Lab weights file into PyTorch (torch.nn.RNN/LSTM/GRU + torch.nn.Linear).

Usage: python scripts/load_weights_in_pytorch.py weights.json
If the file has a "check" section (examples/export_weights.rs writes one), runs its inputs
through the loaded model and compares with RNN Lab's outputs.
"""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)


def load(path):
    doc = json.load(open(path))
    cfg = doc["config"]
    sd = {k: torch.tensor(v) for k, v in doc["state_dict"].items()}
    cell = cfg["cell"]
    kwargs = dict(input_size=cfg["input_size"], hidden_size=cfg["hidden_size"],
                  num_layers=cfg["layers"], bidirectional=cfg["bidirectional"])
    if cell["cell"] == "rnn":
        rnn = torch.nn.RNN(nonlinearity=cell["variant"], **kwargs)
    elif cell["cell"] == "lstm" and cell["variant"] == "standard":
        rnn = torch.nn.LSTM(**kwargs)
    elif cell["cell"] == "gru":
        rnn = torch.nn.GRU(**kwargs)
    else:
        sys.exit(f"{cell} has no PyTorch counterpart (peephole and coupled LSTMs are RNN Lab's own)")
    rnn.load_state_dict({k: v for k, v in sd.items() if not k.startswith("head.")})
    head = torch.nn.Linear(sd["head.weight"].shape[1], sd["head.weight"].shape[0])
    head.load_state_dict({"weight": sd["head.weight"], "bias": sd["head.bias"]})
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
