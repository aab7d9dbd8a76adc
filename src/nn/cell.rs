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
use super::{sigmoid, Mat, Real};

/// Nonlinearity of the vanilla RNN (the notes use both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activation {
    Tanh,
    Relu,
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
#[serde(rename_all = "snake_case", tag = "cell", content = "variant")]
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

const RNN_GATES: [Gate; 1] = [Gate::Hidden];
const LSTM_GATES: [Gate; 4] = [Gate::Input, Gate::Forget, Gate::Candidate, Gate::Output];
const COUPLED_GATES: [Gate; 3] = [Gate::Forget, Gate::Candidate, Gate::Output];
const GRU_GATES: [Gate; 3] = [Gate::Reset, Gate::Update, Gate::New];

impl CellKind {
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
        for m in self.tensors_mut() {
            m.fill(T::zero());
        }
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
        let mut v = vec![
            &mut self.w_ih,
            &mut self.w_hh,
            &mut self.b_ih,
            &mut self.b_hh,
        ];
        if let Some(p) = &mut self.peephole {
            v.push(p);
        }
        v
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

/// Adds the column vector `b` to every column of `m`.
fn add_bias<T: Real>(m: &mut Mat<T>, b: &Mat<T>) {
    for mut col in m.column_iter_mut() {
        col += b.column(0);
    }
}

/// Adds `p ⊙ c` to the rows of `m` (p is `hidden x 1`, broadcast over columns).
fn add_diag<T: Real>(m: &mut Mat<T>, p: &Mat<T>, c: &Mat<T>) {
    for j in 0..m.ncols() {
        for i in 0..m.nrows() {
            m[(i, j)] += p[(i, 0)] * c[(i, j)];
        }
    }
}

/// Row sums of `m` as a `rows x 1` matrix (a bias gradient over the batch).
fn row_sums<T: Real>(m: &Mat<T>) -> Mat<T> {
    let mut s = Mat::zeros(m.nrows(), 1);
    for col in m.column_iter() {
        s.column_mut(0).add_assign(&col);
    }
    s
}

use std::ops::AddAssign;

fn tanh_prime_from_value<T: Real>(y: T) -> T {
    T::one() - y * y
}

fn sigmoid_prime_from_value<T: Real>(y: T) -> T {
    y * (T::one() - y)
}

/// One forward step. `c_prev` is required for LSTMs and ignored otherwise.
pub fn forward_step<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    x: &Mat<T>,
    h_prev: &Mat<T>,
    c_prev: Option<&Mat<T>>,
) -> StepTrace<T> {
    let h = p.hidden_size();
    let mut ax = &p.w_ih * x;
    add_bias(&mut ax, &p.b_ih);
    let mut ah = &p.w_hh * h_prev;
    add_bias(&mut ah, &p.b_hh);
    match kind {
        CellKind::Rnn(act) => {
            let pre = ax + ah;
            let hidden = match act {
                Activation::Tanh => pre.map(|v| v.tanh()),
                Activation::Relu => pre.map(|v| if v > T::zero() { v } else { T::zero() }),
            };
            StepTrace {
                gates: hidden.clone(),
                pre,
                hidden_new: None,
                cell: None,
                hidden,
            }
        }
        CellKind::Gru => {
            let mut pre = ax;
            pre.rows_mut(0, 2 * h).add_assign(&ah.rows(0, 2 * h));
            let mut gates = pre.clone();
            gates.rows_mut(0, 2 * h).apply(|v| *v = sigmoid(*v));
            let hn = ah.rows(2 * h, h).into_owned();
            let r = gates.rows(0, h).into_owned();
            let mut pre_n = pre.rows_mut(2 * h, h);
            pre_n.add_assign(&r.component_mul(&hn));
            let n = pre_n.map(|v| v.tanh());
            gates.rows_mut(2 * h, h).copy_from(&n);
            let z = gates.rows(h, h);
            // h' = (1 - z) * n + z * h_prev
            let hidden = n.zip_zip_map(&z.into_owned(), h_prev, |n, z, hp| {
                (T::one() - z) * n + z * hp
            });
            StepTrace {
                pre,
                gates,
                hidden_new: Some(hn),
                cell: None,
                hidden,
            }
        }
        CellKind::Lstm(variant) => {
            let c_prev = c_prev.expect("an LSTM step needs the previous cell state");
            let mut pre = ax + ah;
            // Block offsets of (i, f, g, o); the coupled LSTM has no i block.
            let (fi, gi, oi) = match variant {
                LstmVariant::Coupled => (0, h, 2 * h),
                _ => (h, 2 * h, 3 * h),
            };
            if let (LstmVariant::Peephole, Some(peep)) = (variant, &p.peephole) {
                let (pi, pf) = (peep.rows(0, h).into_owned(), peep.rows(h, h).into_owned());
                let mut block = pre.rows(0, h).into_owned();
                add_diag(&mut block, &pi, c_prev);
                pre.rows_mut(0, h).copy_from(&block);
                let mut block = pre.rows(fi, h).into_owned();
                add_diag(&mut block, &pf, c_prev);
                pre.rows_mut(fi, h).copy_from(&block);
            }
            let mut gates = pre.clone();
            gates.apply(|v| *v = sigmoid(*v));
            gates
                .rows_mut(gi, h)
                .copy_from(&pre.rows(gi, h).map(|v| v.tanh()));
            let f = gates.rows(fi, h).into_owned();
            let i = match variant {
                LstmVariant::Coupled => f.map(|f| T::one() - f),
                _ => gates.rows(0, h).into_owned(),
            };
            let g = gates.rows(gi, h).into_owned();
            let cell = f.component_mul(c_prev) + i.component_mul(&g);
            if let (LstmVariant::Peephole, Some(peep)) = (variant, &p.peephole) {
                let po = peep.rows(2 * h, h).into_owned();
                let mut block = pre.rows(oi, h).into_owned();
                add_diag(&mut block, &po, &cell);
                pre.rows_mut(oi, h).copy_from(&block);
                gates.rows_mut(oi, h).copy_from(&block.map(sigmoid));
            }
            let o = gates.rows(oi, h);
            let hidden = cell.zip_map(&o.into_owned(), |c, o| o * c.tanh());
            StepTrace {
                pre,
                gates,
                hidden_new: None,
                cell: Some(cell),
                hidden,
            }
        }
    }
}

/// Gradients flowing out of one backward step.
pub struct StepGrads<T: Real> {
    /// dL/dx_t, `input x batch`.
    pub dx: Mat<T>,
    /// dL/dh_{t-1} through this step.
    pub dh_prev: Mat<T>,
    /// dL/dc_{t-1} through this step (LSTM only).
    pub dc_prev: Option<Mat<T>>,
    /// dL/dc_t in full: from the next step and through h_t (LSTM only). Reported, not propagated.
    pub dc: Option<Mat<T>>,
}

/// The backward step beside [`forward_step`]: given dL/dh_t (`dh`, everything that reaches
/// h_t) and dL/dc_t from the next step (`dc`, LSTM only), accumulates parameter gradients
/// into `grad` and returns the gradients for x_t, h_{t-1} and c_{t-1}.
#[allow(clippy::too_many_arguments)]
pub fn backward_step<T: Real>(
    kind: CellKind,
    p: &CellParams<T>,
    grad: &mut CellParams<T>,
    x: &Mat<T>,
    h_prev: &Mat<T>,
    c_prev: Option<&Mat<T>>,
    step: &StepTrace<T>,
    dh: &Mat<T>,
    dc: Option<&Mat<T>>,
) -> StepGrads<T> {
    let h = p.hidden_size();
    let one = T::one();
    // dax: gradient of W_ih x + b_ih; dah: gradient of W_hh h + b_hh.
    let (dax, dah, dh_direct, dc_prev, dc_full) = match kind {
        CellKind::Rnn(act) => {
            let da = match act {
                Activation::Tanh => dh.zip_map(&step.hidden, |d, y| d * tanh_prime_from_value(y)),
                Activation::Relu => {
                    dh.zip_map(&step.pre, |d, a| if a > T::zero() { d } else { T::zero() })
                }
            };
            (da.clone(), da, None, None, None)
        }
        CellKind::Gru => {
            let r = step.gates.rows(0, h);
            let z = step.gates.rows(h, h);
            let n = step.gates.rows(2 * h, h);
            let hn = step
                .hidden_new
                .as_ref()
                .expect("GRU trace has W_hn h + b_hn");
            let mut dax = Mat::zeros(3 * h, dh.ncols());
            let mut dah = Mat::zeros(3 * h, dh.ncols());
            for j in 0..dh.ncols() {
                for k in 0..h {
                    let (rv, zv, nv, d) = (r[(k, j)], z[(k, j)], n[(k, j)], dh[(k, j)]);
                    let da_n = d * (one - zv) * tanh_prime_from_value(nv);
                    let da_z = d * (h_prev[(k, j)] - nv) * sigmoid_prime_from_value(zv);
                    let da_r = da_n * hn[(k, j)] * sigmoid_prime_from_value(rv);
                    dax[(k, j)] = da_r;
                    dax[(h + k, j)] = da_z;
                    dax[(2 * h + k, j)] = da_n;
                    dah[(k, j)] = da_r;
                    dah[(h + k, j)] = da_z;
                    dah[(2 * h + k, j)] = da_n * rv;
                }
            }
            let direct = dh.zip_map(&z.into_owned(), |d, z| d * z);
            (dax, dah, Some(direct), None, None)
        }
        CellKind::Lstm(variant) => {
            let c_prev = c_prev.expect("an LSTM step needs the previous cell state");
            let cell = step.cell.as_ref().expect("LSTM trace has the cell state");
            let (fi, gi, oi) = match variant {
                LstmVariant::Coupled => (0, h, 2 * h),
                _ => (h, 2 * h, 3 * h),
            };
            let f = step.gates.rows(fi, h);
            let g = step.gates.rows(gi, h);
            let o = step.gates.rows(oi, h);
            let rows = step.gates.nrows();
            let mut da = Mat::zeros(rows, dh.ncols());
            let mut dc_prev = Mat::zeros(h, dh.ncols());
            let mut dc_full = Mat::zeros(h, dh.ncols());
            let peep = p.peephole.as_ref();
            let mut dpeep = Mat::<T>::zeros(3 * h, 1);
            for j in 0..dh.ncols() {
                for k in 0..h {
                    let (fv, gv, ov) = (f[(k, j)], g[(k, j)], o[(k, j)]);
                    let iv = match variant {
                        LstmVariant::Coupled => one - fv,
                        _ => step.gates[(k, j)],
                    };
                    let tc = cell[(k, j)].tanh();
                    let d = dh[(k, j)];
                    let da_o = d * tc * sigmoid_prime_from_value(ov);
                    let mut dcv =
                        dc.map_or(T::zero(), |m| m[(k, j)]) + d * ov * tanh_prime_from_value(tc);
                    if let Some(pp) = peep {
                        dcv += pp[(2 * h + k, 0)] * da_o;
                        dpeep[(2 * h + k, 0)] += da_o * cell[(k, j)];
                    }
                    dc_full[(k, j)] = dcv;
                    let cp = c_prev[(k, j)];
                    let di = dcv * gv;
                    let da_g = dcv * iv * tanh_prime_from_value(gv);
                    let mut dcp = dcv * fv;
                    match variant {
                        LstmVariant::Coupled => {
                            da[(fi + k, j)] = (dcv * cp - di) * sigmoid_prime_from_value(fv);
                        }
                        _ => {
                            let da_i = di * sigmoid_prime_from_value(iv);
                            let da_f = dcv * cp * sigmoid_prime_from_value(fv);
                            da[(k, j)] = da_i;
                            da[(fi + k, j)] = da_f;
                            if let Some(pp) = peep {
                                dcp += pp[(k, 0)] * da_i + pp[(h + k, 0)] * da_f;
                                dpeep[(k, 0)] += da_i * cp;
                                dpeep[(h + k, 0)] += da_f * cp;
                            }
                        }
                    }
                    da[(gi + k, j)] = da_g;
                    da[(oi + k, j)] = da_o;
                    dc_prev[(k, j)] = dcp;
                }
            }
            if let Some(gp) = &mut grad.peephole {
                *gp += dpeep;
            }
            (da.clone(), da, None, Some(dc_prev), Some(dc_full))
        }
    };
    grad.w_ih.gemm(one, &dax, &x.transpose(), one);
    grad.w_hh.gemm(one, &dah, &h_prev.transpose(), one);
    grad.b_ih += row_sums(&dax);
    grad.b_hh += row_sums(&dah);
    let dx = p.w_ih.tr_mul(&dax);
    let mut dh_prev = p.w_hh.tr_mul(&dah);
    if let Some(direct) = dh_direct {
        dh_prev += direct;
    }
    StepGrads {
        dx,
        dh_prev,
        dc_prev,
        dc: dc_full,
    }
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
        let s1 = forward_step(kind, &p, &x, &Mat::zeros(2, 1), None);
        close(s1.pre[(0, 0)], 0.6, 1e-15);
        close(s1.pre[(1, 0)], 0.5, 1e-15);
        close(s1.hidden[(0, 0)], 0.537, 5e-4);
        close(s1.hidden[(1, 0)], 0.462, 5e-4);
        let s2 = forward_step(kind, &p, &x, &s1.hidden, None);
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
        let s = forward_step(kind, &p, &m(1, 1, &[0.1]), &zero, Some(&zero));
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
        let s = forward_step(kind, &p, &m(1, 1, &[0.1]), &Mat::zeros(1, 1), None);
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
        let s = forward_step(kind, &p, &m(1, 1, &[1.0]), &zero, Some(&zero));
        let f = s.gate(kind, Gate::Forget).unwrap()[(0, 0)];
        let i = s.gate(kind, Gate::Input).unwrap()[(0, 0)];
        close(f, sigmoid(2.0), 1e-15);
        close(i + f, 1.0, 1e-15);
        close(s.cell.as_ref().unwrap()[(0, 0)], i * 1f64.tanh(), 1e-15);
        assert!(s.gate(kind, Gate::Reset).is_none());
    }
}
