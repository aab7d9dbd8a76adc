//! The recurrent core: cells, stacked and bidirectional networks, heads and losses, exact
//! backpropagation through time, optimisers, initialisers and PyTorch-compatible weights.
//!
//! Plain Rust over nalgebra; knows nothing of `data` or of the browser.
//!
//! Layout conventions (the same everywhere in this module):
//! - a batch at one time step is a matrix with one **column per sample**: inputs are
//!   `input_size x batch`, hidden states `hidden_size x batch`;
//! - a cell's stacked gate pre-activations are `gates * hidden_size x batch`, in the order of
//!   [`CellKind::gates`] (PyTorch's order where PyTorch has the cell);
//! - biases are stored as one-column matrices so that every parameter is a [`Mat`].

pub mod benchmark;
pub mod cell;
pub mod explain;
pub mod gates;
pub mod init;
pub mod loss;
pub(crate) mod matmul;
pub mod network;
pub mod optim;
#[cfg(target_arch = "x86_64")]
mod simd;
pub mod weights;

pub use cell::{Activation, CellKind, LstmVariant};
pub use gates::Gate;
pub use network::{Head, Network, NetworkConfig};

use nalgebra::{DMatrix, RealField};

/// Dense matrix used for every tensor in the core.
pub type Mat<T> = DMatrix<T>;

/// The scalar types the core runs in: `f64` for reference checks, `f32` for speed.
pub trait Real: RealField + Copy + Default {
    /// Converts from f64 (exact for f64; rounded for f32).
    fn of(x: f64) -> Self;
    /// Converts to f64.
    fn to_f64(self) -> f64;
    /// Hyperbolic tangent for the hot path: exact `tanh` in f64 (the reference precision),
    /// a vectorisable rational approximation in f32 (see [`tanh_f32`]).
    fn tanh_fast(self) -> Self;
    /// Logistic sigmoid for the hot path: [`sigmoid`] in f64, `0.5 + 0.5*tanh(x/2)` with
    /// [`tanh_f32`] in f32 (branch-free, so the gate loops vectorise).
    fn sigmoid_fast(self) -> Self;
}

impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn tanh_fast(self) -> Self {
        self.tanh()
    }
    fn sigmoid_fast(self) -> Self {
        sigmoid(self)
    }
}

impl Real for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn tanh_fast(self) -> Self {
        tanh_f32(self)
    }
    fn sigmoid_fast(self) -> Self {
        0.5 + 0.5 * tanh_f32(0.5 * self)
    }
}

/// tanh for f32 as a 13/6-degree rational function on [-7.9053, 7.9053] (the approximation
/// Eigen uses for `float`), saturating to ±1 outside. glibc's `tanhf` goes through `expm1f`
/// and was a third of an LSTM training step; this is branch-light and within a few ulp
/// (checked against f64 `tanh` in the tests).
pub fn tanh_f32(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let p = x2 * -2.760_768_5e-16 + 2.000_188e-13;
    let p = p * x2 - 8.604_672e-11;
    let p = p * x2 + 5.122_297e-8;
    let p = p * x2 + 1.485_722_4e-5;
    let p = p * x2 + 6.372_619_3e-4;
    let p = p * x2 + 4.893_524_6e-3;
    let p = p * x;
    let q = x2 * 1.198_258_4e-6 + 1.185_347e-4;
    let q = q * x2 + 2.268_434_6e-3;
    let q = q * x2 + 4.893_525e-3;
    p / q
}

/// Logistic sigmoid `1 / (1 + e^-x)`, written to stay finite for large |x|.
pub fn sigmoid<T: Real>(x: T) -> T {
    if x >= T::zero() {
        T::one() / (T::one() + (-x).exp())
    } else {
        let e = x.exp();
        e / (T::one() + e)
    }
}

/// Makes `m` a `rows x cols` matrix, reusing its buffer when the shape already fits (the
/// contents are then left as they were: callers overwrite or zero them).
pub(crate) fn ensure_shape<T: Real>(m: &mut Mat<T>, rows: usize, cols: usize) {
    if m.shape() != (rows, cols) {
        *m = Mat::zeros(rows, cols);
    }
}

/// Makes `v` hold `n` matrices of `rows x cols`, reusing what it holds.
pub(crate) fn ensure_mats<T: Real>(v: &mut Vec<Mat<T>>, n: usize, rows: usize, cols: usize) {
    v.truncate(n);
    for m in v.iter_mut() {
        ensure_shape(m, rows, cols);
    }
    while v.len() < n {
        v.push(Mat::zeros(rows, cols));
    }
}

/// Frobenius norm of a matrix, in f64.
pub fn norm<T: Real>(m: &Mat<T>) -> f64 {
    m.as_slice()
        .iter()
        .map(|v| v.to_f64() * v.to_f64())
        .sum::<f64>()
        .sqrt()
}

/// `s` as `&[f32]` when `T` is f32.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
pub(crate) fn f32_slice<T: Real>(s: &[T]) -> Option<&[f32]> {
    (std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>()).then(|| {
        // SAFETY: T is f32 (same TypeId), so a [T] is a [f32] of the same length.
        unsafe { std::slice::from_raw_parts(s.as_ptr().cast::<f32>(), s.len()) }
    })
}

/// Mutable slices as `&mut [f32]` when `T` is f32.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
pub(crate) fn f32_slices_mut<T: Real, const N: usize>(s: [&mut [T]; N]) -> Option<[&mut [f32]; N]> {
    (std::any::TypeId::of::<T>() == std::any::TypeId::of::<f32>()).then(|| {
        s.map(|s| {
            // SAFETY: T is f32 (same TypeId); the unique borrow moves into the result.
            unsafe { std::slice::from_raw_parts_mut(s.as_mut_ptr().cast::<f32>(), s.len()) }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_f32_tanh_is_within_a_few_ulp_of_tanh() {
        let mut worst = 0.0f64;
        for i in -200_000..=200_000 {
            let x = i as f32 * 1e-4; // [-20, 20]
            let err = (tanh_f32(x) as f64 - (x as f64).tanh()).abs();
            worst = worst.max(err);
        }
        assert!(worst < 5e-7, "max abs error {worst:e}");
        assert_eq!(tanh_f32(100.0), 1.0);
        assert_eq!(tanh_f32(-100.0), -1.0);
        assert_eq!(tanh_f32(0.0), 0.0);
        let mut worst = 0.0f64;
        for i in -100_000..=100_000 {
            let x = i as f32 * 2e-4;
            let exact = 1.0 / (1.0 + (-(x as f64)).exp());
            worst = worst.max((x.sigmoid_fast() as f64 - exact).abs());
        }
        assert!(worst < 5e-7, "sigmoid max abs error {worst:e}");
    }

    #[test]
    fn thin_products_match_nalgebra() {
        let a = Mat::from_fn(6, 2, |i, j| (i * 3 + j) as f64 * 0.1 - 0.5);
        let b = Mat::from_fn(2, 5, |i, j| (i + 2 * j) as f64 * 0.3 - 0.7);
        let mut c = Mat::from_element(6, 5, 1.0);
        matmul::add_product(c.as_mut_slice(), (&a).into(), (&b).into());
        assert!((c - (&a * &b).add_scalar(1.0)).amax() < 1e-15);
        let row = Mat::from_fn(1, 9, |_, j| j as f64 - 4.0);
        let wide = Mat::from_fn(9, 3, |i, j| (i * j) as f64 * 0.01);
        let mut c = Mat::zeros(1, 3);
        matmul::add_product(c.as_mut_slice(), (&row).into(), (&wide).into());
        assert!((c - &row * &wide).amax() < 1e-15);
        let bt = Mat::from_fn(3, 5, |i, j| (i + j) as f64);
        let a5 = Mat::from_fn(6, 5, |i, j| (i as f64) - (j as f64));
        let mut c = Mat::zeros(6, 3);
        matmul::add_product(
            c.as_mut_slice(),
            (&a5).into(),
            matmul::Operand::from(&bt).t(),
        );
        assert!((c - &a5 * bt.transpose()).amax() < 1e-12);
    }

    #[test]
    fn sigmoid_is_finite_at_extremes() {
        assert_eq!(sigmoid(1000.0f64), 1.0);
        assert_eq!(sigmoid(-1000.0f64), 0.0);
        assert!((sigmoid(0.0f64) - 0.5).abs() < 1e-16);
    }
}
