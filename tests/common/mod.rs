//! Helpers shared by the native integration tests.
#![allow(dead_code)]

pub mod reference;

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rnn_lab::nn::init::{initialise, Init};
use rnn_lab::nn::loss::{Loss, Targets};
use rnn_lab::nn::{Mat, Network, NetworkConfig};

pub fn rng(seed: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(seed)
}

/// A network with PyTorch-default weights drawn from `seed`.
pub fn network(config: NetworkConfig, seed: u64) -> Network<f64> {
    let mut net = Network::zeros(config);
    initialise(&mut net, Init::default(), &mut rng(seed));
    net
}

/// `steps` random `input x batch` matrices in [-1, 1].
pub fn inputs(input: usize, batch: usize, steps: usize, r: &mut Pcg64Mcg) -> Vec<Mat<f64>> {
    (0..steps)
        .map(|_| Mat::from_fn(input, batch, |_, _| r.random_range(-1.0..1.0)))
        .collect()
}

/// Random targets that fit `config` for a sequence of `steps`.
pub fn targets(
    config: &NetworkConfig,
    batch: usize,
    steps: usize,
    r: &mut Pcg64Mcg,
) -> Targets<f64> {
    let scored = match config.head {
        rnn_lab::nn::Head::ManyToMany => steps,
        rnn_lab::nn::Head::ManyToOne => 1,
    };
    match config.loss {
        Loss::Mse => Targets::Values(
            (0..scored)
                .map(|_| Mat::from_fn(config.output_size, batch, |_, _| r.random_range(-1.0..1.0)))
                .collect(),
        ),
        Loss::CrossEntropy => Targets::Classes(
            (0..scored)
                .map(|_| {
                    (0..batch)
                        .map(|_| r.random_range(0..config.output_size))
                        .collect()
                })
                .collect(),
        ),
    }
}

/// Every `.rs` file under `dir`, recursively (for the tests that read the sources).
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}
