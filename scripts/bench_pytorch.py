#!/usr/bin/env python3
"""PyTorch's single-thread CPU speed on the configs of benches/train_step.rs.

One step = forward + backward (BPTT) + Adam, float32, input 1, output 1 at every step
(many-to-many), MSE. Prints steps/s per config. Run: target/torch-venv/bin/python
scripts/bench_pytorch.py (scripts/reference.sh creates that venv).
"""
import time

import torch

torch.set_num_threads(1)
CONFIGS = [
    ("lstm_h10_t20_b50", torch.nn.LSTM, 10, 20, 50),
    ("lstm_h32_t20_b32", torch.nn.LSTM, 32, 20, 32),
    ("lstm_h64_t50_b32", torch.nn.LSTM, 64, 50, 32),
    ("lstm_h128_t100_b16", torch.nn.LSTM, 128, 100, 16),
    ("gru_h32_t20_b32", torch.nn.GRU, 32, 20, 32),
    ("rnn_h32_t20_b32", torch.nn.RNN, 32, 20, 32),
]

for name, cls, hidden, steps, batch in CONFIGS:
    torch.manual_seed(0)
    rnn = cls(1, hidden)
    head = torch.nn.Linear(hidden, 1)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=1e-3)
    x = torch.rand(steps, batch, 1) * 2 - 1
    y = torch.sin(x)

    def step():
        opt.zero_grad()
        out, _ = rnn(x)
        loss = torch.nn.functional.mse_loss(head(out), y)
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < 3.0:
        step()
        n += 1
    print(f"{name:22s} {n / (time.perf_counter() - start):8.1f} steps/s")
