//! A run's memory, estimated before anything is allocated, and the budget a run must keep to.
//!
//! A wasm tab has at most 4 GiB, and the page's worker shares the browser's process limits
//! with everything else in the tab. A run over the budget is refused with a message naming
//! the estimate and what to lower; the run that trains is kept. `tests/memory.rs` measures
//! what runs actually allocate (a counting allocator) and checks the estimate bounds it.

use crate::data::frame::Dataset;
use crate::i18n::Text;
use crate::nn::network::NetworkConfig;
use crate::nn::CellKind;

/// What one run (with its compared runs in compare mode) may take by [`estimate`]: 512 MiB.
/// The estimate counts what a session allocates (checked natively by `tests/memory.rs`); in
/// the tab the wasm allocator cannot hand freed memory back and grows its heap in steps, and
/// the worker encodes views beside the run, so a run could take more there; measured in
/// Chromium it takes less (lesson 9 with four bidirectional layers: 312 MB after a step,
/// estimated 495 MB; docs/BENCHMARKS.md). Half of 1 GiB leaves room inside the 4 GiB a wasm
/// tab can address, while every lesson's own settings, and compare mode on them, stay
/// below it.
pub const MEMORY_BUDGET: usize = 512 << 20;

/// What a session holds besides its tensors (history, shuffled order, buffers for the page's
/// views), and a tenth more for what the formula leaves out.
const FIXED: usize = 2 << 20;

/// Bookkeeping per matrix (its `Vec` and shape, and the allocator's rounding).
const PER_MATRIX: usize = 96;

/// Bytes a training session of `net` on `dataset` with batches of `batch` windows needs at
/// its peak: the weights four times (the model, the weights before the last update, two
/// gradient buffers) plus the optimiser's state, two forward traces with their backward
/// workspaces (a step under way writes into the second), the batch's inputs, a prediction
/// sweep's group, and the dataset itself.
pub fn estimate(net: &NetworkConfig, batch: usize, dataset: &Dataset) -> usize {
    let f = std::mem::size_of::<f32>();
    let (h, dirs) = (net.hidden_size, if net.bidirectional { 2 } else { 1 });
    let g = net.cell.gates().len();
    let steps = dataset.task.window().max(1);
    let b = batch.min(dataset.train.len()).max(1);
    let mut params = 0;
    // Per time step and direction: pre-activations and activations of every gate, h_t, and
    // c_t (LSTM) or the GRU's W_hn h part.
    let extra = usize::from(matches!(net.cell, CellKind::Lstm(_) | CellKind::Gru));
    let per_step_dir = (2 * g + 1 + extra) * h * b;
    let mut trace = 0;
    let mut matrices = 0;
    // The pass's scratch buffers (`nn::network::Workspace`): a chunk of steps of every gate's
    // pre-activations and both halves of their gradients, h_{t-1} and dL/dh, the packed
    // recurrent weights, and each layer's inputs and their gradient (the run_memory fuzz
    // target found runs of short windows and many units, where these dominate, over the
    // estimate when they were left to the tenth added below).
    let cols = crate::nn::network::chunk_steps(b).min(steps) * b;
    let mut workspace = cols * (3 * g * h + 2 * h) + 2 * g * h * h + 6 * h * b;
    for layer in 0..net.layers {
        let input = if layer == 0 { net.input_size } else { h * dirs };
        workspace += 2 * cols * input;
        params += dirs * g * h * (input + h + 2);
        // The layer's input at every step (and its dropout mask above the first layer).
        let masked = usize::from(layer > 0 && net.dropout > 0.0);
        trace += steps * input * b * (1 + masked);
        trace += dirs * steps * per_step_dir;
        matrices += steps * (1 + masked + dirs * (3 + extra));
    }
    params += net.output_size * (h * dirs + 1);
    let outputs = steps * net.output_size * b;
    // A trace and its outputs (the backward pass works in chunks of time steps; its
    // buffers are in the tenth added below).
    let evaluation = (trace + outputs + workspace) * f + matrices * PER_MATRIX;
    let weights = 6 * params * f;
    let batch_inputs = steps * net.input_size * b * f + steps * PER_MATRIX;
    // A sweep's group holds at most 8 Mi trace entries (`train::sweep`), with its workspace.
    let sweep = 2 * (8 << 20) * f;
    let data = dataset.x.iter().map(Vec::len).sum::<usize>() * 8
        + dataset.x.first().map_or(0, Vec::len) * 8
        + (dataset.train.len() + dataset.validation.len() + dataset.test.len()) * 8;
    let total = weights + 2 * evaluation + batch_inputs + sweep.min(evaluation) + data;
    total + total / 10 + FIXED
}

/// Refuses `need` bytes over the budget, naming the estimate and what to lower.
pub fn check(need: usize) -> Result<(), Text> {
    if need <= MEMORY_BUDGET {
        return Ok(());
    }
    Err(Text::with(
        "err.memory",
        &[
            ("mb", &need.div_ceil(1 << 20)),
            ("limit", &(MEMORY_BUDGET >> 20)),
        ],
    ))
}
