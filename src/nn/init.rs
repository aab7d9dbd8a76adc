//! Initialisers: PyTorch's default, Keras' defaults (Glorot-uniform kernels, orthogonal
//! recurrent weights, zero biases), and Keras' `unit_forget_bias`.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use super::cell::CellKind;
use super::gates::Gate;
use super::network::Network;
use super::{Mat, Real};

/// How weights start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// PyTorch's RNN/LSTM/GRU default: every weight and bias uniform in
    /// (-1/sqrt(hidden), 1/sqrt(hidden)); the head like `torch.nn.Linear`: uniform in
    /// (-1/sqrt(fan_in), 1/sqrt(fan_in)).
    PyTorch,
    /// Glorot/Xavier uniform for every weight matrix, bound sqrt(6 / (fan_in + fan_out)) with
    /// the stacked gates counted in fan_out (as Keras does); zero biases.
    Xavier,
    /// Keras' recurrent default: Glorot-uniform input weights, orthogonal recurrent weights,
    /// zero biases.
    XavierOrthogonal,
    /// The course notes' hand-worked example: each gate's block of the input weights is the
    /// identity (input j feeds unit j), recurrent weights and biases are zero, so one tanh
    /// RNN step from h = 0 gives h = tanh(x). Not for training well; for checking by hand.
    Identity,
}

/// Initialisation settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Init {
    pub scheme: Scheme,
    /// LSTM only: start the forget gate's total bias at this value: the `bias_ih` forget
    /// block is set to it and the `bias_hh` forget block to 0, so the cell remembers by
    /// default. `Some(1.0)` is Keras' `unit_forget_bias` ([`Init::UNIT_FORGET_BIAS`]); larger
    /// values keep the gate open over longer lags (σ(1)⁴⁹ ≈ 2e-7 but σ(5)⁴⁹ ≈ 0.72).
    pub forget_bias: Option<f64>,
}

impl Init {
    /// Keras' `unit_forget_bias=True`.
    pub const UNIT_FORGET_BIAS: Option<f64> = Some(1.0);
}

impl Default for Init {
    fn default() -> Self {
        Self {
            scheme: Scheme::PyTorch,
            forget_bias: None,
        }
    }
}

fn uniform<T: Real, R: Rng>(rows: usize, cols: usize, bound: f64, rng: &mut R) -> Mat<T> {
    Mat::from_fn(rows, cols, |_, _| T::of(rng.random_range(-bound..=bound)))
}

fn glorot<T: Real, R: Rng>(rows: usize, cols: usize, rng: &mut R) -> Mat<T> {
    uniform(rows, cols, (6.0 / (rows + cols) as f64).sqrt(), rng)
}

/// A `rows x cols` matrix with orthonormal columns (rows >= cols) or rows, from the QR
/// decomposition of a Gaussian matrix with signs fixed by R's diagonal (as Keras/PyTorch do).
pub fn orthogonal<T: Real, R: Rng>(rows: usize, cols: usize, rng: &mut R) -> Mat<T> {
    let tall = rows >= cols;
    let (r, c) = if tall { (rows, cols) } else { (cols, rows) };
    let a = nalgebra::DMatrix::<f64>::from_fn(r, c, |_, _| StandardNormal.sample(rng));
    let qr = a.qr();
    let mut q = qr.q();
    let rr = qr.r();
    for j in 0..c {
        if rr[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    let q = if tall { q } else { q.transpose() };
    q.map(T::of)
}

/// Fills every parameter of `net` according to `init`, drawing from `rng`.
pub fn initialise<T: Real, R: Rng>(net: &mut Network<T>, init: Init, rng: &mut R) {
    let hidden = net.config.hidden_size;
    let cell_kind = net.config.cell;
    for cell in &mut net.cells {
        let (rows, input) = cell.w_ih.shape();
        match init.scheme {
            Scheme::PyTorch => {
                let k = 1.0 / (hidden as f64).sqrt();
                cell.w_ih = uniform(rows, input, k, rng);
                cell.w_hh = uniform(rows, hidden, k, rng);
                cell.b_ih = uniform(rows, 1, k, rng);
                cell.b_hh = uniform(rows, 1, k, rng);
                if let Some(p) = &mut cell.peephole {
                    *p = uniform(3 * hidden, 1, k, rng);
                }
            }
            Scheme::Xavier | Scheme::XavierOrthogonal => {
                cell.w_ih = glorot(rows, input, rng);
                cell.w_hh = if init.scheme == Scheme::Xavier {
                    glorot(rows, hidden, rng)
                } else {
                    orthogonal(rows, hidden, rng)
                };
                cell.b_ih.fill(T::zero());
                cell.b_hh.fill(T::zero());
                if let Some(p) = &mut cell.peephole {
                    p.fill(T::zero());
                }
            }
            Scheme::Identity => {
                cell.w_ih = Mat::from_fn(rows, input, |r, c| {
                    if r % hidden == c {
                        T::one()
                    } else {
                        T::zero()
                    }
                });
                cell.w_hh.fill(T::zero());
                cell.b_ih.fill(T::zero());
                cell.b_hh.fill(T::zero());
                if let Some(p) = &mut cell.peephole {
                    p.fill(T::zero());
                }
            }
        }
        if let Some(bias) = init.forget_bias {
            if let Some(k) = forget_block(cell_kind) {
                cell.b_ih.rows_mut(k * hidden, hidden).fill(T::of(bias));
                cell.b_hh.rows_mut(k * hidden, hidden).fill(T::zero());
            }
        }
    }
    let (out, fan_in) = net.head_w.shape();
    match init.scheme {
        Scheme::PyTorch => {
            let k = 1.0 / (fan_in as f64).sqrt();
            net.head_w = uniform(out, fan_in, k, rng);
            net.head_b = uniform(out, 1, k, rng);
        }
        _ => {
            net.head_w = glorot(out, fan_in, rng);
            net.head_b.fill(T::zero());
        }
    }
}

/// Index of the forget gate's block, if the cell has one.
fn forget_block(kind: CellKind) -> Option<usize> {
    kind.gates().iter().position(|&g| g == Gate::Forget)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nn::cell::LstmVariant;
    use crate::nn::loss::Loss;
    use crate::nn::network::{Head, NetworkConfig};
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn lstm(hidden: usize) -> Network<f64> {
        Network::zeros(NetworkConfig {
            cell: CellKind::Lstm(LstmVariant::Standard),
            input_size: 3,
            hidden_size: hidden,
            layers: 1,
            bidirectional: false,
            dropout: 0.0,
            output_size: 1,
            head: Head::ManyToOne,
            loss: Loss::Mse,
        })
    }

    #[test]
    fn pytorch_scheme_stays_in_bounds_and_same_seed_same_weights() {
        let mut a = lstm(16);
        let mut b = lstm(16);
        initialise(&mut a, Init::default(), &mut Pcg64Mcg::seed_from_u64(7));
        initialise(&mut b, Init::default(), &mut Pcg64Mcg::seed_from_u64(7));
        assert_eq!(a, b);
        let k = 0.25;
        assert!(a.cells[0].w_hh.iter().all(|v| v.abs() <= k));
        let spread = a.cells[0].w_hh.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(
            spread > 0.2,
            "uniform over the whole range, got max {spread}"
        );
    }

    #[test]
    fn orthogonal_recurrent_weights_have_orthonormal_columns() {
        let mut net = lstm(8);
        let init = Init {
            scheme: Scheme::XavierOrthogonal,
            forget_bias: Init::UNIT_FORGET_BIAS,
        };
        initialise(&mut net, init, &mut Pcg64Mcg::seed_from_u64(1));
        let w = &net.cells[0].w_hh; // 32 x 8
        let gram = w.transpose() * w;
        assert!((gram - Mat::<f64>::identity(8, 8)).amax() < 1e-12);
        // unit forget bias: forget block (rows 8..16) of b_ih is 1, everything else 0.
        let b = &net.cells[0].b_ih;
        assert!((0..32).all(|r| b[(r, 0)] == if (8..16).contains(&r) { 1.0 } else { 0.0 }));
    }
}
