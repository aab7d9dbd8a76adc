#!/usr/bin/env python3
"""Rebuilds an RNN Lab model in PyTorch and reproduces its loss.

Usage: python reproduce_in_pytorch.py run.json    (run.json: "Download for PyTorch" in RNN Lab)

The file holds the weights under PyTorch's state_dict names and the validation windows,
already normalised, shaped (steps, batch, features). The script builds torch.nn.RNN / LSTM /
GRU plus a Linear head, loads the weights, computes the loss and compares it with RNN Lab's.
From here the model is an ordinary PyTorch module: keep training it with torch.optim.
"""
import json
import sys

import torch

torch.set_default_dtype(torch.float64)


def build(doc):
    cfg = doc["config"]
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
    sd = {k: torch.tensor(v) for k, v in doc["state_dict"].items()}
    rnn.load_state_dict({k: v for k, v in sd.items() if not k.startswith("head.")})
    head = torch.nn.Linear(sd["head.weight"].shape[1], sd["head.weight"].shape[0])
    head.load_state_dict({"weight": sd["head.weight"], "bias": sd["head.bias"]})
    return cfg, rnn, head


def main():
    doc = json.load(open(sys.argv[1]))
    cfg, rnn, head = build(doc)
    data = doc["data"]
    x = torch.tensor(data["inputs"])                  # (steps, batch, features)
    with torch.no_grad():
        out, _ = rnn(x)                               # (steps, batch, hidden * directions)
        if cfg["head"] == "many_to_one":
            out = out[-1:]
        y = head(out)                                 # (scored steps, batch, outputs)
        if data["loss"] == "mse":
            t = torch.tensor(data["targets"]).unsqueeze(-1)
            loss = torch.nn.functional.mse_loss(y, t)
        else:
            t = torch.tensor(data["targets"])
            loss = torch.nn.functional.cross_entropy(y.reshape(-1, y.shape[-1]), t.reshape(-1))
    ours = data["rnn_lab_loss"]
    print(f"{rnn.__class__.__name__}: {data['split']} loss in PyTorch {loss.item():.8g}, in RNN Lab {ours:.8g}")
    if abs(loss.item() - ours) > 1e-4 * max(abs(ours), 1e-8):
        sys.exit("the losses differ")


if __name__ == "__main__":
    main()
