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

pub mod cell;
pub mod gates;
pub mod init;
pub mod loss;
pub mod network;
pub mod optim;
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
}

impl Real for f64 {
    fn of(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
}

impl Real for f32 {
    fn of(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
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

/// Frobenius norm of a matrix, in f64.
pub fn norm<T: Real>(m: &Mat<T>) -> f64 {
    m.iter()
        .map(|v| v.to_f64() * v.to_f64())
        .sum::<f64>()
        .sqrt()
}
