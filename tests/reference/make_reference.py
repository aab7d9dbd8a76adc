#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures that tests/pytorch_reference.rs compares against.

Run with `scripts/reference.sh` (it makes a venv with torch). Everything is float64 on the
CPU with fixed seeds, so the fixtures are reproducible. Each fixture holds:
  - the network config and weights in RNN Lab's weights format (PyTorch state_dict names),
  - inputs and targets,
  - what PyTorch computed: head outputs, loss, final states h_n (and c_n), every gradient,
    and the gradients to the inputs (x.grad) and to the initial states (h0.grad, c0.grad);
  - some start from non-zero initial states h0 (and c0), given in the fixture;
  - for the training fixtures: the weights after a few optimiser steps (with clipping);
  - for the stateful fixture: consecutive segments of one series, each starting from the
    previous segment's final state with the gradient stopped there (detach()), an optimiser
    step per segment: the losses and the final weights.
"""
import json
import os

import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "fixtures")

CELLS = {
    ("rnn", "tanh"): lambda **k: torch.nn.RNN(nonlinearity="tanh", **k),
    ("rnn", "relu"): lambda **k: torch.nn.RNN(nonlinearity="relu", **k),
    ("lstm", "standard"): lambda **k: torch.nn.LSTM(**k),
    ("gru", None): lambda **k: torch.nn.GRU(**k),
}


class Model(torch.nn.Module):
    """A recurrent stack plus a linear head, as RNN Lab's Network."""

    def __init__(self, cfg):
        super().__init__()
        cell = cfg["cell"]
        self.cfg = cfg
        self.rnn = CELLS[(cell["cell"], cell.get("variant"))](
            input_size=cfg["input_size"],
            hidden_size=cfg["hidden_size"],
            num_layers=cfg["layers"],
            bidirectional=cfg["bidirectional"],
        )
        dirs = 2 if cfg["bidirectional"] else 1
        self.head = torch.nn.Linear(cfg["hidden_size"] * dirs, cfg["output_size"])

    def forward(self, x, state=None):
        out, state = self.rnn(x, state)  # out: (T, B, D)
        if self.cfg["head"] == "many_to_one":
            out = out[-1:]
        return self.head(out), state  # (S, B, O)


def loss_of(cfg, y, targets):
    if cfg["loss"] == "mse":
        return torch.nn.functional.mse_loss(y, targets)
    s, b, c = y.shape
    return torch.nn.functional.cross_entropy(y.reshape(s * b, c), targets.reshape(s * b))


def state_dict(model):
    """RNN Lab names: the recurrent stack's names as in torch.nn.LSTM, plus head.weight/bias."""
    d = {}
    for k, v in model.rnn.state_dict().items():
        d[k] = v.tolist()
    d["head.weight"] = model.head.weight.tolist()
    d["head.bias"] = model.head.bias.tolist()
    return d


def grads(model):
    d = {}
    for k, p in model.rnn.named_parameters():
        d[k] = p.grad.tolist()
    d["head.weight"] = model.head.weight.grad.tolist()
    d["head.bias"] = model.head.bias.grad.tolist()
    return d


def make_batch(cfg, steps, batch, gen):
    x = torch.rand(steps, batch, cfg["input_size"], generator=gen) * 2 - 1
    scored = steps if cfg["head"] == "many_to_many" else 1
    if cfg["loss"] == "mse":
        t = torch.rand(scored, batch, cfg["output_size"], generator=gen) * 2 - 1
    else:
        t = torch.randint(0, cfg["output_size"], (scored, batch), generator=gen)
    return x, t


def config(cell, variant, inp, hidden, layers, bidir, out, head, loss):
    c = {"cell": cell}
    if variant is not None:
        c["variant"] = variant
    return {
        "cell": c,
        "input_size": inp,
        "hidden_size": hidden,
        "layers": layers,
        "bidirectional": bidir,
        "dropout": 0.0,
        "output_size": out,
        "head": head,
        "loss": loss,
    }


def weights_doc(cfg, model):
    return {"format": "rnn-lab-weights/1", "config": cfg, "state_dict": state_dict(model)}


def initial_state(cfg, batch, gen, zero):
    """h0 (and c0 for LSTMs), (layers*dirs, B, H), with requires_grad; zeros or uniform."""
    dirs = 2 if cfg["bidirectional"] else 1
    shape = (cfg["layers"] * dirs, batch, cfg["hidden_size"])
    make = lambda: (torch.zeros(shape) if zero else torch.rand(shape, generator=gen) * 1.6 - 0.8).requires_grad_()
    h0 = make()
    return h0, (make() if cfg["cell"]["cell"] == "lstm" else None)


def forward_fixture(name, cfg, steps, batch, seed, with_state=False):
    torch.manual_seed(seed)
    model = Model(cfg)
    gen = torch.Generator().manual_seed(seed + 1)
    x, t = make_batch(cfg, steps, batch, gen)
    x.requires_grad_()
    h0, c0 = initial_state(cfg, batch, gen, zero=not with_state)
    y, state = model(x, h0 if c0 is None else (h0, c0))
    loss = loss_of(cfg, y, t)
    loss.backward()
    h_n, c_n = (state if isinstance(state, tuple) else (state, None))
    fixture = {
        "name": name,
        "torch_version": torch.__version__,
        "weights": weights_doc(cfg, model),
        "inputs": x.tolist(),  # (T, B, I)
        "targets": t.tolist(),  # (S, B, O) values or (S, B) classes
        "outputs": y.tolist(),  # (S, B, O)
        "loss": loss.item(),
        "h_n": h_n.tolist(),  # (layers*dirs, B, H)
        "c_n": None if c_n is None else c_n.tolist(),
        "grads": grads(model),
        "dx": x.grad.tolist(),  # (T, B, I)
        "dh0": h0.grad.tolist(),  # (layers*dirs, B, H)
        "dc0": None if c0 is None else c0.grad.tolist(),
    }
    if with_state:
        fixture["h0"] = h0.tolist()
        fixture["c0"] = None if c0 is None else c0.tolist()
    write(name, fixture)


def stateful_fixture(name, cfg, segments, steps, batch, seed, lr):
    """One series cut into `segments` consecutive segments of `steps`; each trains from the
    previous one's final state, detached (truncated BPTT across batches), with Adam."""
    torch.manual_seed(seed)
    model = Model(cfg)
    gen = torch.Generator().manual_seed(seed + 1)
    start = weights_doc(cfg, model)
    xs, ts = zip(*(make_batch(cfg, steps, batch, gen) for _ in range(segments)))
    params = list(model.rnn.parameters()) + list(model.head.parameters())
    opt = torch.optim.Adam(params, lr=lr)
    state, losses = None, []
    for x, t in zip(xs, ts):
        opt.zero_grad()
        y, state = model(x, state)
        loss = loss_of(cfg, y, t)
        loss.backward()
        opt.step()
        losses.append(loss.item())
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
    h_n, c_n = (state if isinstance(state, tuple) else (state, None))
    write(name, {
        "name": name,
        "torch_version": torch.__version__,
        "weights": start,
        "segments": [{"inputs": x.tolist(), "targets": t.tolist()} for x, t in zip(xs, ts)],
        "optimizer": {"kind": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "lr": lr,
        "losses": losses,
        "h_n": h_n.tolist(),
        "c_n": None if c_n is None else c_n.tolist(),
        "final_state_dict": state_dict(model),
    })


def training_fixture(name, cfg, steps, batch, seed, optimizer, lr, clip, n_steps=3):
    torch.manual_seed(seed)
    model = Model(cfg)
    gen = torch.Generator().manual_seed(seed + 1)
    x, t = make_batch(cfg, steps, batch, gen)
    start = weights_doc(cfg, model)
    kind = optimizer["kind"]
    params = list(model.rnn.parameters()) + list(model.head.parameters())
    if kind == "sgd":
        opt = torch.optim.SGD(params, lr=lr, momentum=optimizer["momentum"], nesterov=optimizer["nesterov"])
    elif kind == "rms_prop":
        opt = torch.optim.RMSprop(params, lr=lr, alpha=optimizer["alpha"], eps=optimizer["eps"])
    else:
        opt = torch.optim.Adam(params, lr=lr, betas=(optimizer["beta1"], optimizer["beta2"]), eps=optimizer["eps"])
    losses, norms = [], []
    for _ in range(n_steps):
        opt.zero_grad()
        y, _ = model(x)
        loss = loss_of(cfg, y, t)
        loss.backward()
        if clip["kind"] == "norm":
            norms.append(torch.nn.utils.clip_grad_norm_(params, clip["threshold"]).item())
        elif clip["kind"] == "value":
            torch.nn.utils.clip_grad_value_(params, clip["threshold"])
        opt.step()
        losses.append(loss.item())
    write(name, {
        "name": name,
        "torch_version": torch.__version__,
        "weights": start,
        "inputs": x.tolist(),
        "targets": t.tolist(),
        "optimizer": optimizer,
        "lr": lr,
        "clip": clip,
        "losses": losses,
        "grad_norms_before_clip": norms,
        "final_state_dict": state_dict(model),
    })


def write(name, fixture):
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(fixture, f, indent=None, separators=(",", ":"))
    print("wrote", name)


def main():
    os.makedirs(OUT, exist_ok=True)
    forward_fixture("rnn_tanh_m2m_mse", config("rnn", "tanh", 3, 4, 1, False, 2, "many_to_many", "mse"), 5, 2, 1)
    forward_fixture("rnn_relu_bi2_m2o_ce", config("rnn", "relu", 3, 4, 2, True, 3, "many_to_one", "cross_entropy"), 6, 3, 2)
    forward_fixture("lstm_bi2_m2m_mse", config("lstm", "standard", 2, 3, 2, True, 1, "many_to_many", "mse"), 5, 2, 3)
    forward_fixture("lstm_m2o_ce", config("lstm", "standard", 3, 5, 1, False, 4, "many_to_one", "cross_entropy"), 7, 3, 4)
    forward_fixture("gru_2_m2m_ce", config("gru", None, 2, 4, 2, False, 3, "many_to_many", "cross_entropy"), 5, 2, 5)
    forward_fixture("gru_bi_m2o_mse", config("gru", None, 3, 3, 1, True, 2, "many_to_one", "mse"), 6, 4, 6)
    forward_fixture("lstm_long_m2o_mse", config("lstm", "standard", 1, 8, 1, False, 1, "many_to_one", "mse"), 40, 4, 7)
    # From non-zero initial states: every cell, layers and directions.
    forward_fixture("rnn_tanh_bi2_h0_m2m_mse", config("rnn", "tanh", 2, 3, 2, True, 1, "many_to_many", "mse"), 5, 2, 8, True)
    forward_fixture("rnn_relu_h0_m2o_mse", config("rnn", "relu", 3, 4, 1, False, 2, "many_to_one", "mse"), 6, 3, 9, True)
    forward_fixture("lstm_bi2_h0_m2m_mse", config("lstm", "standard", 2, 3, 2, True, 1, "many_to_many", "mse"), 5, 2, 10, True)
    forward_fixture("lstm_h0_m2o_ce", config("lstm", "standard", 3, 4, 1, False, 3, "many_to_one", "cross_entropy"), 6, 3, 11, True)
    forward_fixture("gru_bi2_h0_m2m_mse", config("gru", None, 2, 4, 2, True, 1, "many_to_many", "mse"), 5, 2, 12, True)
    forward_fixture("gru_h0_m2o_ce", config("gru", None, 3, 3, 1, False, 3, "many_to_one", "cross_entropy"), 6, 3, 13, True)
    # Stateful training: three segments, state carried and detached between them.
    stateful_fixture("stateful_lstm2", config("lstm", "standard", 1, 4, 2, False, 1, "many_to_many", "mse"), 3, 5, 2, 14, 0.01)
    stateful_fixture("stateful_gru_bi", config("gru", None, 2, 3, 1, True, 1, "many_to_many", "mse"), 3, 4, 2, 15, 0.01)
    stateful_fixture("stateful_rnn", config("rnn", "tanh", 1, 3, 1, False, 1, "many_to_one", "mse"), 3, 6, 3, 16, 0.01)

    lstm = config("lstm", "standard", 2, 4, 2, False, 1, "many_to_many", "mse")
    gru = config("gru", None, 2, 4, 1, True, 1, "many_to_one", "mse")
    off = {"kind": "off"}
    cases = [
        ("train_sgd", lstm, {"kind": "sgd", "momentum": 0.0, "nesterov": False}, 0.1, off),
        ("train_momentum", lstm, {"kind": "sgd", "momentum": 0.9, "nesterov": False}, 0.05, off),
        ("train_nesterov", lstm, {"kind": "sgd", "momentum": 0.9, "nesterov": True}, 0.05, off),
        ("train_rmsprop", lstm, {"kind": "rms_prop", "alpha": 0.99, "eps": 1e-8}, 0.01, off),
        ("train_adam", lstm, {"kind": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, 0.01, off),
        ("train_adam_clip_norm", gru, {"kind": "adam", "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, 0.01,
         {"kind": "norm", "threshold": 0.05}),
        ("train_sgd_clip_value", gru, {"kind": "sgd", "momentum": 0.9, "nesterov": False}, 0.1,
         {"kind": "value", "threshold": 0.01}),
    ]
    for k, (name, cfg, opt, lr, clip) in enumerate(cases):
        training_fixture(name, cfg, 6, 3, 100 + k, opt, lr, clip)


if __name__ == "__main__":
    main()
