//! The training-step benchmark, shared by `cargo bench` (native) and the page's exported
//! benchmark (wasm), so both measure exactly the same work.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::init::{initialise, Init};
use super::loss::{Loss, Targets};
use super::network::Evaluation;
use super::optim::{Optimizer, OptimizerKind};
use super::{Activation, CellKind, Head, LstmVariant, Mat, Network, NetworkConfig};

/// One benchmark configuration: a single-layer network, input 1, an output at every step
/// (many-to-many), MSE, Adam.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BenchConfig {
    pub name: &'static str,
    pub cell: CellKind,
    pub hidden: usize,
    pub steps: usize,
    pub batch: usize,
}

/// The configurations of issue 3 (cell, hidden, sequence length, batch).
pub const CONFIGS: [BenchConfig; 6] = [
    BenchConfig {
        name: "lstm_h10_t20_b50",
        cell: CellKind::Lstm(LstmVariant::Standard),
        hidden: 10,
        steps: 20,
        batch: 50,
    },
    BenchConfig {
        name: "lstm_h32_t20_b32",
        cell: CellKind::Lstm(LstmVariant::Standard),
        hidden: 32,
        steps: 20,
        batch: 32,
    },
    BenchConfig {
        name: "lstm_h64_t50_b32",
        cell: CellKind::Lstm(LstmVariant::Standard),
        hidden: 64,
        steps: 50,
        batch: 32,
    },
    BenchConfig {
        name: "lstm_h128_t100_b16",
        cell: CellKind::Lstm(LstmVariant::Standard),
        hidden: 128,
        steps: 100,
        batch: 16,
    },
    BenchConfig {
        name: "gru_h32_t20_b32",
        cell: CellKind::Gru,
        hidden: 32,
        steps: 20,
        batch: 32,
    },
    BenchConfig {
        name: "rnn_h32_t20_b32",
        cell: CellKind::Rnn(Activation::Tanh),
        hidden: 32,
        steps: 20,
        batch: 32,
    },
];

/// A ready-to-step benchmark: network, optimiser and one fixed batch (x in [-1, 1], target
/// sin(x) at every step).
pub struct TrainBench {
    pub net: Network<f32>,
    /// Reused from step to step: after the first step, a step allocates nothing.
    pub eval: Evaluation<f32>,
    pub opt: Optimizer<f32>,
    pub xs: Vec<Mat<f32>>,
    pub ys: Targets<f32>,
}

impl TrainBench {
    pub fn new(c: &BenchConfig) -> Self {
        let config = NetworkConfig {
            cell: c.cell,
            input_size: 1,
            hidden_size: c.hidden,
            layers: 1,
            bidirectional: false,
            dropout: 0.0,
            output_size: 1,
            head: Head::ManyToMany,
            loss: Loss::Mse,
        };
        let mut rng = Pcg64Mcg::seed_from_u64(0);
        let mut net = Network::zeros(config);
        initialise(&mut net, Init::default(), &mut rng);
        let xs: Vec<Mat<f32>> = (0..c.steps)
            .map(|_| Mat::from_fn(1, c.batch, |_, _| rng.random_range(-1.0..1.0)))
            .collect();
        let ys = Targets::Values(xs.iter().map(|x| x.map(|v| v.sin())).collect());
        Self {
            eval: Evaluation::new(config),
            net,
            opt: Optimizer::new(OptimizerKind::ADAM, 1e-3),
            xs,
            ys,
        }
    }

    /// One training step: forward, BPTT, Adam. Returns the loss.
    pub fn step(&mut self) -> f64 {
        self.net
            .evaluate_into::<Pcg64Mcg>(&self.xs, &self.ys, None, None, &mut self.eval);
        self.opt
            .step(self.net.params_mut(), self.eval.grads.params());
        self.eval.loss
    }
}
