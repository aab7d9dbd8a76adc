//! Networks: stacks of 1-4 recurrent layers, optionally bidirectional, with inverted dropout
//! between layers and a linear head; forward with a full trace, and exact BPTT over that trace.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::cell::{
    add_bias, backward_step, forward_step, input_projection, CellKind, CellParams, StepTrace,
};
use super::loss::{loss_and_grad, Loss, Targets};
use super::{add_mul, add_mul_tr_b, norm, Mat, Real};
use std::ops::AddAssign;

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
#[derive(Debug, Clone, PartialEq)]
pub struct LayerTrace<T: Real> {
    /// The layer's input at each step, after dropout.
    pub input: Vec<Mat<T>>,
    /// The inverted-dropout mask applied to the input (entries 0 or 1/(1-p)), if any.
    pub dropout_mask: Option<Vec<Mat<T>>>,
    /// Per direction (0 forward, 1 reverse), one step trace per time step in sequence order.
    pub steps: Vec<Vec<StepTrace<T>>>,
}

/// Everything a forward pass computed: what backprop needs and what the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardTrace<T: Real> {
    pub layers: Vec<LayerTrace<T>>,
    /// The head's outputs at each scored step (logits for classification).
    pub outputs: Vec<Mat<T>>,
}

/// How gradient travelled back through time in one backward pass.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GradientFlow {
    /// `dh_norm[layer][direction][t]`: ||dL/dh_t|| (over the batch), everything that reached h_t.
    pub dh_norm: Vec<Vec<Vec<f64>>>,
    /// Same for the LSTM's cell state, ||dL/dc_t||; empty for other cells.
    pub dc_norm: Vec<Vec<Vec<f64>>>,
}

/// Result of one forward and backward pass.
pub struct Evaluation<T: Real> {
    pub loss: f64,
    pub grads: Network<T>,
    pub trace: ForwardTrace<T>,
    pub flow: GradientFlow,
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
        let mut v: Vec<&mut Mat<T>> = self
            .cells
            .iter_mut()
            .flat_map(|c| c.tensors_mut())
            .collect();
        v.push(&mut self.head_w);
        v.push(&mut self.head_b);
        v
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
        for m in self.tensors_mut() {
            m.fill(T::zero());
        }
    }

    /// Runs the network over `xs` (one `input x batch` matrix per step). With `dropout_rng`
    /// (training), dropout masks are drawn from it; without, dropout is off (evaluation).
    pub fn forward<R: Rng>(
        &self,
        xs: &[Mat<T>],
        mut dropout_rng: Option<&mut R>,
    ) -> ForwardTrace<T> {
        let cfg = &self.config;
        let steps = xs.len();
        assert!(steps > 0, "a sequence needs at least one step");
        let batch = xs[0].ncols();
        let hidden = cfg.hidden_size;
        let mut layers: Vec<LayerTrace<T>> = Vec::with_capacity(cfg.layers);
        let mut input: Vec<Mat<T>> = xs.to_vec();
        for layer in 0..cfg.layers {
            let mut mask = None;
            if layer > 0 && cfg.dropout > 0.0 {
                if let Some(rng) = dropout_rng.as_deref_mut() {
                    let keep = 1.0 - cfg.dropout;
                    let scale = T::of(1.0 / keep);
                    let m: Vec<Mat<T>> = input
                        .iter()
                        .map(|x| {
                            Mat::from_fn(x.nrows(), x.ncols(), |_, _| {
                                if rng.random::<f64>() < keep {
                                    scale
                                } else {
                                    T::zero()
                                }
                            })
                        })
                        .collect();
                    for (x, m) in input.iter_mut().zip(&m) {
                        x.component_mul_assign(m);
                    }
                    mask = Some(m);
                }
            }
            let x_all = concat_columns(&input);
            let rows = cfg.cell.gates().len() * hidden;
            let block = rows * batch;
            let mut dirs = Vec::with_capacity(cfg.directions());
            for dir in 0..cfg.directions() {
                let p = self.cell(layer, dir);
                let ax_all = input_projection(p, &x_all);
                let ax = ax_all.as_slice();
                let zeros = Mat::zeros(hidden, batch);
                let mut trace: Vec<StepTrace<T>> = Vec::with_capacity(steps);
                for k in 0..steps {
                    let t = if dir == 0 { k } else { steps - 1 - k };
                    let prev = trace.last();
                    let h_prev = prev.map_or(&zeros, |s| &s.hidden);
                    let c_prev = if cfg.cell.has_cell_state() {
                        Some(prev.map_or(&zeros, |s| {
                            s.cell.as_ref().expect("LSTM step has a cell state")
                        }))
                    } else {
                        None
                    };
                    let ax_t = &ax[t * block..(t + 1) * block];
                    trace.push(forward_step(cfg.cell, p, ax_t, h_prev, c_prev));
                }
                if dir == 1 {
                    trace.reverse();
                }
                dirs.push(trace);
            }
            let next: Vec<Mat<T>> = (0..steps)
                .map(|t| concat_rows(dirs.iter().map(|d| &d[t].hidden)))
                .collect();
            layers.push(LayerTrace {
                input: std::mem::replace(&mut input, next),
                dropout_mask: mask,
                steps: dirs,
            });
        }
        let outputs = self
            .scored_steps(steps)
            .map(|t| {
                let mut y = Mat::zeros(cfg.output_size, batch);
                add_mul(&mut y, &self.head_w, &input[t]);
                add_bias(&mut y, &self.head_b);
                y
            })
            .collect();
        ForwardTrace { layers, outputs }
    }

    /// The time steps the head reads, for a sequence of `steps`.
    pub fn scored_steps(&self, steps: usize) -> std::ops::Range<usize> {
        match self.config.head {
            Head::ManyToMany => 0..steps,
            Head::ManyToOne => steps - 1..steps,
        }
    }

    /// The top layer's output (head input) at step `t`.
    pub fn top_output(trace: &ForwardTrace<T>, t: usize) -> Mat<T> {
        let top = trace.layers.last().expect("at least one layer");
        concat_rows(top.steps.iter().map(|d| &d[t].hidden))
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
        let cfg = &self.config;
        let one = T::one();
        let steps = trace.layers[0].input.len();
        let batch = trace.layers[0].input[0].ncols();
        let hidden = cfg.hidden_size;
        let mut grads = Network::zeros(*cfg);
        let mut flow = GradientFlow::default();

        // Head: y_s = W h_t + b. d_out holds dL/d(layer output) for all steps, step t in
        // columns t*batch..(t+1)*batch.
        let mut d_out = Mat::zeros(cfg.layer_output_size(), steps * batch);
        let head_w_t = self.head_w.transpose();
        for (dy, t) in d_outputs.iter().zip(self.scored_steps(steps)) {
            let h_top = Self::top_output(trace, t);
            add_mul_tr_b(&mut grads.head_w, dy, &h_top);
            add_row_sums(&mut grads.head_b, dy);
            let mut dh_top = Mat::zeros(h_top.nrows(), batch);
            add_mul(&mut dh_top, &head_w_t, dy);
            d_out.columns_mut(t * batch, batch).add_assign(&dh_top);
        }

        let rows = cfg.cell.gates().len() * hidden;
        let block = rows * batch;
        for layer in (0..cfg.layers).rev() {
            let lt = &trace.layers[layer];
            let x_all = concat_columns(&lt.input);
            let mut d_in = Mat::zeros(x_all.nrows(), steps * batch);
            let mut dh_layer = Vec::new();
            let mut dc_layer = Vec::new();
            for dir in 0..cfg.directions() {
                let idx = layer * cfg.directions() + dir;
                let p = &self.cells[idx];
                let g = &mut grads.cells[idx];
                let w_hh_t = p.w_hh.transpose();
                let zeros = Mat::zeros(hidden, batch);
                let mut dax_all = Mat::zeros(rows, steps * batch);
                let mut dah_all = Mat::zeros(rows, steps * batch);
                let mut hp_all = Mat::zeros(hidden, steps * batch);
                let mut dh_next = Mat::zeros(hidden, batch);
                let mut dc_next = cfg.cell.has_cell_state().then(|| Mat::zeros(hidden, batch));
                let mut dh_norm = vec![0.0; steps];
                let mut dc_norm = vec![0.0; steps];
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
                    let h_prev = prev_t.map_or(&zeros, |u| &lt.steps[dir][u].hidden);
                    let c_prev = cfg.cell.has_cell_state().then(|| {
                        prev_t.map_or(&zeros, |u| {
                            lt.steps[dir][u].cell.as_ref().expect("LSTM cell")
                        })
                    });
                    let dh = d_out.view((dir * hidden, t * batch), (hidden, batch)) + &dh_next;
                    dh_norm[t] = norm(&dh);
                    let range = t * block..(t + 1) * block;
                    let sg = backward_step(
                        cfg.cell,
                        p,
                        &w_hh_t,
                        h_prev,
                        c_prev,
                        step,
                        &dh,
                        dc_next.as_ref(),
                        &mut dax_all.as_mut_slice()[range.clone()],
                        &mut dah_all.as_mut_slice()[range],
                        g.peephole.as_mut(),
                    );
                    hp_all.columns_mut(t * batch, batch).copy_from(h_prev);
                    if let Some(dc) = &sg.dc {
                        dc_norm[t] = norm(dc);
                    }
                    let cut = truncate.is_some_and(|kk| kk > 0 && k % kk == 0);
                    if cut {
                        dh_next.fill(T::zero());
                        if let Some(dc) = &mut dc_next {
                            dc.fill(T::zero());
                        }
                    } else {
                        dh_next = sg.dh_prev;
                        dc_next = sg.dc_prev;
                    }
                }
                // Weight gradients for all steps at once: dW_ih = Σ dax_t x_tᵀ, dW_hh = Σ dah_t h_{t-1}ᵀ.
                add_mul_tr_b(&mut g.w_ih, &dax_all, &x_all);
                add_mul_tr_b(&mut g.w_hh, &dah_all, &hp_all);
                add_row_sums(&mut g.b_ih, &dax_all);
                add_row_sums(&mut g.b_hh, &dah_all);
                d_in.gemm_tr(one, &p.w_ih, &dax_all, one);
                dh_layer.push(dh_norm);
                if cfg.cell.has_cell_state() {
                    dc_layer.push(dc_norm);
                }
            }
            flow.dh_norm.push(dh_layer);
            if cfg.cell.has_cell_state() {
                flow.dc_norm.push(dc_layer);
            }
            if let Some(mask) = &lt.dropout_mask {
                for (t, m) in mask.iter().enumerate() {
                    d_in.columns_mut(t * batch, batch).component_mul_assign(m);
                }
            }
            d_out = d_in;
        }
        flow.dh_norm.reverse();
        flow.dc_norm.reverse();
        (grads, flow)
    }

    /// Forward, loss and backward in one call: what one training step needs.
    pub fn evaluate<R: Rng>(
        &self,
        xs: &[Mat<T>],
        targets: &Targets<T>,
        dropout_rng: Option<&mut R>,
        truncate: Option<usize>,
    ) -> Evaluation<T> {
        let trace = self.forward(xs, dropout_rng);
        let (loss, d_outputs) = loss_and_grad(self.config.loss, &trace.outputs, targets);
        let (grads, flow) = self.backward(&trace, &d_outputs, truncate);
        Evaluation {
            loss,
            grads,
            trace,
            flow,
        }
    }

    /// The loss alone (no dropout): for validation and finite-difference checks.
    pub fn loss(&self, xs: &[Mat<T>], targets: &Targets<T>) -> f64 {
        let trace = self.forward::<rand_pcg::Pcg64Mcg>(xs, None);
        loss_and_grad(self.config.loss, &trace.outputs, targets).0
    }
}

/// Places matrices with the same row count side by side (step t in columns t*cols..).
fn concat_columns<T: Real>(parts: &[Mat<T>]) -> Mat<T> {
    let rows = parts.first().map_or(0, |m| m.nrows());
    let mut data = Vec::with_capacity(parts.iter().map(|m| m.len()).sum());
    for m in parts {
        data.extend_from_slice(m.as_slice());
    }
    Mat::from_vec(rows, data.len() / rows.max(1), data)
}

/// Adds the row sums of `m` (a gradient summed over the batch) to the column `acc`.
fn add_row_sums<T: Real>(acc: &mut Mat<T>, m: &Mat<T>) {
    let rows = m.nrows();
    let acc = acc.as_mut_slice();
    for col in m.as_slice().chunks_exact(rows) {
        for (a, &v) in acc.iter_mut().zip(col) {
            *a += v;
        }
    }
}

/// Stacks matrices with the same column count on top of each other.
fn concat_rows<'a, T: Real + 'a>(parts: impl Iterator<Item = &'a Mat<T>> + Clone) -> Mat<T> {
    let rows: usize = parts.clone().map(|m| m.nrows()).sum();
    let cols = parts.clone().next().map_or(0, |m| m.ncols());
    let mut out = Mat::zeros(rows, cols);
    let mut r = 0;
    for m in parts {
        out.rows_mut(r, m.nrows()).copy_from(m);
        r += m.nrows();
    }
    out
}
