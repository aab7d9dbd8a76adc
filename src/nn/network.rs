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
use super::{ensure_mats, ensure_shape, norm, Mat, Real};

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

/// A recurrent state for every layer and direction (index `layer * directions + direction`),
/// each `hidden x batch`, as PyTorch's `(h_0, c_0)` and `(h_n, c_n)`: where a pass starts, or
/// where it ended.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct States<T: Real> {
    pub h: Vec<Mat<T>>,
    /// The LSTM's cell states; None for the other cells.
    pub c: Option<Vec<Mat<T>>>,
}

impl<T: Real> States<T> {
    /// Zero states for a network of `config` over a batch of `batch`.
    pub fn zeros(config: &NetworkConfig, batch: usize) -> Self {
        let n = config.layers * config.directions();
        let zero = || vec![Mat::zeros(config.hidden_size, batch); n];
        Self {
            h: zero(),
            c: config.cell.has_cell_state().then(zero),
        }
    }

    /// Whether these are states for a network of `config` over a batch of `batch`.
    pub fn fit(&self, config: &NetworkConfig, batch: usize) -> bool {
        let n = config.layers * config.directions();
        let shaped = |v: &Vec<Mat<T>>| {
            v.len() == n && v.iter().all(|m| m.shape() == (config.hidden_size, batch))
        };
        shaped(&self.h)
            && match &self.c {
                Some(c) => config.cell.has_cell_state() && shaped(c),
                None => !config.cell.has_cell_state(),
            }
    }

    /// Layer and direction `idx`'s state (h, c) in `initial`, or `zeros` where there is
    /// none (no initial states, or no cell state: not an LSTM).
    fn of<'a>(
        initial: Option<&'a Self>,
        idx: usize,
        zeros: &'a Mat<T>,
    ) -> (&'a Mat<T>, &'a Mat<T>) {
        let h = initial.map_or(zeros, |s| &s.h[idx]);
        let c = initial
            .and_then(|s| s.c.as_ref())
            .map_or(zeros, |c| &c[idx]);
        (h, c)
    }

    /// The states of `parts` side by side, as one batch: sample after sample, in order
    /// (each part's own batch may be one sample or more). All parts have the same shape
    /// but for their batch.
    pub fn side_by_side(parts: &[Self]) -> Self {
        let join = |of: &dyn Fn(&Self) -> &Vec<Mat<T>>| -> Vec<Mat<T>> {
            let first = parts.first().map_or(&[][..], |p| &of(p)[..]);
            (0..first.len())
                .map(|i| {
                    let rows = first[i].nrows();
                    let cols = parts.iter().map(|p| of(p)[i].ncols()).sum();
                    // Column-major: a part's columns follow the part before it.
                    Mat::from_iterator(
                        rows,
                        cols,
                        parts.iter().flat_map(|p| of(p)[i].iter().copied()),
                    )
                })
                .collect()
        };
        let with_cells = parts.iter().all(|p| p.c.is_some()) && !parts.is_empty();
        Self {
            h: join(&|p: &Self| &p.h),
            c: with_cells.then(|| join(&|p: &Self| p.c.as_ref().expect("checked above"))),
        }
    }

    /// Shapes these as zero states of `config` and `batch`, reusing the buffers.
    fn shape_zero(&mut self, config: &NetworkConfig, batch: usize) {
        let n = config.layers * config.directions();
        let shape = |v: &mut Vec<Mat<T>>| {
            v.resize_with(n, || Mat::zeros(0, 0));
            for m in v.iter_mut() {
                ensure_shape(m, config.hidden_size, batch);
                m.as_mut_slice().fill(T::zero());
            }
        };
        shape(&mut self.h);
        if config.cell.has_cell_state() {
            shape(self.c.get_or_insert_with(Vec::new));
        } else {
            self.c = None;
        }
    }
}

/// Everything a forward pass computed: what backprop needs and what the page shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ForwardTrace<T: Real> {
    /// The state before the first step of each layer and direction (h0, c0); None: zero.
    pub initial: Option<States<T>>,
    pub layers: Vec<LayerTrace<T>>,
    /// The head's outputs at each scored step (logits for classification).
    pub outputs: Vec<Mat<T>>,
}

impl<T: Real> ForwardTrace<T> {
    /// The state after the last step of each layer and direction (the reverse direction's
    /// last is the sequence's first step): PyTorch's `(h_n, c_n)`, and where the next segment
    /// of a long series starts when state is carried.
    pub fn final_states(&self) -> States<T> {
        let steps = self.layers.first().map_or(0, |l| l.steps[0].len());
        self.states_after(steps.checked_sub(1).expect("a pass of at least one step"))
    }

    /// The state after step `t` of each layer's forward direction: where a pass over the
    /// steps after `t` starts when state is carried. A reverse direction gives its last step
    /// (the sequence's first), as in [`Self::final_states`].
    pub fn states_after(&self, t: usize) -> States<T> {
        // Only these steps' states are copied.
        let ends: Vec<&StepTrace<T>> = self
            .layers
            .iter()
            .flat_map(|l| l.steps.iter().enumerate())
            .map(|(d, steps)| {
                if d == 0 { steps.get(t) } else { steps.first() }.expect("a step of the pass")
            })
            .collect();
        States {
            h: ends.iter().map(|s| s.hidden.clone()).collect(),
            c: ends.iter().map(|s| s.cell.clone()).collect(),
        }
    }

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

/// How much of a magnitude over time steps reaches back to the first step: the first value
/// over the last (‖dL/dh_t‖ through time, or |dŷ/dx_t|); None when the last is not positive
/// or the first is not finite.
pub fn reach(values: &[f64]) -> Option<f64> {
    let (first, last) = (*values.first()?, *values.last()?);
    (last > 0.0 && first.is_finite()).then(|| first / last)
}

/// Result of one forward and backward pass. [`Network::evaluate_into`] reuses one from step
/// to step: once its buffers have their shapes, a training step allocates nothing.
pub struct Evaluation<T: Real> {
    pub loss: f64,
    pub grads: Network<T>,
    pub trace: ForwardTrace<T>,
    pub flow: GradientFlow,
    /// dL/dh0 (and dL/dc0) for every layer and direction, after a pass with gradients.
    pub d_initial: States<T>,
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
            d_initial: States::default(),
            ws: Workspace::new(),
        }
    }

    /// Passes from now on start from `initial` (None: zero states). It must fit the network
    /// and the batch (see [`States::fit`]).
    pub fn start_from(&mut self, initial: Option<States<T>>) {
        self.trace.initial = initial;
    }

    /// Whether passes with gradients also compute dL/dx for every step of the first layer's
    /// input (off by default: training does not need it).
    pub fn want_input_gradients(&mut self, on: bool) {
        self.ws.want_dx = on;
    }

    /// dL/dx after a pass with gradients and [`Self::want_input_gradients`] on: one
    /// `input x batch` matrix per step, as PyTorch's `x.grad`.
    pub fn d_inputs(&self) -> Option<Vec<Mat<T>>> {
        let d = self.ws.d_in.first().filter(|_| self.ws.want_dx)?;
        let steps = self.trace.layers.first()?.input.len();
        let batch = d.ncols() / steps.max(1);
        let rows = d.nrows();
        Some(
            d.as_slice()
                .chunks_exact(rows * batch)
                .map(|c| Mat::from_column_slice(rows, batch, c))
                .collect(),
        )
    }
}

/// What a pass computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// The trace and the head's outputs.
    Outputs,
    /// Those and the loss against targets.
    Loss,
    /// Those and every gradient: a training step's pass.
    Gradients,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Forward,
    Head,
    Loss,
    Backward,
    Done,
}

/// Where a pass stands. A pass runs one chunk of [`chunk_steps`] time steps of one layer and
/// direction at a time, and [`Network::run_sliced`] can stop between any two chunks, so a
/// page can spread a long sequence's step over several frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    goal: Goal,
    stage: Stage,
    layer: usize,
    dir: usize,
    chunk: usize,
    /// Units of work done (chunks, the head and the loss).
    done: usize,
}

impl Progress {
    /// A pass not yet started.
    pub fn new(goal: Goal) -> Self {
        Self {
            goal,
            stage: Stage::Forward,
            layer: 0,
            dir: 0,
            chunk: 0,
            done: 0,
        }
    }

    /// Whether the pass has finished.
    pub fn is_done(&self) -> bool {
        self.stage == Stage::Done
    }

    /// Whether the pass has not begun.
    pub fn is_fresh(&self) -> bool {
        self.done == 0
    }

    /// Share of the pass done, for a `config` network on `steps` x `batch` inputs.
    pub fn fraction(&self, config: &NetworkConfig, steps: usize, batch: usize) -> f64 {
        let chunks = steps.div_ceil(chunk_steps(batch)) * config.layers * config.directions();
        let total = match self.goal {
            Goal::Outputs => chunks + 1,
            Goal::Loss => chunks + 2,
            Goal::Gradients => 2 * chunks + 2,
        };
        (self.done as f64 / total as f64).min(1.0)
    }
}

/// Time steps per chunk for a batch of `batch`: about 512 columns, so a chunk's products are
/// big enough to run at speed and its buffers stay in cache. It depends on the batch alone,
/// so a run sums in the same order however its passes are sliced.
pub fn chunk_steps(batch: usize) -> usize {
    (512 / batch.max(1)).clamp(1, 64)
}

/// Scratch buffers of a forward and backward pass (contents meaningless between chunks).
/// The per-chunk buffers hold [`chunk_steps`] steps side by side, step t of a chunk starting
/// at t0 in columns `(t-t0)*batch..`; a shorter last chunk uses their first columns.
#[derive(Debug, Clone)]
struct Workspace<T: Real> {
    /// A chunk of each layer's inputs (one buffer per layer: shapes differ), `input x cols`.
    x: Vec<Mat<T>>,
    /// `W_ih x + b_ih` for a chunk, `gates*hidden x cols`.
    ax: Mat<T>,
    /// The zero state h_{-1} = c_{-1}, `hidden x batch`.
    zeros: Mat<T>,
    /// dL/d(outputs), one per scored step.
    d_outputs: Vec<Mat<T>>,
    /// dL/d(top layer's output) for every step, and dL/d(layer l's input) for each layer
    /// (one buffer per layer, so their shapes never change between steps).
    d_out: Mat<T>,
    d_in: Vec<Mat<T>>,
    /// Pre-activation gradients of both halves (the second for the GRU only: the other cells'
    /// are equal), and h_{t-1}, for a chunk.
    dax: Mat<T>,
    dah: Mat<T>,
    hp: Mat<T>,
    /// W_hh (forward pass) or W_hhᵀ (backward pass) packed for the per-step products.
    w_hh: Packed<T>,
    /// dL/dh_t, and what flows to step t-1 (dL/dh_{t-1}, dL/dc_{t-1}).
    dh: Mat<T>,
    dh_next: Mat<T>,
    dc_next: Option<Mat<T>>,
    /// The backward step's outputs.
    step: Option<StepGrads<T>>,
    /// Also compute dL/d(the first layer's input) (`d_in[0]`).
    want_dx: bool,
}

impl<T: Real> Workspace<T> {
    fn new() -> Self {
        let e = || Mat::zeros(0, 0);
        Self {
            x: Vec::new(),
            ax: e(),
            zeros: e(),
            d_outputs: Vec::new(),
            d_out: e(),
            d_in: Vec::new(),
            dax: e(),
            dah: e(),
            hp: e(),
            w_hh: Packed::new(),
            dh: e(),
            dh_next: e(),
            dc_next: None,
            step: None,
            want_dx: false,
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
        self.forward_from(xs, None, dropout_rng)
    }

    /// [`Self::forward`] from the states `initial` (None: zero), as PyTorch's
    /// `rnn(x, (h0, c0))`; [`ForwardTrace::final_states`] gives where it ended.
    pub fn forward_from<R: Rng>(
        &self,
        xs: &[Mat<T>],
        initial: Option<&States<T>>,
        dropout_rng: Option<&mut R>,
    ) -> ForwardTrace<T> {
        let mut e = Evaluation::new(self.config);
        e.start_from(initial.cloned());
        let mut progress = Progress::new(Goal::Outputs);
        self.run_sliced(
            xs,
            None,
            dropout_rng,
            None,
            &mut e,
            &mut progress,
            &mut || true,
        );
        e.trace
    }

    /// Runs the pass `progress` describes over `xs` into `e`: the trace and outputs, then
    /// (with `targets`) the loss, then the gradients, one chunk of time steps at a time, until
    /// the pass is done (returns true) or `more()` says to stop between two chunks (returns
    /// false; call again with the same arguments to go on). However it is sliced, a pass
    /// computes exactly the same numbers. `truncate = Some(k)` cuts the recurrent gradient
    /// every k steps (see [`Self::backward`]).
    #[allow(clippy::too_many_arguments)]
    pub fn run_sliced<R: Rng>(
        &self,
        xs: &[Mat<T>],
        targets: Option<&Targets<T>>,
        mut dropout_rng: Option<&mut R>,
        truncate: Option<usize>,
        e: &mut Evaluation<T>,
        progress: &mut Progress,
        more: &mut dyn FnMut() -> bool,
    ) -> bool {
        if progress.is_fresh() && e.grads.config != self.config {
            *e = Evaluation::new(self.config);
        }
        loop {
            match progress.stage {
                Stage::Forward => self.forward_chunk(
                    xs,
                    dropout_rng.as_deref_mut(),
                    &mut e.trace,
                    &mut e.ws,
                    progress,
                ),
                Stage::Head => {
                    self.head_forward(&mut e.trace);
                    progress.stage = match progress.goal {
                        Goal::Outputs => Stage::Done,
                        _ => Stage::Loss,
                    };
                }
                Stage::Loss => {
                    let targets = targets.expect("a loss needs targets");
                    let mut d_outputs = std::mem::take(&mut e.ws.d_outputs);
                    e.loss = loss_and_grad_into(
                        self.config.loss,
                        &e.trace.outputs,
                        targets,
                        &mut d_outputs,
                    );
                    progress.stage = Stage::Done;
                    if progress.goal == Goal::Gradients {
                        self.backward_head(
                            &e.trace,
                            &d_outputs,
                            &mut e.grads,
                            &mut e.flow,
                            &mut e.d_initial,
                            &mut e.ws,
                        );
                        *progress = Progress {
                            stage: Stage::Backward,
                            layer: self.config.layers - 1,
                            dir: 0,
                            chunk: 0,
                            ..*progress
                        };
                    }
                    e.ws.d_outputs = d_outputs;
                }
                Stage::Backward => self.backward_chunk(
                    &e.trace,
                    truncate,
                    &mut e.grads,
                    &mut e.flow,
                    &mut e.d_initial,
                    &mut e.ws,
                    progress,
                ),
                Stage::Done => return true,
            }
            progress.done += 1;
            if progress.is_done() {
                return true;
            }
            if !more() {
                return false;
            }
        }
    }

    /// One chunk of one layer and direction of the forward pass, then moves `at` on.
    fn forward_chunk<R: Rng>(
        &self,
        xs: &[Mat<T>],
        dropout_rng: Option<&mut R>,
        trace: &mut ForwardTrace<T>,
        ws: &mut Workspace<T>,
        at: &mut Progress,
    ) {
        let cfg = &self.config;
        let steps = xs.len();
        assert!(steps > 0, "a sequence needs at least one step");
        let batch = xs[0].ncols();
        let hidden = cfg.hidden_size;
        let dirs = cfg.directions();
        let rows = cfg.cell.gates().len() * hidden;
        let block = rows * batch;
        let c = chunk_steps(batch);
        let (layer, dir) = (at.layer, at.dir);
        if layer == 0 && dir == 0 && at.chunk == 0 {
            ensure_shape(&mut ws.zeros, hidden, batch);
            ws.zeros.as_mut_slice().fill(T::zero());
            trace.layers.truncate(cfg.layers);
            trace.layers.resize_with(cfg.layers, LayerTrace::default);
            ws.x.resize_with(cfg.layers, || Mat::zeros(0, 0));
            if let Some(initial) = &trace.initial {
                assert!(
                    initial.fit(cfg, batch),
                    "initial states: one hidden x batch matrix per layer and direction"
                );
            }
        }
        let ForwardTrace {
            initial, layers, ..
        } = trace;
        // The state before this direction's first step.
        let (h0, c0) = States::of(initial.as_ref(), layer * dirs + dir, &ws.zeros);
        let (below, rest) = layers.split_at_mut(layer);
        let LayerTrace {
            input,
            dropout_mask,
            steps: layer_states,
        } = &mut rest[0];
        // The layer's input: the data, or the concatenated states of the layer below.
        let in_rows = if layer == 0 {
            cfg.input_size
        } else {
            cfg.layer_output_size()
        };
        let mut dropout = dropout_rng.filter(|_| layer > 0 && cfg.dropout > 0.0);
        if dir == 0 && at.chunk == 0 {
            ensure_mats(input, steps, in_rows, batch);
            match dropout {
                Some(_) => ensure_mats(
                    dropout_mask.get_or_insert_with(Vec::new),
                    steps,
                    in_rows,
                    batch,
                ),
                None => *dropout_mask = None,
            }
            layer_states.truncate(dirs);
            layer_states.resize_with(dirs, Vec::new);
            for states in layer_states.iter_mut() {
                states.truncate(steps);
                states.resize_with(steps, StepTrace::empty);
            }
        }
        let (k0, k1) = (at.chunk * c, ((at.chunk + 1) * c).min(steps));
        // The reverse direction runs from the last step to the first.
        let (t0, t1) = if dir == 0 {
            (k0, k1)
        } else {
            (steps - k1, steps - k0)
        };
        if dir == 0 {
            // The forward direction visits every step first: it fills in the inputs.
            for t in t0..t1 {
                let dst = &mut input[t];
                match below.last() {
                    None => {
                        assert_eq!(xs[t].shape(), (in_rows, batch), "input shape at every step");
                        dst.as_mut_slice().copy_from_slice(xs[t].as_slice());
                    }
                    Some(prev) => {
                        for (d, states) in prev.steps.iter().enumerate() {
                            dst.rows_mut(d * hidden, hidden)
                                .copy_from(&states[t].hidden);
                        }
                    }
                }
                if let (Some(rng), Some(mask)) = (dropout.as_deref_mut(), dropout_mask.as_mut()) {
                    let keep = 1.0 - cfg.dropout;
                    let scale = T::of(1.0 / keep);
                    for (xv, mv) in dst.iter_mut().zip(mask[t].iter_mut()) {
                        *mv = if rng.random::<f64>() < keep {
                            scale
                        } else {
                            T::zero()
                        };
                        *xv *= *mv;
                    }
                }
            }
        }
        // Inputs of a few features are projected step by step; wider ones in one product
        // over the chunk.
        let raw = in_rows <= THIN && cfg.cell != CellKind::Gru;
        let with_b_hh = cfg.cell != CellKind::Gru;
        let p = self.cell(layer, dir);
        if !raw {
            let cols = (t1 - t0) * batch;
            let x = &mut ws.x[layer];
            ensure_shape(x, in_rows, c * batch);
            let x = &mut x.as_mut_slice()[..in_rows * cols];
            concat_into(x, &input[t0..t1]);
            ensure_shape(&mut ws.ax, rows, c * batch);
            input_projection_biased_into(
                p,
                Operand::new(x, in_rows, cols),
                with_b_hh,
                &mut ws.ax.as_mut_slice()[..rows * cols],
            );
        }
        ws.w_hh.pack((&p.w_hh).into());
        let states = &mut layer_states[dir];
        for k in k0..k1 {
            let t = if dir == 0 { k } else { steps - 1 - k };
            let (out, prev) = if dir == 0 {
                let (done, todo) = states.split_at_mut(t);
                (&mut todo[0], done.last())
            } else {
                let (todo, done) = states.split_at_mut(t + 1);
                (&mut todo[t], done.first())
            };
            let h_prev = prev.map_or(h0, |s| &s.hidden);
            let c_prev = cfg
                .cell
                .has_cell_state()
                .then(|| prev.map_or(c0, |s| s.cell.as_ref().expect("LSTM step has a cell state")));
            let step_input = if raw {
                StepInput::Raw(&input[t])
            } else {
                StepInput::Projected {
                    ax: &ws.ax.as_slice()[(t - t0) * block..(t - t0 + 1) * block],
                    with_b_hh,
                }
            };
            forward_step_with(
                cfg.cell,
                p,
                Lhs::Packed(&ws.w_hh),
                step_input,
                h_prev,
                c_prev,
                out,
            );
        }
        at.chunk += 1;
        if at.chunk == steps.div_ceil(c) {
            at.chunk = 0;
            at.dir += 1;
            if at.dir == dirs {
                at.dir = 0;
                at.layer += 1;
                if at.layer == cfg.layers {
                    at.stage = Stage::Head;
                }
            }
        }
    }

    /// The head over the trace's top layer, into the trace's outputs.
    fn head_forward(&self, trace: &mut ForwardTrace<T>) {
        let ForwardTrace {
            layers, outputs, ..
        } = trace;
        self.head_into(layers, outputs);
    }

    /// The head alone, applied to a trace's top layer (its hidden states at the scored
    /// steps): the outputs that trace gave, without running the network again. One
    /// `output x batch` matrix per scored step.
    pub fn head_of(&self, trace: &ForwardTrace<T>) -> Vec<Mat<T>> {
        let mut outputs = Vec::new();
        self.head_into(&trace.layers, &mut outputs);
        outputs
    }

    /// The head: y = W [h_fwd; h_rev] + b, one direction's column block of W at a time.
    fn head_into(&self, layers: &[LayerTrace<T>], outputs: &mut Vec<Mat<T>>) {
        let cfg = &self.config;
        let hidden = cfg.hidden_size;
        let top = layers.last().expect("at least one layer");
        let steps = top.input.len();
        let batch = top.input[0].ncols();
        let scored = self.scored_steps(steps);
        let out_size = cfg.output_size;
        ensure_mats(outputs, scored.len(), out_size, batch);
        for (y, t) in outputs.iter_mut().zip(scored) {
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
        let mut d_initial = States::default();
        let mut ws = Workspace::new();
        self.backward_pass(
            trace,
            d_outputs,
            truncate,
            (&mut grads, &mut flow, &mut d_initial),
            &mut ws,
        );
        (grads, flow)
    }

    /// [`Self::backward`] over `e`'s trace from any dL/d(outputs), into `e`: its gradients,
    /// flow, dL/dh0 and dL/dc0, and dL/dx when `e` wants input gradients. What a question
    /// about one output needs, e.g. how the prediction depends on each step's input.
    pub fn backward_into(&self, d_outputs: &[Mat<T>], e: &mut Evaluation<T>) {
        self.backward_pass(
            &e.trace,
            d_outputs,
            None,
            (&mut e.grads, &mut e.flow, &mut e.d_initial),
            &mut e.ws,
        );
    }

    /// The whole backward pass: the head, then every chunk of every layer and direction.
    fn backward_pass(
        &self,
        trace: &ForwardTrace<T>,
        d_outputs: &[Mat<T>],
        truncate: Option<usize>,
        (grads, flow, d_initial): (&mut Network<T>, &mut GradientFlow, &mut States<T>),
        ws: &mut Workspace<T>,
    ) {
        self.backward_head(trace, d_outputs, grads, flow, d_initial, ws);
        let mut at = Progress {
            stage: Stage::Backward,
            layer: self.config.layers - 1,
            ..Progress::new(Goal::Gradients)
        };
        while !at.is_done() {
            self.backward_chunk(trace, truncate, grads, flow, d_initial, ws, &mut at);
        }
    }

    /// The head's part of the backward pass, and the shaping of the buffers the chunks use.
    fn backward_head(
        &self,
        trace: &ForwardTrace<T>,
        d_outputs: &[Mat<T>],
        grads: &mut Network<T>,
        flow: &mut GradientFlow,
        d_initial: &mut States<T>,
        ws: &mut Workspace<T>,
    ) {
        let cfg = &self.config;
        let zero = T::zero();
        let steps = trace.layers[0].input.len();
        let batch = trace.layers[0].input[0].ncols();
        let hidden = cfg.hidden_size;
        let dirs = cfg.directions();
        let lstm = cfg.cell.has_cell_state();
        let out_size = cfg.output_size;
        let lo = cfg.layer_output_size();
        grads.fill_zero();
        d_initial.shape_zero(cfg, batch);
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

        let fits = ws
            .step
            .as_ref()
            .is_some_and(|s| s.dh_prev.shape() == (hidden, batch) && s.dc_prev.is_some() == lstm);
        if !fits {
            ws.step = Some(StepGrads::new(cfg.cell, hidden, batch));
        }
        ensure_shape(&mut ws.dh, hidden, batch);
        ws.d_in.resize_with(cfg.layers, || Mat::zeros(0, 0));
        ws.x.resize_with(cfg.layers, || Mat::zeros(0, 0));
    }

    /// One chunk of one layer and direction of the backward pass (layers from the top,
    /// each direction against its own time order), then moves `at` on.
    #[allow(clippy::too_many_arguments)]
    fn backward_chunk(
        &self,
        trace: &ForwardTrace<T>,
        truncate: Option<usize>,
        grads: &mut Network<T>,
        flow: &mut GradientFlow,
        d_initial: &mut States<T>,
        ws: &mut Workspace<T>,
        at: &mut Progress,
    ) {
        let cfg = &self.config;
        let zero = T::zero();
        let (layer, dir) = (at.layer, at.dir);
        let lt = &trace.layers[layer];
        let steps = lt.input.len();
        let batch = lt.input[0].ncols();
        let in_rows = lt.input[0].nrows();
        let hidden = cfg.hidden_size;
        let dirs = cfg.directions();
        let lstm = cfg.cell.has_cell_state();
        let gru = cfg.cell == CellKind::Gru;
        let lo = cfg.layer_output_size();
        let rows = cfg.cell.gates().len() * hidden;
        let block = rows * batch;
        let c = chunk_steps(batch);
        let chunks = steps.div_ceil(c);
        let thin_input = in_rows <= THIN;
        // Steps k run from the last to the first; this chunk holds k in k0..k1.
        let (k0, k1) = (
            steps.saturating_sub((at.chunk + 1) * c),
            steps - at.chunk * c,
        );
        let (t0, t1) = if dir == 0 {
            (k0, k1)
        } else {
            (steps - k1, steps - k0)
        };
        let cols = (t1 - t0) * batch;
        let idx = layer * dirs + dir;
        let p = &self.cells[idx];
        let g = &mut grads.cells[idx];
        let (h0, c0) = States::of(trace.initial.as_ref(), idx, &ws.zeros);
        if at.chunk == 0 {
            if dir == 0 {
                // Zeroed a chunk at a time below.
                ensure_shape(&mut ws.d_in[layer], in_rows, steps * batch);
            }
            ensure_shape(&mut ws.dh_next, hidden, batch);
            ws.dh_next.as_mut_slice().fill(zero);
            if lstm {
                let dc = ws.dc_next.get_or_insert_with(|| Mat::zeros(hidden, batch));
                ensure_shape(dc, hidden, batch);
                dc.as_mut_slice().fill(zero);
            } else {
                ws.dc_next = None;
            }
        }
        ws.w_hh.pack(Operand::from(&p.w_hh).t());
        // Every entry of dax/dah in the chunk is written by the backward steps.
        ensure_shape(&mut ws.dax, rows, c * batch);
        if gru {
            ensure_shape(&mut ws.dah, rows, c * batch);
        }
        ensure_shape(&mut ws.hp, hidden, c * batch);
        // What reaches this layer's outputs (from the head or the layer above), and what it
        // passes down.
        let (below, above) = ws.d_in.split_at_mut(layer + 1);
        let d_out = above.first().unwrap_or(&ws.d_out).as_slice();
        let sg = ws.step.as_mut().expect("shaped by backward_head");
        for k in (k0..k1).rev() {
            let t = if dir == 0 { k } else { steps - 1 - k };
            let prev_t = if k == 0 {
                None
            } else if dir == 0 {
                Some(t - 1)
            } else {
                Some(t + 1)
            };
            let step = &lt.steps[dir][t];
            let h_prev = prev_t.map_or(h0, |u| &lt.steps[dir][u].hidden);
            let c_prev = lstm
                .then(|| prev_t.map_or(c0, |u| lt.steps[dir][u].cell.as_ref().expect("LSTM cell")));
            // dL/dh_t: from the layer above (or the head) plus from step t+1.
            for (j, (dst, next)) in ws
                .dh
                .as_mut_slice()
                .chunks_exact_mut(hidden)
                .zip(ws.dh_next.as_slice().chunks_exact(hidden))
                .enumerate()
            {
                let from = (t * batch + j) * lo + dir * hidden;
                for ((o, &a), &b) in dst.iter_mut().zip(&d_out[from..from + hidden]).zip(next) {
                    *o = a + b;
                }
            }
            flow.dh_norm[layer][dir][t] = norm(&ws.dh);
            let range = (t - t0) * block..(t - t0 + 1) * block;
            backward_step(
                cfg.cell,
                p,
                Lhs::Packed(&ws.w_hh),
                h_prev,
                c_prev,
                step,
                &ws.dh,
                ws.dc_next.as_ref(),
                &mut ws.dax.as_mut_slice()[range.clone()],
                gru.then(|| &mut ws.dah.as_mut_slice()[range.clone()]),
                g.peephole.as_mut(),
                sg,
            );
            if k == 0 {
                // What reaches the state before the first step: dL/dh0, dL/dc0.
                d_initial.h[idx].copy_from(&sg.dh_prev);
                if let (Some(dc0), Some(dc)) = (d_initial.c.as_mut(), sg.dc_prev.as_ref()) {
                    dc0[idx].copy_from(dc);
                }
            }
            if thin_input {
                // dW_ih += dax_t x_tᵀ and db_ih += Σ_batch dax_t while dax_t is in cache.
                let dax_t = &ws.dax.as_slice()[range];
                add_product(
                    g.w_ih.as_mut_slice(),
                    Operand::new(dax_t, rows, batch),
                    Operand::from(&lt.input[t]).t(),
                );
                add_columns(g.b_ih.as_mut_slice(), dax_t);
            }
            let run = (t - t0) * batch * hidden..(t - t0 + 1) * batch * hidden;
            ws.hp.as_mut_slice()[run].copy_from_slice(h_prev.as_slice());
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
        // The chunk's weight gradients: dW_ih += Σ dax_t x_tᵀ, dW_hh += Σ dah_t h_{t-1}ᵀ.
        let dax = &ws.dax.as_slice()[..rows * cols];
        if !thin_input {
            let x = &mut ws.x[layer];
            ensure_shape(x, in_rows, c * batch);
            let x = &mut x.as_mut_slice()[..in_rows * cols];
            concat_into(x, &lt.input[t0..t1]);
            add_product(
                g.w_ih.as_mut_slice(),
                Operand::new(dax, rows, cols),
                Operand::new(x, in_rows, cols).t(),
            );
            add_columns(g.b_ih.as_mut_slice(), dax);
        }
        let dah = if gru {
            &ws.dah.as_slice()[..rows * cols]
        } else {
            dax
        };
        add_product(
            g.w_hh.as_mut_slice(),
            Operand::new(dah, rows, cols),
            Operand::new(&ws.hp.as_slice()[..hidden * cols], hidden, cols).t(),
        );
        if gru {
            add_columns(g.b_hh.as_mut_slice(), dah);
        } else if at.chunk + 1 == chunks {
            // dah = dax: the same sums (g.b_hh was zero).
            g.b_hh.copy_from(&g.b_ih);
        }
        if layer > 0 || ws.want_dx {
            // What flows to the layer below, or to the data when it is asked for.
            let d_in = &mut below[layer].as_mut_slice()[t0 * batch * in_rows..t1 * batch * in_rows];
            if dir == 0 {
                d_in.fill(zero);
            }
            add_product(
                d_in,
                Operand::from(&p.w_ih).t(),
                Operand::new(dax, rows, cols),
            );
            if let Some(mask) = lt.dropout_mask.as_ref().filter(|_| dir + 1 == dirs) {
                // Every direction has added its part: apply the input's dropout mask.
                for (d, m) in d_in.chunks_exact_mut(batch * in_rows).zip(&mask[t0..t1]) {
                    for (v, &mv) in d.iter_mut().zip(m.as_slice()) {
                        *v *= mv;
                    }
                }
            }
        }
        at.chunk += 1;
        if at.chunk == chunks {
            at.chunk = 0;
            at.dir += 1;
            if at.dir == dirs {
                at.dir = 0;
                if layer == 0 {
                    at.stage = Stage::Done;
                } else {
                    at.layer -= 1;
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
        let mut progress = Progress::new(Goal::Gradients);
        self.run_sliced(
            xs,
            Some(targets),
            dropout_rng,
            truncate,
            e,
            &mut progress,
            &mut || true,
        );
    }

    /// The loss alone (no dropout): for validation and finite-difference checks.
    pub fn loss(&self, xs: &[Mat<T>], targets: &Targets<T>) -> f64 {
        let trace = self.forward::<rand_pcg::Pcg64Mcg>(xs, None);
        loss_and_grad(self.config.loss, &trace.outputs, targets).0
    }
}

/// Places matrices with the same row count side by side in `out` (the first in columns
/// 0..cols, and so on); `out` holds exactly their entries.
fn concat_into<T: Real>(out: &mut [T], parts: &[Mat<T>]) {
    for (dst, m) in out.chunks_exact_mut(parts[0].len()).zip(parts) {
        dst.copy_from_slice(m.as_slice());
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
