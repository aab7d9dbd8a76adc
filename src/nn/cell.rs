//! Recurrent cells: one forward step and, beside it, its backward step.
//!
//! Each cell follows PyTorch's convention where PyTorch has the cell (`torch.nn.RNN`,
//! `torch.nn.LSTM`, `torch.nn.GRU`): gate order, two bias vectors (`b_ih`, `b_hh`), and the GRU's
//! reset gate applied *after* the hidden matmul. The LSTM variants from the course notes
//! (peephole, coupled gates) have no PyTorch counterpart and are documented on
//! [`LstmVariant`].
//!
//! Shapes: `x` is `input x batch`, `h`/`c` are `hidden x batch`, `W_ih` is
//! `gates*hidden x input`, `W_hh` is `gates*hidden x hidden`, biases are `gates*hidden x 1`.

use serde::{Deserialize, Serialize};

use super::gates::Gate;
use super::matmul::{add_product, Lhs, Operand};
use super::{ensure_shape, Mat, Real};
#[cfg(target_arch = "x86_64")]
use super::{f32_slice, f32_slices_mut};

/// Nonlinearity of the vanilla RNN (the notes use both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Tanh,
    Relu,
}

impl Activation {
    /// Its name in the equations, as the step-through and the heatmaps write it.
    pub const fn symbol(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
        }
    }
}

/// Which LSTM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LstmVariant {
    /// `torch.nn.LSTM`: gates (i, f, g, o) from x_t and h_{t-1} only.
    Standard,
    /// Peephole connections (Gers & Schmidhuber 2000), diagonal: the input and forget gates
    /// also see c_{t-1}, the output gate sees c_t:
    /// `i = σ(.. + p_i*c_{t-1})`, `f = σ(.. + p_f*c_{t-1})`, `o = σ(.. + p_o*c_t)`.
    /// Parameters `peephole_l{k}` (3*hidden x 1, blocks i, f, o).
    Peephole,
    /// Coupled input and forget gates: `i = 1 - f`; only (f, g, o) have weights.
    Coupled,
}

/// Which recurrent cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "snake_case",
    tag = "cell",
    content = "variant"
)]
pub enum CellKind {
    /// `h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)` (`torch.nn.RNN`).
    Rnn(Activation),
    /// Long short-term memory:
    /// `i = σ(a_i)`, `f = σ(a_f)`, `g = tanh(a_g)`, `o = σ(a_o)` with
    /// `a = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh`, then `c_t = f*c_{t-1} + i*g`,
    /// `h_t = o*tanh(c_t)` (`torch.nn.LSTM`, gate order i, f, g, o).
    Lstm(LstmVariant),
    /// Gated recurrent unit, PyTorch's convention (`torch.nn.GRU`, gate order r, z, n):
    /// `r = σ(W_ir x + b_ir + W_hr h + b_hr)`, `z = σ(W_iz x + b_iz + W_hz h + b_hz)`,
    /// `n = tanh(W_in x + b_in + r*(W_hn h + b_hn))`, `h' = (1-z)*n + z*h`.
    /// So a large update gate z keeps more of the past.
    Gru,
}

tagged_in_json!(CellKind);

const RNN_GATES: [Gate; 1] = [Gate::Hidden];
const LSTM_GATES: [Gate; 4] = [Gate::Input, Gate::Forget, Gate::Candidate, Gate::Output];
const COUPLED_GATES: [Gate; 3] = [Gate::Forget, Gate::Candidate, Gate::Output];
const GRU_GATES: [Gate; 3] = [Gate::Reset, Gate::Update, Gate::New];

impl CellKind {
    /// Every cell and variant.
    pub const ALL: [CellKind; 6] = [
        CellKind::Rnn(Activation::Tanh),
        CellKind::Rnn(Activation::Relu),
        CellKind::Lstm(LstmVariant::Standard),
        CellKind::Lstm(LstmVariant::Peephole),
        CellKind::Lstm(LstmVariant::Coupled),
        CellKind::Gru,
    ];

    /// The row blocks of the stacked weights, in order.
    pub const fn gates(self) -> &'static [Gate] {
        match self {
            CellKind::Rnn(_) => &RNN_GATES,
            CellKind::Lstm(LstmVariant::Coupled) => &COUPLED_GATES,
            CellKind::Lstm(_) => &LSTM_GATES,
            CellKind::Gru => &GRU_GATES,
        }
    }

    /// True for the LSTMs, which carry a cell state besides the hidden state.
    pub const fn has_cell_state(self) -> bool {
        matches!(self, CellKind::Lstm(_))
    }

    /// Short display name.
    pub const fn name(self) -> &'static str {
        match self {
            CellKind::Rnn(Activation::Tanh) => "RNN (tanh)",
            CellKind::Rnn(Activation::Relu) => "RNN (ReLU)",
            CellKind::Lstm(LstmVariant::Standard) => "LSTM",
            CellKind::Lstm(LstmVariant::Peephole) => "LSTM (peephole)",
            CellKind::Lstm(LstmVariant::Coupled) => "LSTM (coupled gates)",
            CellKind::Gru => "GRU",
        }
    }
}

/// Parameters (or their gradients) of one cell: one layer, one direction.
#[derive(Debug, Clone, PartialEq)]
pub struct CellParams<T: Real> {
    /// Input-to-gates weights, `gates*hidden x input`.
    pub w_ih: Mat<T>,
    /// Hidden-to-gates weights, `gates*hidden x hidden`.
    pub w_hh: Mat<T>,
    /// Input-side bias, `gates*hidden x 1`.
    pub b_ih: Mat<T>,
    /// Hidden-side bias, `gates*hidden x 1`.
    pub b_hh: Mat<T>,
    /// Peephole weights (blocks i, f, o), `3*hidden x 1`; only for [`LstmVariant::Peephole`].
    pub peephole: Option<Mat<T>>,
}

impl<T: Real> CellParams<T> {
    /// All-zero parameters of the right shapes.
    pub fn zeros(kind: CellKind, input: usize, hidden: usize) -> Self {
        let rows = kind.gates().len() * hidden;
        Self {
            w_ih: Mat::zeros(rows, input),
            w_hh: Mat::zeros(rows, hidden),
            b_ih: Mat::zeros(rows, 1),
            b_hh: Mat::zeros(rows, 1),
            peephole: (kind == CellKind::Lstm(LstmVariant::Peephole))
                .then(|| Mat::zeros(3 * hidden, 1)),
        }
    }

    /// Hidden size.
    pub fn hidden_size(&self) -> usize {
        self.w_hh.ncols()
    }

    /// Sets every entry to zero, keeping shapes (for reusing gradient buffers).
    pub fn fill_zero(&mut self) {
        for m in self.params_mut() {
            m.as_mut_slice().fill(T::zero());
        }
    }

    /// Every tensor, in the order of [`Self::tensors`], without allocating.
    pub fn params(&self) -> impl Iterator<Item = &Mat<T>> {
        [&self.w_ih, &self.w_hh, &self.b_ih, &self.b_hh]
            .into_iter()
            .chain(self.peephole.as_ref())
    }

    /// Mutable twin of [`Self::params`].
    pub fn params_mut(&mut self) -> impl Iterator<Item = &mut Mat<T>> {
        [
            &mut self.w_ih,
            &mut self.w_hh,
            &mut self.b_ih,
            &mut self.b_hh,
        ]
        .into_iter()
        .chain(self.peephole.as_mut())
    }

    /// Every tensor with its PyTorch-style base name (without the `_l{k}` suffix).
    pub fn tensors(&self) -> Vec<(&'static str, &Mat<T>)> {
        let mut v = vec![
            ("weight_ih", &self.w_ih),
            ("weight_hh", &self.w_hh),
            ("bias_ih", &self.b_ih),
            ("bias_hh", &self.b_hh),
        ];
        if let Some(p) = &self.peephole {
            v.push(("peephole", p));
        }
        v
    }

    /// Mutable twin of [`Self::tensors`], same order.
    pub fn tensors_mut(&mut self) -> Vec<&mut Mat<T>> {
        self.params_mut().collect()
    }
}

/// What one time step computed, for one layer and direction. Backprop reads exactly this, and
/// the page shows exactly this.
#[derive(Debug, Clone, PartialEq)]
pub struct StepTrace<T: Real> {
    /// Gate pre-activations (what goes into σ / tanh), stacked as [`CellKind::gates`].
    /// For the GRU's n block this is `W_in x + b_in + r*(W_hn h + b_hn)`.
    pub pre: Mat<T>,
    /// Gate activations, same layout as `pre`.
    pub gates: Mat<T>,
    /// GRU only: `W_hn h_{t-1} + b_hn`, the part of n's pre-activation the reset gate scales.
    pub hidden_new: Option<Mat<T>>,
    /// LSTM only: cell state c_t.
    pub cell: Option<Mat<T>>,
    /// Hidden state h_t.
    pub hidden: Mat<T>,
}

impl<T: Real> StepTrace<T> {
    /// A trace with no storage yet (shaped by [`forward_step_into`]).
    pub fn empty() -> Self {
        Self {
            pre: Mat::zeros(0, 0),
            gates: Mat::zeros(0, 0),
            hidden_new: None,
            cell: None,
            hidden: Mat::zeros(0, 0),
        }
    }

    /// Shapes the buffers for a `kind` step of `hidden` units over `batch` samples.
    fn ensure_shape(&mut self, kind: CellKind, hidden: usize, batch: usize) {
        let rows = kind.gates().len() * hidden;
        ensure_shape(&mut self.pre, rows, batch);
        ensure_shape(&mut self.gates, rows, batch);
        ensure_shape(&mut self.hidden, hidden, batch);
        ensure_optional(&mut self.hidden_new, kind == CellKind::Gru, hidden, batch);
        ensure_optional(&mut self.cell, kind.has_cell_state(), hidden, batch);
    }

    /// Activations of one gate, `hidden x batch`, or None if the cell has no such gate.
    /// For the coupled LSTM the input gate is derived as `1 - f`.
    pub fn gate(&self, kind: CellKind, gate: Gate) -> Option<Mat<T>> {
        let h = self.hidden.nrows();
        if let Some(k) = kind.gates().iter().position(|&g| g == gate) {
            return Some(self.gates.rows(k * h, h).into_owned());
        }
        if kind == CellKind::Lstm(LstmVariant::Coupled) && gate == Gate::Input {
            return Some(self.gates.rows(0, h).map(|f| T::one() - f));
        }
        None
    }
}

/// Makes `m` a `rows x cols` matrix if `wanted`, None otherwise, reusing its buffer.
fn ensure_optional<T: Real>(m: &mut Option<Mat<T>>, wanted: bool, rows: usize, cols: usize) {
    match (wanted, m.as_mut()) {
        (true, Some(m)) => ensure_shape(m, rows, cols),
        (true, None) => *m = Some(Mat::zeros(rows, cols)),
        (false, _) => *m = None,
    }
}

fn tanh_prime_from_value<T: Real>(y: T) -> T {
    T::one() - y * y
}

fn sigmoid_prime_from_value<T: Real>(y: T) -> T {
    y * (T::one() - y)
}

/// The input side of the pre-activations for many steps at once: `W_ih x + b_ih` for every
/// column of `x_all` (`input x (steps*batch)`, step t in columns `t*batch..(t+1)*batch`).
/// One large matrix product instead of one small one per step.
pub fn input_projection<T: Real>(p: &CellParams<T>, x_all: &Mat<T>) -> Mat<T> {
    let mut ax = Mat::zeros(0, 0);
    input_projection_into(p, x_all, &mut ax);
    ax
}

/// [`input_projection`] into `out`, reusing its buffer (the training loop's form).
pub fn input_projection_into<T: Real>(p: &CellParams<T>, x_all: &Mat<T>, out: &mut Mat<T>) {
    ensure_shape(out, p.w_ih.nrows(), x_all.ncols());
    input_projection_biased_into(p, x_all.into(), false, out.as_mut_slice());
}

/// `W_ih x + b_ih` for every column of `x` into `out` (column-major, `gates*hidden x
/// x.cols`), plus `b_hh` when `with_b_hh` (for the cells whose two biases simply add: see
/// [`forward_step_with`]).
pub(crate) fn input_projection_biased_into<T: Real>(
    p: &CellParams<T>,
    x: Operand<'_, T>,
    with_b_hh: bool,
    out: &mut [T],
) {
    fill_biases(out, p, with_b_hh);
    add_product(out, (&p.w_ih).into(), x);
}

/// Every column of `out` set to `b_ih`, or to `b_ih + b_hh`.
fn fill_biases<T: Real>(out: &mut [T], p: &CellParams<T>, with_b_hh: bool) {
    let (bi, bh) = (p.b_ih.as_slice(), p.b_hh.as_slice());
    for col in out.chunks_exact_mut(bi.len()) {
        if with_b_hh {
            for ((o, &a), &b) in col.iter_mut().zip(bi).zip(bh) {
                *o = a + b;
            }
        } else {
            col.copy_from_slice(bi);
        }
    }
}

/// Where a training step's input part comes from.
#[derive(Clone, Copy)]
pub(crate) enum StepInput<'a, T> {
    /// `W_ih x_t + b_ih` from [`input_projection_biased_into`], with `b_hh` added there too
    /// when `with_b_hh` (never for the GRU, whose `b_hn` sits inside the reset product).
    Projected { ax: &'a [T], with_b_hh: bool },
    /// `x_t` itself, projected in the step into `W_ih x_t + b_ih + b_hh` (not for the GRU):
    /// for inputs of a few features this saves two passes over a sequence-long buffer.
    Raw(&'a Mat<T>),
}

/// One forward step from the projected input `ax` (`W_ih x_t + b_ih`, column-major
/// `gates*hidden x batch`, see [`input_projection`]). `c_prev` is required for LSTMs and
/// ignored otherwise. Allocates the trace; [`forward_step_into`] reuses one.
pub fn forward_step<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    ax: &[T],
    h_prev: &Mat<T>,
    c_prev: Option<&Mat<T>>,
) -> StepTrace<T> {
    let mut out = StepTrace::empty();
    forward_step_into(kind, p, ax, h_prev, c_prev, &mut out);
    out
}

/// [`forward_step`] writing into `out`, whose buffers are reused when their shapes fit: the
/// training loop's steady state allocates nothing.
pub fn forward_step_into<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    ax: &[T],
    h_prev: &Mat<T>,
    c_prev: Option<&Mat<T>>,
    out: &mut StepTrace<T>,
) {
    forward_step_with(
        kind,
        p,
        Lhs::Plain((&p.w_hh).into()),
        StepInput::Projected {
            ax,
            with_b_hh: false,
        },
        h_prev,
        c_prev,
        out,
    );
}

/// [`forward_step_into`] with `W_hh` given as `w_hh`, which the training loop packs once per
/// pass for the product, and the input part given as `input`.
pub(crate) fn forward_step_with<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    w_hh: Lhs<'_, T>,
    input: StepInput<'_, T>,
    h_prev: &Mat<T>,
    c_prev: Option<&Mat<T>>,
    out: &mut StepTrace<T>,
) {
    let h = p.hidden_size();
    let batch = h_prev.ncols();
    let rows = kind.gates().len() * h;
    out.ensure_shape(kind, h, batch);
    let StepTrace {
        pre,
        gates,
        hidden_new,
        cell,
        hidden,
    } = out;
    let ah = pre;
    // The GRU keeps ax apart (its reset gate scales only the hidden part); the other cells
    // build the full pre-activation W_ih x + b_ih + b_hh + W_hh h_{t-1} in place.
    let ax: &[T] = match (kind, input) {
        (CellKind::Gru, StepInput::Projected { ax, with_b_hh }) => {
            assert!(!with_b_hh, "the GRU's b_hh stays apart");
            set_columns(ah, &p.b_hh);
            ax
        }
        (CellKind::Gru, StepInput::Raw(_)) => panic!("the GRU takes a projected input"),
        (_, StepInput::Projected { ax, with_b_hh }) => {
            assert!(ah.len() == ax.len(), "projected input shape");
            ah.as_mut_slice().copy_from_slice(ax);
            if !with_b_hh {
                for col in ah.as_mut_slice().chunks_exact_mut(rows) {
                    for (a, &b) in col.iter_mut().zip(p.b_hh.as_slice()) {
                        *a += b;
                    }
                }
            }
            &[]
        }
        (_, StepInput::Raw(x)) => {
            fill_biases(ah.as_mut_slice(), p, true);
            add_product(ah.as_mut_slice(), (&p.w_ih).into(), x.into());
            &[]
        }
    };
    debug_assert!(kind != CellKind::Gru || ax.len() == rows * batch);
    w_hh.add_product_to(ah.as_mut_slice(), h_prev.into());
    let one = T::one();
    match kind {
        CellKind::Rnn(act) => {
            let pre = ah;
            for (g, &v) in gates.as_mut_slice().iter_mut().zip(pre.as_slice()) {
                *g = match act {
                    Activation::Tanh => v.tanh_fast(),
                    Activation::Relu if v > T::zero() => v,
                    Activation::Relu => T::zero(),
                };
            }
            hidden.as_mut_slice().copy_from_slice(gates.as_slice());
        }
        CellKind::Gru => {
            let hn = hidden_new.as_mut().expect("GRU trace has W_hn h + b_hn");
            let pre = ah.as_mut_slice();
            for j in 0..batch {
                let o = j * rows;
                for k in 0..h {
                    let (ir, iz, inn) = (o + k, o + h + k, o + 2 * h + k);
                    let ar = ax[ir] + pre[ir];
                    let az = ax[iz] + pre[iz];
                    let (r, z) = (ar.sigmoid_fast(), az.sigmoid_fast());
                    let hn_v = pre[inn];
                    let an = ax[inn] + r * hn_v;
                    let n = an.tanh_fast();
                    pre[ir] = ar;
                    pre[iz] = az;
                    pre[inn] = an;
                    gates[ir] = r;
                    gates[iz] = z;
                    gates[inn] = n;
                    hn[j * h + k] = hn_v;
                    hidden[j * h + k] = (one - z) * n + z * h_prev[j * h + k];
                }
            }
        }
        CellKind::Lstm(variant) => {
            let c_prev = c_prev.expect("an LSTM step needs the previous cell state");
            let pre = ah;
            let cell = cell.as_mut().expect("LSTM trace has a cell state");
            let peep = p.peephole.as_ref().map(|m| m.as_slice());
            // Block offsets of (i, f, g, o); the coupled LSTM has no i block.
            let (fi, gi, oi) = match variant {
                LstmVariant::Coupled => (0, h, 2 * h),
                _ => (h, 2 * h, 3 * h),
            };
            let coupled = variant == LstmVariant::Coupled;
            let (pre_s, gates_s) = (pre.as_mut_slice(), gates.as_mut_slice());
            let (cell_s, hidden_s, cprev_s) = (
                cell.as_mut_slice(),
                hidden.as_mut_slice(),
                c_prev.as_slice(),
            );
            for j in 0..batch {
                // This sample's column: gate blocks of `pre` and `gates`, and its states.
                let col = j * rows..(j + 1) * rows;
                let (pre_c, gates_c) = (&mut pre_s[col.clone()], &mut gates_s[col]);
                let st = j * h..(j + 1) * h;
                let (cp_c, c_c, h_c) = (
                    &cprev_s[st.clone()],
                    &mut cell_s[st.clone()],
                    &mut hidden_s[st],
                );
                if variant == LstmVariant::Standard {
                    lstm_forward_column(h, pre_c, gates_c, cp_c, c_c, h_c);
                    continue;
                }
                for k in 0..h {
                    let cp = cp_c[k];
                    let mut af = pre_c[fi + k];
                    let ag = pre_c[gi + k];
                    let mut ao = pre_c[oi + k];
                    let i = if coupled {
                        None
                    } else {
                        let mut ai = pre_c[k];
                        if let Some(pp) = peep {
                            ai += pp[k] * cp;
                            af += pp[h + k] * cp;
                        }
                        pre_c[k] = ai;
                        Some(ai.sigmoid_fast())
                    };
                    let f = af.sigmoid_fast();
                    let i = i.unwrap_or(one - f);
                    let g = ag.tanh_fast();
                    let c = f * cp + i * g;
                    if let Some(pp) = peep {
                        ao += pp[2 * h + k] * c;
                    }
                    let og = ao.sigmoid_fast();
                    pre_c[fi + k] = af;
                    pre_c[gi + k] = ag;
                    pre_c[oi + k] = ao;
                    if !coupled {
                        gates_c[k] = i;
                    }
                    gates_c[fi + k] = f;
                    gates_c[gi + k] = g;
                    gates_c[oi + k] = og;
                    c_c[k] = c;
                    h_c[k] = og * c.tanh_fast();
                }
            }
        }
    }
}

/// Sets every column of `m` to the column vector `b`.
pub(crate) fn set_columns<T: Real>(m: &mut Mat<T>, b: &Mat<T>) {
    let rows = m.nrows();
    for col in m.as_mut_slice().chunks_exact_mut(rows) {
        col.copy_from_slice(b.as_slice());
    }
}

/// The standard LSTM's pointwise work for one sample (one column): straight-line code over
/// equal-length slices, so the compiler drops bounds checks and vectorises it.
fn lstm_forward_column<T: Real>(
    h: usize,
    pre: &[T],
    gates: &mut [T],
    c_prev: &[T],
    cell: &mut [T],
    hidden: &mut [T],
) {
    let (pre, gates) = (&pre[..4 * h], &mut gates[..4 * h]);
    let (c_prev, cell, hidden) = (&c_prev[..h], &mut cell[..h], &mut hidden[..h]);
    // Units 0..done in 16-lane blocks where the CPU has AVX-512 (the same arithmetic).
    #[cfg(target_arch = "x86_64")]
    let done = match f32_slices_mut([gates, cell, hidden]) {
        Some([gates, cell, hidden]) if super::simd::available() => {
            let (pre, c_prev) = (
                f32_slice(pre).expect("f32"),
                f32_slice(c_prev).expect("f32"),
            );
            // SAFETY: the CPU has AVX-512F (checked in the guard).
            unsafe { super::simd::lstm_forward(h, pre, gates, c_prev, cell, hidden) }
        }
        _ => 0,
    };
    #[cfg(not(target_arch = "x86_64"))]
    let done = 0;
    // Each gate block in its own branch-free loop (one loop choosing per element computed
    // both functions everywhere).
    for k in done..h {
        gates[k] = pre[k].sigmoid_fast();
    }
    for k in h + done..2 * h {
        gates[k] = pre[k].sigmoid_fast();
    }
    for k in 2 * h + done..3 * h {
        gates[k] = pre[k].tanh_fast();
    }
    for k in 3 * h + done..4 * h {
        gates[k] = pre[k].sigmoid_fast();
    }
    let (i, rest) = gates.split_at(h);
    let (f, rest) = rest.split_at(h);
    let (g, o) = rest.split_at(h);
    for k in done..h {
        let c = f[k] * c_prev[k] + i[k] * g[k];
        cell[k] = c;
        hidden[k] = o[k] * c.tanh_fast();
    }
}

/// Inputs of [`lstm_backward_column`] for one sample.
struct LstmBackColumn<'a, T> {
    gates: &'a [T],
    cell: &'a [T],
    c_prev: &'a [T],
    dh: &'a [T],
    /// dL/dc_t from the next step (zeros on the last step).
    dc_next: &'a [T],
}

/// The standard LSTM's pointwise backward for one sample, beside [`lstm_forward_column`].
fn lstm_backward_column<T: Real>(
    h: usize,
    x: &LstmBackColumn<'_, T>,
    dax: &mut [T],
    dc_prev: &mut [T],
    dc_full: &mut [T],
) {
    let one = T::one();
    let (dax, dc_prev, dc_full) = (&mut dax[..4 * h], &mut dc_prev[..h], &mut dc_full[..h]);
    // Units 0..done in 16-lane blocks where the CPU has AVX-512 (the same arithmetic).
    #[cfg(target_arch = "x86_64")]
    let done = match f32_slices_mut([&mut *dax, &mut *dc_prev, &mut *dc_full]) {
        Some([dax, dc_prev, dc_full]) if super::simd::available() => {
            let f = |s| f32_slice(s).expect("f32");
            let column = super::simd::BackColumn {
                gates: f(&x.gates[..4 * h]),
                cell: f(&x.cell[..h]),
                c_prev: f(&x.c_prev[..h]),
                dh: f(&x.dh[..h]),
                dc_next: f(&x.dc_next[..h]),
            };
            // SAFETY: the CPU has AVX-512F (checked in the guard).
            unsafe { super::simd::lstm_backward(h, &column, dax, dc_prev, dc_full) }
        }
        _ => 0,
    };
    #[cfg(not(target_arch = "x86_64"))]
    let done = 0;
    let gates = &x.gates[..4 * h];
    let (i, rest) = gates.split_at(h);
    let (f, rest) = rest.split_at(h);
    let (g, o) = rest.split_at(h);
    let (cell, c_prev, dh, dc_next) = (&x.cell[..h], &x.c_prev[..h], &x.dh[..h], &x.dc_next[..h]);
    let (da_i, rest) = dax.split_at_mut(h);
    let (da_f, rest) = rest.split_at_mut(h);
    let (da_g, da_o) = rest.split_at_mut(h);
    for k in done..h {
        let tc = cell[k].tanh_fast();
        let d = dh[k];
        let dc = dc_next[k] + d * o[k] * (one - tc * tc);
        dc_full[k] = dc;
        da_o[k] = d * tc * o[k] * (one - o[k]);
        da_i[k] = dc * g[k] * i[k] * (one - i[k]);
        da_f[k] = dc * c_prev[k] * f[k] * (one - f[k]);
        da_g[k] = dc * i[k] * (one - g[k] * g[k]);
        dc_prev[k] = dc * f[k];
    }
}

/// Convenience for one step straight from the input `x` (projects it first). The networks
/// project all steps at once with [`input_projection`] instead.
pub fn step_from_input<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    x: &Mat<T>,
    h_prev: &Mat<T>,
    c_prev: Option<&Mat<T>>,
) -> StepTrace<T> {
    forward_step(kind, p, input_projection(p, x).as_slice(), h_prev, c_prev)
}

/// Gradients flowing out of one backward step (buffers reused from step to step).
#[derive(Debug, Clone, PartialEq)]
pub struct StepGrads<T: Real> {
    /// dL/dh_{t-1} through this step.
    pub dh_prev: Mat<T>,
    /// dL/dc_{t-1} through this step (LSTM only).
    pub dc_prev: Option<Mat<T>>,
    /// dL/dc_t in full: from the next step and through h_t (LSTM only). Reported, not propagated.
    pub dc: Option<Mat<T>>,
}

impl<T: Real> StepGrads<T> {
    /// Buffers for a `kind` cell of `hidden` units over `batch` samples.
    pub fn new(kind: CellKind, hidden: usize, batch: usize) -> Self {
        let lstm = kind.has_cell_state();
        Self {
            dh_prev: Mat::zeros(hidden, batch),
            dc_prev: lstm.then(|| Mat::zeros(hidden, batch)),
            dc: lstm.then(|| Mat::zeros(hidden, batch)),
        }
    }
}

/// The backward step beside [`forward_step`]. Given dL/dh_t (`dh`, everything that reaches
/// h_t) and dL/dc_t from the next step (`dc`, LSTM only), it writes the gradients of the two
/// pre-activation halves into `dax` (of `W_ih x + b_ih`) and `dah` (of `W_hh h + b_hh`), both
/// column-major `gates*hidden x batch` (`dah` only for the GRU, whose reset gate makes the two
/// differ: for the other cells they are equal and `dax` serves for both), accumulates
/// peephole gradients into `dpeep`, and writes the gradients for h_{t-1} and c_{t-1} into `out` (shaped by [`StepGrads::new`]).
/// `w_hh_t` is W_hhᵀ, packed once per backward pass (packing a 4H x H operand on every step
/// would cost as much as the product). The weight gradients themselves are formed for all
/// steps at once by the caller: `dW_ih = Σ_t dax_t x_tᵀ`, `dW_hh = Σ_t dah_t h_{t-1}ᵀ`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn backward_step<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    w_hh_t: Lhs<'_, T>,
    h_prev: &Mat<T>,
    c_prev: Option<&Mat<T>>,
    step: &StepTrace<T>,
    dh: &Mat<T>,
    dc: Option<&Mat<T>>,
    dax: &mut [T],
    mut dah: Option<&mut [T]>,
    dpeep: Option<&mut Mat<T>>,
    out: &mut StepGrads<T>,
) {
    assert_eq!(
        dah.is_some(),
        kind == CellKind::Gru,
        "a separate dah is the GRU's alone"
    );
    let h = p.hidden_size();
    let batch = dh.ncols();
    let rows = kind.gates().len() * h;
    let one = T::one();
    let gates = step.gates.as_slice();
    // dh_prev starts as the direct path (the GRU's z*h term) and gets W_hhᵀ dah added below.
    out.dh_prev.as_mut_slice().fill(T::zero());
    match kind {
        CellKind::Rnn(act) => {
            for (s, d) in dax.iter_mut().enumerate() {
                *d = match act {
                    Activation::Tanh => dh[s] * tanh_prime_from_value(gates[s]),
                    Activation::Relu if step.pre[s] > T::zero() => dh[s],
                    Activation::Relu => T::zero(),
                };
            }
        }
        CellKind::Gru => {
            let dah = dah.as_deref_mut().expect("checked above");
            let hn = step
                .hidden_new
                .as_ref()
                .expect("GRU trace has W_hn h + b_hn");
            let direct = out.dh_prev.as_mut_slice();
            for j in 0..batch {
                let o = j * rows;
                for k in 0..h {
                    let s = j * h + k;
                    let (r, z, n) = (gates[o + k], gates[o + h + k], gates[o + 2 * h + k]);
                    let d = dh[s];
                    let da_n = d * (one - z) * tanh_prime_from_value(n);
                    let da_z = d * (h_prev[s] - n) * sigmoid_prime_from_value(z);
                    let da_r = da_n * hn[s] * sigmoid_prime_from_value(r);
                    dax[o + k] = da_r;
                    dax[o + h + k] = da_z;
                    dax[o + 2 * h + k] = da_n;
                    dah[o + k] = da_r;
                    dah[o + h + k] = da_z;
                    dah[o + 2 * h + k] = da_n * r;
                    direct[s] = d * z;
                }
            }
        }
        CellKind::Lstm(variant) => {
            let c_prev = c_prev.expect("an LSTM step needs the previous cell state");
            let cell = step.cell.as_ref().expect("LSTM trace has the cell state");
            let (fi, gi, oi) = match variant {
                LstmVariant::Coupled => (0, h, 2 * h),
                _ => (h, 2 * h, 3 * h),
            };
            let dcp_m = out.dc_prev.as_mut().expect("LSTM grads have dc_prev");
            let dcf_m = out.dc.as_mut().expect("LSTM grads have dc");
            let peep = p.peephole.as_ref().map(|m| m.as_slice());
            let mut dpeep = dpeep;
            let coupled = variant == LstmVariant::Coupled;
            let zeros = if dc.is_none() {
                vec![T::zero(); h]
            } else {
                Vec::new()
            };
            let (cell_s, cprev_s, dh_s) = (cell.as_slice(), c_prev.as_slice(), dh.as_slice());
            let dc_s = dc.map(|m| m.as_slice());
            let (dcp_s, dcf_s) = (dcp_m.as_mut_slice(), dcf_m.as_mut_slice());
            for j in 0..batch {
                let col = j * rows..(j + 1) * rows;
                let (g_c, dax_c) = (&gates[col.clone()], &mut dax[col]);
                let st = j * h..(j + 1) * h;
                let (c_c, cp_c, dh_c) =
                    (&cell_s[st.clone()], &cprev_s[st.clone()], &dh_s[st.clone()]);
                let dcn_c = dc_s.map(|d| &d[st.clone()]);
                let (dcp_c, dcf_c) = (&mut dcp_s[st.clone()], &mut dcf_s[st]);
                if variant == LstmVariant::Standard {
                    let cols = LstmBackColumn {
                        gates: g_c,
                        cell: c_c,
                        c_prev: cp_c,
                        dh: dh_c,
                        dc_next: dcn_c.unwrap_or_else(|| &zeros[..h]),
                    };
                    lstm_backward_column(h, &cols, dax_c, dcp_c, dcf_c);
                    continue;
                }
                for k in 0..h {
                    let (fv, gv, ov) = (g_c[fi + k], g_c[gi + k], g_c[oi + k]);
                    let iv = if coupled { one - fv } else { g_c[k] };
                    let c = c_c[k];
                    let tc = c.tanh_fast();
                    let d = dh_c[k];
                    let da_o = d * tc * sigmoid_prime_from_value(ov);
                    let mut dcv =
                        dcn_c.map_or(T::zero(), |m| m[k]) + d * ov * tanh_prime_from_value(tc);
                    if let (Some(pp), Some(dp)) = (peep, dpeep.as_deref_mut()) {
                        dcv += pp[2 * h + k] * da_o;
                        dp[2 * h + k] += da_o * c;
                    }
                    dcf_c[k] = dcv;
                    let cp = cp_c[k];
                    let di = dcv * gv;
                    let mut dcp = dcv * fv;
                    if coupled {
                        dax_c[fi + k] = (dcv * cp - di) * sigmoid_prime_from_value(fv);
                    } else {
                        let da_i = di * sigmoid_prime_from_value(iv);
                        let da_f = dcv * cp * sigmoid_prime_from_value(fv);
                        dax_c[k] = da_i;
                        dax_c[fi + k] = da_f;
                        if let (Some(pp), Some(dp)) = (peep, dpeep.as_deref_mut()) {
                            dcp += pp[k] * da_i + pp[h + k] * da_f;
                            dp[k] += da_i * cp;
                            dp[h + k] += da_f * cp;
                        }
                    }
                    dax_c[gi + k] = dcv * iv * tanh_prime_from_value(gv);
                    dax_c[oi + k] = da_o;
                    dcp_c[k] = dcp;
                }
            }
        }
    }
    let dah = dah.map_or(&*dax, |d| &*d);
    w_hh_t.add_product_to(out.dh_prev.as_mut_slice(), Operand::new(dah, rows, batch));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(rows: usize, cols: usize, v: &[f64]) -> Mat<f64> {
        Mat::from_row_slice(rows, cols, v)
    }

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() < tol, "{got} vs {want}");
    }

    /// The f32 LSTM column functions (16-lane blocks where the CPU has AVX-512, scalar for
    /// the rest: 37 units are two blocks and 5 more) give exactly the per-unit formulas.
    #[test]
    fn lstm_columns_in_f32_equal_the_scalar_formulas_bit_for_bit() {
        let h = 37;
        let v = |n: usize, seed: f32| -> Vec<f32> {
            (0..n)
                .map(|k| (k as f32 * 0.37 + seed).sin() * 3.0)
                .collect()
        };
        let (pre, c_prev, dh, dc_next) = (v(4 * h, 0.1), v(h, 0.7), v(h, 1.3), v(h, 2.9));
        let (mut gates, mut cell, mut hidden) = (vec![0.0; 4 * h], vec![0.0; h], vec![0.0; h]);
        lstm_forward_column(h, &pre, &mut gates, &c_prev, &mut cell, &mut hidden);
        let sig = |x: f32| x.sigmoid_fast();
        for k in 0..h {
            let (i, f) = (sig(pre[k]), sig(pre[h + k]));
            let (g, o) = (pre[2 * h + k].tanh_fast(), sig(pre[3 * h + k]));
            assert_eq!(
                [gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k]],
                [i, f, g, o]
            );
            let c = f * c_prev[k] + i * g;
            assert_eq!((cell[k], hidden[k]), (c, o * c.tanh_fast()), "unit {k}");
        }
        let x = LstmBackColumn {
            gates: &gates,
            cell: &cell,
            c_prev: &c_prev,
            dh: &dh,
            dc_next: &dc_next,
        };
        let (mut dax, mut dcp, mut dcf) = (vec![0.0; 4 * h], vec![0.0; h], vec![0.0; h]);
        lstm_backward_column(h, &x, &mut dax, &mut dcp, &mut dcf);
        for k in 0..h {
            let (i, f, g, o) = (gates[k], gates[h + k], gates[2 * h + k], gates[3 * h + k]);
            let tc = cell[k].tanh_fast();
            let d = dh[k];
            let dc = dc_next[k] + d * o * (1.0 - tc * tc);
            assert_eq!((dcf[k], dcp[k]), (dc, dc * f), "unit {k}");
            assert_eq!(
                [dax[k], dax[h + k], dax[2 * h + k], dax[3 * h + k]],
                [
                    dc * g * i * (1.0 - i),
                    dc * c_prev[k] * f * (1.0 - f),
                    dc * i * (1.0 - g * g),
                    d * tc * o * (1.0 - o),
                ],
                "unit {k}"
            );
        }
    }

    /// The course notes' worked example, two steps of a tanh RNN with x_1 = x_2 = [1, 1]:
    /// W_ih = [[0.2, 0.4], [0.3, 0.2]], W_hh = [[0.6, 0.8], [1.0, 0.768]], no bias.
    /// h_1 = tanh(W_ih x_1) = tanh([0.6, 0.5]) = [0.537, 0.462]
    /// h_2 = tanh(W_ih x_2 + W_hh h_1) = tanh([0.6 + 0.6*0.537 + 0.8*0.462, 0.5 + 0.537 + 0.768*0.462])
    ///     = tanh([1.292, 1.392]) = [0.860, 0.884]
    #[test]
    fn rnn_two_steps_from_the_course_notes() {
        let kind = CellKind::Rnn(Activation::Tanh);
        let mut p = CellParams::zeros(kind, 2, 2);
        p.w_ih = m(2, 2, &[0.2, 0.4, 0.3, 0.2]);
        p.w_hh = m(2, 2, &[0.6, 0.8, 1.0, 0.768]);
        let x = m(2, 1, &[1.0, 1.0]);
        let s1 = step_from_input(kind, &p, &x, &Mat::zeros(2, 1), None);
        close(s1.pre[(0, 0)], 0.6, 1e-15);
        close(s1.pre[(1, 0)], 0.5, 1e-15);
        close(s1.hidden[(0, 0)], 0.537, 5e-4);
        close(s1.hidden[(1, 0)], 0.462, 5e-4);
        let s2 = step_from_input(kind, &p, &x, &s1.hidden, None);
        close(s2.pre[(0, 0)], 1.292, 5e-4);
        close(s2.pre[(1, 0)], 1.392, 5e-4);
        close(s2.hidden[(0, 0)], 0.860, 5e-4);
        close(s2.hidden[(1, 0)], 0.884, 5e-4);
    }

    /// One LSTM step, input 0.1, hidden 1, h_0 = c_0 = 0, W_ih = [0.5, 0.7, 0.9, 1.1]ᵀ, rest 0:
    /// i = σ(0.5*0.1) = σ(0.05) = 0.5124974
    /// f = σ(0.07) = 0.5174929 (multiplies c_0 = 0, so it does not matter yet)
    /// g = tanh(0.09) = 0.0897578
    /// o = σ(0.11) = 0.5274723
    /// c = f*0 + i*g = 0.5124974 * 0.0897578 = 0.0460006
    /// h = o * tanh(c) = 0.5274723 * 0.0459682 = 0.0242470
    #[test]
    fn lstm_single_step_by_hand() {
        let kind = CellKind::Lstm(LstmVariant::Standard);
        let mut p = CellParams::zeros(kind, 1, 1);
        p.w_ih = m(4, 1, &[0.5, 0.7, 0.9, 1.1]);
        let zero = Mat::zeros(1, 1);
        let s = step_from_input(kind, &p, &m(1, 1, &[0.1]), &zero, Some(&zero));
        let want = [
            0.512_497_396_484_210_3,
            0.517_492_857_666_389_7,
            0.089_757_784_747_160_1,
            0.527_472_304_344_593_7,
        ];
        for (k, w) in want.iter().enumerate() {
            close(s.gates[(k, 0)], *w, 1e-15);
        }
        close(
            s.cell.as_ref().unwrap()[(0, 0)],
            0.046_000_630_997_109_72,
            1e-15,
        );
        close(s.hidden[(0, 0)], 0.024_246_958_588_225_627, 1e-15);
    }

    /// One GRU step, input 0.1, hidden 1, h_0 = 0, W_ih = [0.5, 0.7, 0.9]ᵀ, b_hn = 0.2:
    /// r = σ(0.05) = 0.5124974, z = σ(0.07) = 0.5174929
    /// n = tanh(0.09 + r*(W_hn h_0 + b_hn)) = tanh(0.09 + 0.5124974*0.2) = tanh(0.1924995) = 0.1901564
    /// h' = (1 - z)*n + z*h_0 = 0.4825071 * 0.1901564 = 0.0917518
    #[test]
    fn gru_single_step_by_hand_applies_reset_after_the_hidden_matmul() {
        let kind = CellKind::Gru;
        let mut p = CellParams::zeros(kind, 1, 1);
        p.w_ih = m(3, 1, &[0.5, 0.7, 0.9]);
        p.b_hh = m(3, 1, &[0.0, 0.0, 0.2]);
        let s = step_from_input(kind, &p, &m(1, 1, &[0.1]), &Mat::zeros(1, 1), None);
        close(s.gates[(2, 0)], 0.190_156_445_857_512_04, 1e-15);
        close(s.hidden[(0, 0)], 0.091_751_843_287_024_02, 1e-15);
    }

    /// Coupled gates: the trace exposes i = 1 - f.
    #[test]
    fn coupled_lstm_derives_its_input_gate() {
        let kind = CellKind::Lstm(LstmVariant::Coupled);
        let mut p = CellParams::zeros(kind, 1, 1);
        p.w_ih = m(3, 1, &[2.0, 1.0, 1.0]);
        let zero = Mat::zeros(1, 1);
        let s = step_from_input(kind, &p, &m(1, 1, &[1.0]), &zero, Some(&zero));
        let f = s.gate(kind, Gate::Forget).unwrap()[(0, 0)];
        let i = s.gate(kind, Gate::Input).unwrap()[(0, 0)];
        close(f, crate::nn::sigmoid(2.0), 1e-15);
        close(i + f, 1.0, 1e-15);
        close(s.cell.as_ref().unwrap()[(0, 0)], i * 1f64.tanh(), 1e-15);
        assert!(s.gate(kind, Gate::Reset).is_none());
    }
}
