//! Networks: stacks of 1-4 recurrent layers, optionally bidirectional, with inverted dropout
//! between layers and a linear head; forward with a full trace, and exact BPTT over that trace.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::cell::{
    backward_step, forward_step_with, input_projection_biased_into, set_columns, CellKind,
    CellParams, StepGrads, StepInput, StepTrace,
};
use super::loss::{loss_and_grad, loss_and_grad_into, Loss, Targets};
use super::matmul::{add_product, Lhs, Operand, Packed, THIN};
use super::{add_mul_tr_b, ensure_mats, ensure_shape, norm, Mat, Real};

/// Which time steps the linear head reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Head {
    /// An output at every step (many-to-many, aligned: sequence-to-sequence, per-step labels).
    ManyToMany,
    /// One output from the last step (many-to-one: next value, sequence classification).
    ManyToOne,
}

/// The shape of a network. Everything needed to build it, nothing about training.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// Which recurrent cell every layer uses.
    pub cell: CellKind,
    /// Features per time step.
    pub input_size: usize,
    /// Units per layer and direction.
    pub hidden_size: usize,
    /// Number of stacked layers (1-4).
    pub layers: usize,
    /// Run a reverse pass beside the forward one and concatenate their states.
    pub bidirectional: bool,
    /// Inverted dropout on each layer's input except the first (training only), in [0, 1).
    pub dropout: f64,
    /// Head outputs: 1 for regression on one target, the class count for classification.
    pub output_size: usize,
    /// Which steps the head reads.
    pub head: Head,
    /// What the outputs are scored with.
    pub loss: Loss,
}

/// Most layers a network may stack.
pub const MAX_LAYERS: usize = 4;

impl NetworkConfig {
    /// 1 or 2.
    pub fn directions(&self) -> usize {
        if self.bidirectional {
            2
        } else {
            1
        }
    }

    /// Width of a layer's output (and of the head's input): hidden x directions.
    pub fn layer_output_size(&self) -> usize {
        self.hidden_size * self.directions()
    }

    /// Checks the shape is buildable; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if self.input_size == 0 || self.hidden_size == 0 || self.output_size == 0 {
            return Err("input, hidden and output sizes must be at least 1".into());
        }
        if !(1..=MAX_LAYERS).contains(&self.layers) {
            return Err(format!(
                "layers must be between 1 and {MAX_LAYERS}, got {}",
                self.layers
            ));
        }
        if !(0.0..1.0).contains(&self.dropout) {
            return Err(format!("dropout must be in [0, 1), got {}", self.dropout));
        }
        if self.loss == Loss::CrossEntropy && self.output_size < 2 {
            return Err("classification needs at least 2 classes".into());
        }
        Ok(())
    }
}

/// A network's parameters. The same type holds gradients (same shapes).
#[derive(Debug, Clone, PartialEq)]
pub struct Network<T: Real> {
    pub config: NetworkConfig,
    /// One cell per layer and direction: index `layer * directions + direction`.
    pub cells: Vec<CellParams<T>>,
    /// Head weight, `output x layer_output_size`.
    pub head_w: Mat<T>,
    /// Head bias, `output x 1`.
    pub head_b: Mat<T>,
}

/// What one layer did over the sequence.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LayerTrace<T: Real> {
    /// The layer's input at each step, after dropout.
    pub input: Vec<Mat<T>>,
    /// The inverted-dropout mask applied to the input (entries 0 or 1/(1-p)), if any.
    pub dropout_mask: Option<Vec<Mat<T>>>,
    /// Per direction (0 forward, 1 reverse), one step trace per time step in sequence order.
    pub steps: Vec<Vec<StepTrace<T>>>,
}

/// Everything a forward pass computed: what backprop needs and what the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForwardTrace<T: Real> {
    pub layers: Vec<LayerTrace<T>>,
    /// The head's outputs at each scored step (logits for classification).
    pub outputs: Vec<Mat<T>>,
}

impl<T: Real> ForwardTrace<T> {
    /// Share of gate activations that are saturated, over every layer, direction, step and
    /// sample: sigmoid gates below 0.05 or above 0.95, tanh blocks beyond ±0.95 (a vanilla
    /// RNN's activation counts as tanh; ReLU has no saturation and is skipped). A saturated
    /// gate passes almost no gradient: the large-input failure in one number.
    pub fn saturation(&self, kind: CellKind) -> f64 {
        let (lo, hi) = (T::of(0.05), T::of(0.95));
        let relu = kind == CellKind::Rnn(super::Activation::Relu);
        let gates = kind.gates();
        let (mut saturated, mut total) = (0usize, 0usize);
        for step in self.layers.iter().flat_map(|l| l.steps.iter().flatten()) {
            let h = step.hidden.nrows();
            for col in step.gates.as_slice().chunks_exact(gates.len() * h) {
                for (block, gate) in col.chunks_exact(h).zip(gates) {
                    let sigmoid = gate.squash() == super::gates::Squash::Sigmoid;
                    if relu && !sigmoid {
                        continue;
                    }
                    total += block.len();
                    saturated += block
                        .iter()
                        .filter(|&&v| {
                            if sigmoid {
                                v < lo || v > hi
                            } else {
                                v.abs() > hi
                            }
                        })
                        .count();
                }
            }
        }
        if total == 0 {
            0.0
        } else {
            saturated as f64 / total as f64
        }
    }
}

/// How gradient travelled back through time in one backward pass.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GradientFlow {
    /// `dh_norm[layer][direction][t]`: ||dL/dh_t|| (over the batch), everything that reached h_t.
    pub dh_norm: Vec<Vec<Vec<f64>>>,
    /// Same for the LSTM's cell state, ||dL/dc_t||; empty for other cells.
    pub dc_norm: Vec<Vec<Vec<f64>>>,
}

/// Result of one forward and backward pass. [`Network::evaluate_into`] reuses one from step
/// to step: once its buffers have their shapes, a training step allocates nothing.
pub struct Evaluation<T: Real> {
    pub loss: f64,
    pub grads: Network<T>,
    pub trace: ForwardTrace<T>,
    pub flow: GradientFlow,
    ws: Workspace<T>,
}

impl<T: Real> Evaluation<T> {
    /// Empty buffers for a network of `config` (shaped by the first evaluation).
    pub fn new(config: NetworkConfig) -> Self {
        Self {
            loss: f64::NAN,
            grads: Network::zeros(config),
            trace: ForwardTrace::default(),
            flow: GradientFlow::default(),
            ws: Workspace::new(),
        }
    }
}

/// Scratch buffers of a forward and backward pass (contents meaningless between calls).
#[derive(Debug, Clone)]
struct Workspace<T: Real> {
    /// Each layer's inputs side by side (one buffer per layer: shapes differ), `input x (steps*batch)`.
    x_all: Vec<Mat<T>>,
    /// `W_ih x + b_ih` for every step of one direction, `gates*hidden x (steps*batch)`.
    ax_all: Mat<T>,
    /// The zero state h_{-1} = c_{-1}, `hidden x batch`.
    zeros: Mat<T>,
    /// dL/d(outputs), one per scored step.
    d_outputs: Vec<Mat<T>>,
    /// dL/d(top layer's output) for every step, and dL/d(layer l's input) for each layer
    /// (one buffer per layer, so their shapes never change between steps).
    d_out: Mat<T>,
    d_in: Vec<Mat<T>>,
    /// Pre-activation gradients of both halves (the second for the GRU only: the other cells'
    /// are equal), and h_{t-1}, for every step.
    dax_all: Mat<T>,
    dah_all: Mat<T>,
    hp_all: Mat<T>,
    /// W_hh (forward pass) or W_hhᵀ (backward pass) packed for the per-step products.
    w_hh: Packed<T>,
    /// dL/dh_t, and what flows to step t-1 (dL/dh_{t-1}, dL/dc_{t-1}).
    dh: Mat<T>,
    dh_next: Mat<T>,
    dc_next: Option<Mat<T>>,
    /// The backward step's outputs.
    step: Option<StepGrads<T>>,
}

impl<T: Real> Workspace<T> {
    fn new() -> Self {
        let e = || Mat::zeros(0, 0);
        Self {
            x_all: Vec::new(),
            ax_all: e(),
            zeros: e(),
            d_outputs: Vec::new(),
            d_out: e(),
            d_in: Vec::new(),
            dax_all: e(),
            dah_all: e(),
            hp_all: e(),
            w_hh: Packed::new(),
            dh: e(),
            dh_next: e(),
            dc_next: None,
            step: None,
        }
    }
}

fn direction_suffix(dir: usize) -> &'static str {
    if dir == 0 {
        ""
    } else {
        "_reverse"
    }
}

impl<T: Real> Network<T> {
    /// A network of the given shape with every parameter zero (use [`super::init`] to fill it).
    pub fn zeros(config: NetworkConfig) -> Self {
        let mut cells = Vec::new();
        for layer in 0..config.layers {
            let input = if layer == 0 {
                config.input_size
            } else {
                config.layer_output_size()
            };
            for _ in 0..config.directions() {
                cells.push(CellParams::zeros(config.cell, input, config.hidden_size));
            }
        }
        Self {
            config,
            cells,
            head_w: Mat::zeros(config.output_size, config.layer_output_size()),
            head_b: Mat::zeros(config.output_size, 1),
        }
    }

    /// The cell of `layer`, `direction`.
    pub fn cell(&self, layer: usize, direction: usize) -> &CellParams<T> {
        &self.cells[layer * self.config.directions() + direction]
    }

    /// Every tensor with its PyTorch `state_dict` name: `weight_ih_l0`, `bias_hh_l1_reverse`,
    /// ..., then `head.weight`, `head.bias`.
    pub fn named_tensors(&self) -> Vec<(String, &Mat<T>)> {
        let dirs = self.config.directions();
        let mut v = Vec::new();
        for (k, cell) in self.cells.iter().enumerate() {
            let (layer, dir) = (k / dirs, k % dirs);
            for (base, m) in cell.tensors() {
                v.push((format!("{base}_l{layer}{}", direction_suffix(dir)), m));
            }
        }
        v.push(("head.weight".into(), &self.head_w));
        v.push(("head.bias".into(), &self.head_b));
        v
    }

    /// Every tensor, in the order of [`Self::named_tensors`].
    pub fn tensors(&self) -> Vec<&Mat<T>> {
        self.named_tensors().into_iter().map(|(_, m)| m).collect()
    }

    /// Mutable twin of [`Self::named_tensors`], same order.
    pub fn tensors_mut(&mut self) -> Vec<&mut Mat<T>> {
        self.params_mut().collect()
    }

    /// Every tensor in the order of [`Self::named_tensors`], without allocating (the
    /// optimiser's and clipping's view in the training loop).
    pub fn params(&self) -> impl Iterator<Item = &Mat<T>> {
        self.cells
            .iter()
            .flat_map(|c| c.params())
            .chain([&self.head_w, &self.head_b])
    }

    /// Mutable twin of [`Self::params`].
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut Mat<T>> {
        self.cells
            .iter_mut()
            .flat_map(|c| c.params_mut())
            .chain([&mut self.head_w, &mut self.head_b])
    }

    /// Copies every parameter of `other` (same config) into `self`'s buffers.
    pub fn copy_params_from(&mut self, other: &Network<T>) {
        assert_eq!(self.config, other.config, "same network shape");
        for (dst, src) in self.params_mut().zip(other.params()) {
            dst.copy_from(src);
        }
    }

    /// The L2 norm of every tensor, by name. On a gradient network these are the
    /// per-parameter-group gradient norms the page shows (`weight_hh_l0` vs `weight_ih_l0` ...).
    pub fn tensor_norms(&self) -> Vec<(String, f64)> {
        self.named_tensors()
            .into_iter()
            .map(|(n, m)| (n, norm(m)))
            .collect()
    }

    /// Total number of scalar parameters.
    pub fn parameter_count(&self) -> usize {
        self.named_tensors().iter().map(|(_, m)| m.len()).sum()
    }

    /// Sets every parameter to zero (reusing the buffers).
    pub fn fill_zero(&mut self) {
        for m in self.params_mut() {
            m.as_mut_slice().fill(T::zero());
        }
    }

    /// Runs the network over `xs` (one `input x batch` matrix per step). With `dropout_rng`
    /// (training), dropout masks are drawn from it; without, dropout is off (evaluation).
    pub fn forward<R: Rng>(&self, xs: &[Mat<T>], dropout_rng: Option<&mut R>) -> ForwardTrace<T> {
        let mut trace = ForwardTrace::default();
        self.forward_into(xs, dropout_rng, &mut trace, &mut Workspace::new());
        trace
    }

    /// [`Self::forward`] into a reused trace.
    fn forward_into<R: Rng>(
        &self,
        xs: &[Mat<T>],
        mut dropout_rng: Option<&mut R>,
        trace: &mut ForwardTrace<T>,
        ws: &mut Workspace<T>,
    ) {
        let cfg = &self.config;
        let steps = xs.len();
        assert!(steps > 0, "a sequence needs at least one step");
        let batch = xs[0].ncols();
        let hidden = cfg.hidden_size;
        let dirs = cfg.directions();
        let rows = cfg.cell.gates().len() * hidden;
        let block = rows * batch;
        ensure_shape(&mut ws.zeros, hidden, batch);
        ws.zeros.as_mut_slice().fill(T::zero());
        trace.layers.truncate(cfg.layers);
        trace.layers.resize_with(cfg.layers, LayerTrace::default);
        for layer in 0..cfg.layers {
            let (below, rest) = trace.layers.split_at_mut(layer);
            let lt = &mut rest[0];
            // The layer's input: the data, or the concatenated states of the layer below.
            let in_rows = if layer == 0 {
                cfg.input_size
            } else {
                cfg.layer_output_size()
            };
            ensure_mats(&mut lt.input, steps, in_rows, batch);
            match below.last() {
                None => {
                    for (dst, x) in lt.input.iter_mut().zip(xs) {
                        assert_eq!(x.shape(), (in_rows, batch), "input shape at every step");
                        dst.as_mut_slice().copy_from_slice(x.as_slice());
                    }
                }
                Some(prev) => {
                    for (t, dst) in lt.input.iter_mut().enumerate() {
                        for (d, states) in prev.steps.iter().enumerate() {
                            dst.rows_mut(d * hidden, hidden)
                                .copy_from(&states[t].hidden);
                        }
                    }
                }
            }
            match dropout_rng.as_deref_mut() {
                Some(rng) if layer > 0 && cfg.dropout > 0.0 => {
                    let keep = 1.0 - cfg.dropout;
                    let scale = T::of(1.0 / keep);
                    let mask = lt.dropout_mask.get_or_insert_with(Vec::new);
                    ensure_mats(mask, steps, in_rows, batch);
                    for (x, m) in lt.input.iter_mut().zip(mask.iter_mut()) {
                        for (xv, mv) in x.iter_mut().zip(m.iter_mut()) {
                            *mv = if rng.random::<f64>() < keep {
                                scale
                            } else {
                                T::zero()
                            };
                            *xv *= *mv;
                        }
                    }
                }
                _ => lt.dropout_mask = None,
            }
            // Inputs of a few features are projected step by step (no sequence-long buffer);
            // wider ones in one product over all steps.
            let raw = in_rows <= THIN && cfg.cell != CellKind::Gru;
            ws.x_all.resize_with(cfg.layers, || Mat::zeros(0, 0));
            let x_all = &mut ws.x_all[layer];
            if !raw {
                // All steps side by side, for the one input projection below.
                concat_columns_into(x_all, &lt.input);
            }
            lt.steps.truncate(dirs);
            lt.steps.resize_with(dirs, Vec::new);
            for (dir, states) in lt.steps.iter_mut().enumerate() {
                let p = self.cell(layer, dir);
                let with_b_hh = cfg.cell != CellKind::Gru;
                if !raw {
                    input_projection_biased_into(p, x_all, with_b_hh, &mut ws.ax_all);
                }
                ws.w_hh.pack((&p.w_hh).into());
                states.truncate(steps);
                states.resize_with(steps, StepTrace::empty);
                for k in 0..steps {
                    // The reverse direction runs from the last step to the first.
                    let t = if dir == 0 { k } else { steps - 1 - k };
                    let (out, prev) = if dir == 0 {
                        let (done, todo) = states.split_at_mut(t);
                        (&mut todo[0], done.last())
                    } else {
                        let (todo, done) = states.split_at_mut(t + 1);
                        (&mut todo[t], done.first())
                    };
                    let h_prev = prev.map_or(&ws.zeros, |s| &s.hidden);
                    let c_prev = cfg.cell.has_cell_state().then(|| {
                        prev.map_or(&ws.zeros, |s| {
                            s.cell.as_ref().expect("LSTM step has a cell state")
                        })
                    });
                    let input = if raw {
                        StepInput::Raw(&lt.input[t])
                    } else {
                        StepInput::Projected {
                            ax: &ws.ax_all.as_slice()[t * block..(t + 1) * block],
                            with_b_hh,
                        }
                    };
                    forward_step_with(
                        cfg.cell,
                        p,
                        Lhs::Packed(&ws.w_hh),
                        input,
                        h_prev,
                        c_prev,
                        out,
                    );
                }
            }
        }
        // The head: y = W [h_fwd; h_rev] + b, one direction's column block of W at a time.
        let top = trace.layers.last().expect("at least one layer");
        let scored = self.scored_steps(steps);
        let out_size = cfg.output_size;
        ensure_mats(&mut trace.outputs, scored.len(), out_size, batch);
        for (y, t) in trace.outputs.iter_mut().zip(scored) {
            set_columns(y, &self.head_b);
            for (d, states) in top.steps.iter().enumerate() {
                let w = &self.head_w.as_slice()[d * out_size * hidden..(d + 1) * out_size * hidden];
                add_product(
                    y.as_mut_slice(),
                    Operand::new(w, out_size, hidden),
                    (&states[t].hidden).into(),
                );
            }
        }
    }

    /// The time steps the head reads, for a sequence of `steps`.
    pub fn scored_steps(&self, steps: usize) -> std::ops::Range<usize> {
        match self.config.head {
            Head::ManyToMany => 0..steps,
            Head::ManyToOne => steps - 1..steps,
        }
    }

    /// Exact backpropagation through time over `trace`, starting from dL/d(outputs).
    /// `truncate = Some(k)` cuts the recurrent gradient every k steps of each direction
    /// (chunked truncated BPTT, as if the state were detached every k steps).
    pub fn backward(
        &self,
        trace: &ForwardTrace<T>,
        d_outputs: &[Mat<T>],
        truncate: Option<usize>,
    ) -> (Network<T>, GradientFlow) {
        let mut grads = Network::zeros(self.config);
        let mut flow = GradientFlow::default();
        let mut ws = Workspace::new();
        self.backward_into(trace, d_outputs, truncate, &mut grads, &mut flow, &mut ws);
        (grads, flow)
    }

    /// [`Self::backward`] into reused gradients, flow and scratch.
    fn backward_into(
        &self,
        trace: &ForwardTrace<T>,
        d_outputs: &[Mat<T>],
        truncate: Option<usize>,
        grads: &mut Network<T>,
        flow: &mut GradientFlow,
        ws: &mut Workspace<T>,
    ) {
        let cfg = &self.config;
        let zero = T::zero();
        let steps = trace.layers[0].input.len();
        let batch = trace.layers[0].input[0].ncols();
        let hidden = cfg.hidden_size;
        let dirs = cfg.directions();
        let lstm = cfg.cell.has_cell_state();
        let gru = cfg.cell == CellKind::Gru;
        let out_size = cfg.output_size;
        let lo = cfg.layer_output_size();
        grads.fill_zero();
        shape_flow(&mut flow.dh_norm, cfg.layers, dirs, steps);
        shape_flow(
            &mut flow.dc_norm,
            if lstm { cfg.layers } else { 0 },
            dirs,
            steps,
        );
        ensure_shape(&mut ws.zeros, hidden, batch);
        ws.zeros.as_mut_slice().fill(zero);

        // Head: y_s = W h_t + b. d_out holds dL/d(layer output) for all steps, step t in
        // columns t*batch..(t+1)*batch.
        ensure_shape(&mut ws.d_out, lo, steps * batch);
        ws.d_out.as_mut_slice().fill(zero);
        let top = trace.layers.last().expect("at least one layer");
        for (dy, t) in d_outputs.iter().zip(self.scored_steps(steps)) {
            add_columns(grads.head_b.as_mut_slice(), dy.as_slice());
            for (d, states) in top.steps.iter().enumerate() {
                let w = d * out_size * hidden..(d + 1) * out_size * hidden;
                add_product(
                    &mut grads.head_w.as_mut_slice()[w],
                    dy.into(),
                    Operand::from(&states[t].hidden).t(),
                );
            }
            add_product(
                &mut ws.d_out.as_mut_slice()[t * batch * lo..(t + 1) * batch * lo],
                Operand::from(&self.head_w).t(),
                dy.into(),
            );
        }

        let rows = cfg.cell.gates().len() * hidden;
        let block = rows * batch;
        let fits = ws
            .step
            .as_ref()
            .is_some_and(|s| s.dh_prev.shape() == (hidden, batch) && s.dc_prev.is_some() == lstm);
        if !fits {
            ws.step = Some(StepGrads::new(cfg.cell, hidden, batch));
        }
        ensure_shape(&mut ws.dh, hidden, batch);
        ws.d_in.resize_with(cfg.layers, || Mat::zeros(0, 0));
        ws.x_all.resize_with(cfg.layers, || Mat::zeros(0, 0));
        for layer in (0..cfg.layers).rev() {
            let lt = &trace.layers[layer];
            let x_all = &mut ws.x_all[layer];
            concat_columns_into(x_all, &lt.input);
            let x_all = &*x_all;
            let thin_input = x_all.nrows() <= THIN;
            // What reaches this layer's outputs (from the head or the layer above), and
            // what it passes down.
            let (below, above) = ws.d_in.split_at_mut(layer + 1);
            let d_out = above.first().unwrap_or(&ws.d_out);
            let d_in = &mut below[layer];
            ensure_shape(d_in, x_all.nrows(), steps * batch);
            d_in.as_mut_slice().fill(zero);
            for dir in 0..dirs {
                let idx = layer * dirs + dir;
                let p = &self.cells[idx];
                let g = &mut grads.cells[idx];
                ws.w_hh.pack(Operand::from(&p.w_hh).t());
                // Every entry of dax/dah is written by the backward steps; no need to zero.
                ensure_shape(&mut ws.dax_all, rows, steps * batch);
                if gru {
                    ensure_shape(&mut ws.dah_all, rows, steps * batch);
                }
                ensure_shape(&mut ws.hp_all, hidden, steps * batch);
                ensure_shape(&mut ws.dh_next, hidden, batch);
                ws.dh_next.as_mut_slice().fill(zero);
                if lstm {
                    let dc = ws.dc_next.get_or_insert_with(|| Mat::zeros(hidden, batch));
                    ensure_shape(dc, hidden, batch);
                    dc.as_mut_slice().fill(zero);
                } else {
                    ws.dc_next = None;
                }
                let sg = ws.step.as_mut().expect("shaped above");
                for k in (0..steps).rev() {
                    let t = if dir == 0 { k } else { steps - 1 - k };
                    let prev_t = if k == 0 {
                        None
                    } else if dir == 0 {
                        Some(t - 1)
                    } else {
                        Some(t + 1)
                    };
                    let step = &lt.steps[dir][t];
                    let h_prev = prev_t.map_or(&ws.zeros, |u| &lt.steps[dir][u].hidden);
                    let c_prev = lstm.then(|| {
                        prev_t.map_or(&ws.zeros, |u| {
                            lt.steps[dir][u].cell.as_ref().expect("LSTM cell")
                        })
                    });
                    // dL/dh_t: from the layer above (or the head) plus from step t+1.
                    let d_out = d_out.as_slice();
                    for (j, (dst, next)) in ws
                        .dh
                        .as_mut_slice()
                        .chunks_exact_mut(hidden)
                        .zip(ws.dh_next.as_slice().chunks_exact(hidden))
                        .enumerate()
                    {
                        let from = (t * batch + j) * lo + dir * hidden;
                        for ((o, &a), &b) in
                            dst.iter_mut().zip(&d_out[from..from + hidden]).zip(next)
                        {
                            *o = a + b;
                        }
                    }
                    flow.dh_norm[layer][dir][t] = norm(&ws.dh);
                    let range = t * block..(t + 1) * block;
                    backward_step(
                        cfg.cell,
                        p,
                        Lhs::Packed(&ws.w_hh),
                        h_prev,
                        c_prev,
                        step,
                        &ws.dh,
                        ws.dc_next.as_ref(),
                        &mut ws.dax_all.as_mut_slice()[range.clone()],
                        gru.then(|| &mut ws.dah_all.as_mut_slice()[range.clone()]),
                        g.peephole.as_mut(),
                        sg,
                    );
                    if thin_input {
                        // dW_ih += dax_t x_tᵀ and db_ih += Σ_batch dax_t while dax_t is in
                        // cache (a few input features: cheap per step, and it saves two
                        // passes over the sequence-long dax).
                        let dax_t = &ws.dax_all.as_slice()[range];
                        add_product(
                            g.w_ih.as_mut_slice(),
                            Operand::new(dax_t, rows, batch),
                            Operand::from(&lt.input[t]).t(),
                        );
                        add_columns(g.b_ih.as_mut_slice(), dax_t);
                    }
                    // Columns t*batch.. of a column-major matrix are one contiguous run.
                    let run = t * batch * hidden..(t + 1) * batch * hidden;
                    ws.hp_all.as_mut_slice()[run].copy_from_slice(h_prev.as_slice());
                    if let Some(dc) = &sg.dc {
                        flow.dc_norm[layer][dir][t] = norm(dc);
                    }
                    let cut = truncate.is_some_and(|kk| kk > 0 && k % kk == 0);
                    if cut {
                        ws.dh_next.as_mut_slice().fill(zero);
                        if let Some(dc) = &mut ws.dc_next {
                            dc.as_mut_slice().fill(zero);
                        }
                    } else {
                        std::mem::swap(&mut ws.dh_next, &mut sg.dh_prev);
                        std::mem::swap(&mut ws.dc_next, &mut sg.dc_prev);
                    }
                }
                // Weight gradients for all steps at once: dW_ih = Σ dax_t x_tᵀ, dW_hh = Σ dah_t h_{t-1}ᵀ.
                if !thin_input {
                    add_mul_tr_b(&mut g.w_ih, &ws.dax_all, x_all);
                    add_columns(g.b_ih.as_mut_slice(), ws.dax_all.as_slice());
                }
                let dah_all = if gru { &ws.dah_all } else { &ws.dax_all };
                add_mul_tr_b(&mut g.w_hh, dah_all, &ws.hp_all);
                if gru {
                    add_columns(g.b_hh.as_mut_slice(), dah_all.as_slice());
                } else {
                    // dah = dax: the same sums (g.b_hh was zero).
                    g.b_hh.copy_from(&g.b_ih);
                }
                if layer > 0 {
                    // What flows to the layer below (the data itself needs no gradient).
                    add_product(
                        d_in.as_mut_slice(),
                        Operand::from(&p.w_ih).t(),
                        (&ws.dax_all).into(),
                    );
                }
            }
            if let Some(mask) = &lt.dropout_mask {
                for (t, m) in mask.iter().enumerate() {
                    d_in.columns_mut(t * batch, batch).component_mul_assign(m);
                }
            }
        }
    }

    /// Forward, loss and backward in one call: what one training step needs.
    pub fn evaluate<R: Rng>(
        &self,
        xs: &[Mat<T>],
        targets: &Targets<T>,
        dropout_rng: Option<&mut R>,
        truncate: Option<usize>,
    ) -> Evaluation<T> {
        let mut e = Evaluation::new(self.config);
        self.evaluate_into(xs, targets, dropout_rng, truncate, &mut e);
        e
    }

    /// [`Self::evaluate`] into a reused [`Evaluation`]: the training loop's form, which
    /// allocates nothing once `e` has seen a batch of this shape.
    pub fn evaluate_into<R: Rng>(
        &self,
        xs: &[Mat<T>],
        targets: &Targets<T>,
        dropout_rng: Option<&mut R>,
        truncate: Option<usize>,
        e: &mut Evaluation<T>,
    ) {
        if e.grads.config != self.config {
            *e = Evaluation::new(self.config);
        }
        self.forward_into(xs, dropout_rng, &mut e.trace, &mut e.ws);
        let mut d_outputs = std::mem::take(&mut e.ws.d_outputs);
        e.loss = loss_and_grad_into(self.config.loss, &e.trace.outputs, targets, &mut d_outputs);
        self.backward_into(
            &e.trace,
            &d_outputs,
            truncate,
            &mut e.grads,
            &mut e.flow,
            &mut e.ws,
        );
        e.ws.d_outputs = d_outputs;
    }

    /// The loss alone (no dropout): for validation and finite-difference checks.
    pub fn loss(&self, xs: &[Mat<T>], targets: &Targets<T>) -> f64 {
        let trace = self.forward::<rand_pcg::Pcg64Mcg>(xs, None);
        loss_and_grad(self.config.loss, &trace.outputs, targets).0
    }
}

/// Places matrices with the same row count side by side in `out` (step t in columns
/// t*cols..), reusing its buffer.
fn concat_columns_into<T: Real>(out: &mut Mat<T>, parts: &[Mat<T>]) {
    let rows = parts.first().map_or(0, |m| m.nrows());
    let cols: usize = parts.iter().map(|m| m.ncols()).sum();
    ensure_shape(out, rows, cols);
    let mut at = 0;
    for m in parts {
        out.as_mut_slice()[at..at + m.len()].copy_from_slice(m.as_slice());
        at += m.len();
    }
}

/// Adds every column of the column-major `m` (`acc.len()` rows) to `acc`: the row sums of a
/// gradient, summed over the batch.
fn add_columns<T: Real>(acc: &mut [T], m: &[T]) {
    for col in m.chunks_exact(acc.len()) {
        for (a, &v) in acc.iter_mut().zip(col) {
            *a += v;
        }
    }
}

/// Shapes `norms[layer][direction][t]` with zeros, reusing the vectors.
fn shape_flow(norms: &mut Vec<Vec<Vec<f64>>>, layers: usize, dirs: usize, steps: usize) {
    norms.resize_with(layers, Vec::new);
    for per_layer in norms.iter_mut() {
        per_layer.resize_with(dirs, Vec::new);
        for v in per_layer.iter_mut() {
            v.clear();
            v.resize(steps, 0.0);
        }
    }
}
