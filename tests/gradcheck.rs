//! Finite-difference checks of backpropagation through time, in f64, for every cell, variant,
//! layer count, direction setting, head, loss, and with dropout: the analytic gradient of every
//! parameter must match the central difference to a relative error of 1e-6.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use rand::Rng;
use rnn_lab::nn::loss::{loss_and_grad, Loss, Targets};
use rnn_lab::nn::{CellKind, Head, Mat, Network, NetworkConfig};

/// Loss with dropout masks drawn from a fresh RNG seeded `mask_seed` (so every evaluation
/// sees the same masks).
fn loss_at(net: &Network<f64>, xs: &[Mat<f64>], t: &Targets<f64>, mask_seed: u64) -> f64 {
    let mut r = common::rng(mask_seed);
    let trace = net.forward(xs, Some(&mut r));
    loss_and_grad(net.config.loss, &trace.outputs, t).0
}

/// Relative error ||a - n|| / (||a|| + ||n||) between analytic and numeric gradients of one
/// tensor, over all its entries (CS231n's measure; robust to tiny individual entries).
fn check(config: NetworkConfig, seed: u64) {
    let mut r = common::rng(seed);
    let batch = r.random_range(1..=3);
    let steps = r.random_range(2..=5);
    check_sized(config, seed, batch, steps);
}

/// [`check`] for a given batch and sequence length.
fn check_sized(config: NetworkConfig, seed: u64, batch: usize, steps: usize) {
    let mut r = common::rng(seed);
    let net = common::network(config, seed);
    let xs = common::inputs(config.input_size, batch, steps, &mut r);
    let t = common::targets(&config, batch, steps, &mut r);
    let mask_seed = seed ^ 0xABCD;
    let eval = net.evaluate(&xs, &t, Some(&mut common::rng(mask_seed)), None);
    assert!((eval.loss - loss_at(&net, &xs, &t, mask_seed)).abs() < 1e-12);

    let eps = 1e-5;
    let names: Vec<String> = net.named_tensors().into_iter().map(|(n, _)| n).collect();
    let analytic: Vec<Mat<f64>> = eval
        .grads
        .named_tensors()
        .into_iter()
        .map(|(_, m)| m.clone())
        .collect();
    let mut probe = net.clone();
    for (k, name) in names.iter().enumerate() {
        let len = analytic[k].len();
        let mut numeric = Mat::zeros(analytic[k].nrows(), analytic[k].ncols());
        for i in 0..len {
            let orig = probe.tensors_mut()[k][i];
            probe.tensors_mut()[k][i] = orig + eps;
            let up = loss_at(&probe, &xs, &t, mask_seed);
            probe.tensors_mut()[k][i] = orig - eps;
            let down = loss_at(&probe, &xs, &t, mask_seed);
            probe.tensors_mut()[k][i] = orig;
            numeric[i] = (up - down) / (2.0 * eps);
        }
        let diff = (&analytic[k] - &numeric).norm();
        let scale = analytic[k].norm() + numeric.norm();
        let rel = if scale == 0.0 { 0.0 } else { diff / scale };
        assert!(
            rel <= 1e-6,
            "{config:?}\n{name}: relative error {rel:e} (abs {diff:e})\nanalytic {}\nnumeric {}",
            analytic[k],
            numeric
        );
    }
}

fn config(
    cell: CellKind,
    layers: usize,
    bidirectional: bool,
    head: Head,
    loss: Loss,
    dropout: f64,
) -> NetworkConfig {
    NetworkConfig {
        cell,
        input_size: 2,
        hidden_size: 3,
        layers,
        bidirectional,
        dropout,
        output_size: if loss == Loss::CrossEntropy { 3 } else { 2 },
        head,
        loss,
    }
}

#[test]
fn every_cell_layer_direction_head_and_loss() {
    let mut seed = 1;
    for cell in CellKind::ALL {
        for layers in [1, 2] {
            for bidirectional in [false, true] {
                for head in [Head::ManyToMany, Head::ManyToOne] {
                    for loss in [Loss::Mse, Loss::CrossEntropy] {
                        seed += 1;
                        check(config(cell, layers, bidirectional, head, loss, 0.0), seed);
                    }
                }
            }
        }
    }
}

#[test]
fn with_dropout_between_layers() {
    for (k, cell) in CellKind::ALL.into_iter().enumerate() {
        check(
            config(cell, 3, true, Head::ManyToMany, Loss::Mse, 0.3),
            100 + k as u64,
        );
    }
}

#[test]
fn larger_random_sizes() {
    for (k, cell) in CellKind::ALL.into_iter().enumerate() {
        let mut c = config(cell, 2, k % 2 == 0, Head::ManyToOne, Loss::Mse, 0.0);
        c.input_size = 4;
        c.hidden_size = 5;
        check(c, 200 + k as u64);
    }
}

/// Passes run in chunks of time steps (fewer steps per chunk for larger batches): with a
/// batch of 100 a chunk is 5 steps, so 12 steps make chunks of 5, 5 and 2 in each direction,
/// and the weight gradients and the gradient to the layer below are summed chunk by chunk.
/// (Not the ReLU RNN: among 1,200 pre-activations some sit within a finite-difference step
/// of ReLU's kink, where the central difference is not the derivative.)
#[test]
fn across_several_chunks_of_time_steps() {
    assert_eq!(rnn_lab::nn::network::chunk_steps(100), 5);
    let smooth = CellKind::ALL
        .into_iter()
        .filter(|c| *c != CellKind::Rnn(rnn_lab::nn::Activation::Relu));
    for (k, cell) in smooth.enumerate() {
        let mut c = config(cell, 2, true, Head::ManyToMany, Loss::Mse, 0.3);
        c.input_size = 5;
        check_sized(c, 300 + k as u64, 100, 12);
    }
}

/// dL/dh0 and dL/dc0 (from non-zero initial states) and dL/dx for every step of the first
/// layer's input, against central differences, for every cell, one and two layers, both
/// directions; and the parameters' gradients from those initial states too.
#[test]
fn initial_states_and_inputs() {
    use rnn_lab::nn::network::{Evaluation, States};
    for (k, cell) in CellKind::ALL.into_iter().enumerate() {
        for (layers, bidirectional) in [(1, false), (2, true)] {
            let seed = 400 + 10 * k as u64 + layers as u64;
            let config = config(
                cell,
                layers,
                bidirectional,
                Head::ManyToMany,
                Loss::Mse,
                0.0,
            );
            let mut r = common::rng(seed);
            let (batch, steps) = (2, 4);
            let net = common::network(config, seed);
            let xs = common::inputs(config.input_size, batch, steps, &mut r);
            let t = common::targets(&config, batch, steps, &mut r);
            let mut initial = States::zeros(&config, batch);
            for m in initial.h.iter_mut().chain(initial.c.iter_mut().flatten()) {
                m.iter_mut().for_each(|v| *v = r.random_range(-0.8..0.8));
            }
            let loss = |xs: &[Mat<f64>], s: &States<f64>| {
                let trace = net.forward_from::<rand_pcg::Pcg64Mcg>(xs, Some(s), None);
                loss_and_grad(config.loss, &trace.outputs, &t).0
            };
            let mut e = Evaluation::new(config);
            e.start_from(Some(initial.clone()));
            e.want_input_gradients(true);
            net.evaluate_into::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None, &mut e);
            assert!((e.loss - loss(&xs, &initial)).abs() < 1e-12);
            let eps = 1e-5;
            let close = |what: String, analytic: &Mat<f64>, numeric: &Mat<f64>| {
                let scale = analytic.norm() + numeric.norm();
                let rel = (analytic - numeric).norm() / scale;
                assert!(
                    scale > 0.0 && rel <= 1e-6,
                    "{config:?} {what}: {rel:e}\n{analytic}\n{numeric}"
                );
            };
            // dL/dx, step by step.
            let d_xs = e.d_inputs().expect("asked for");
            assert_eq!(d_xs.len(), steps);
            for (s, analytic) in d_xs.iter().enumerate() {
                let mut numeric = Mat::zeros(analytic.nrows(), analytic.ncols());
                for i in 0..analytic.len() {
                    let mut probe = xs.clone();
                    probe[s][i] += eps;
                    let up = loss(&probe, &initial);
                    probe[s][i] -= 2.0 * eps;
                    numeric[i] = (up - loss(&probe, &initial)) / (2.0 * eps);
                }
                close(format!("dL/dx_{s}"), analytic, &numeric);
            }
            // dL/dh0 and dL/dc0, per layer and direction.
            let probe_states = |which: usize, idx: usize, i: usize, by: f64| {
                let mut s = initial.clone();
                let m = if which == 0 {
                    &mut s.h[idx]
                } else {
                    &mut s.c.as_mut().unwrap()[idx]
                };
                m[i] += by;
                s
            };
            let parts = if initial.c.is_some() { 2 } else { 1 };
            for which in 0..parts {
                for idx in 0..initial.h.len() {
                    let analytic = if which == 0 {
                        &e.d_initial.h[idx]
                    } else {
                        &e.d_initial.c.as_ref().expect("LSTM")[idx]
                    };
                    let mut numeric = Mat::zeros(analytic.nrows(), analytic.ncols());
                    for i in 0..analytic.len() {
                        let up = loss(&xs, &probe_states(which, idx, i, eps));
                        let down = loss(&xs, &probe_states(which, idx, i, -eps));
                        numeric[i] = (up - down) / (2.0 * eps);
                    }
                    let name = if which == 0 { "h0" } else { "c0" };
                    close(format!("dL/d{name}[{idx}]"), analytic, &numeric);
                }
            }
            // The parameters' gradients from those initial states (W_hh meets h0 at step 1).
            let mut probe = net.clone();
            for (n, (name, analytic)) in e.grads.named_tensors().into_iter().enumerate() {
                let mut numeric = Mat::zeros(analytic.nrows(), analytic.ncols());
                for i in 0..analytic.len() {
                    let orig = probe.tensors_mut()[n][i];
                    let mut at = |v: f64| {
                        probe.tensors_mut()[n][i] = v;
                        let trace =
                            probe.forward_from::<rand_pcg::Pcg64Mcg>(&xs, Some(&initial), None);
                        loss_and_grad(config.loss, &trace.outputs, &t).0
                    };
                    numeric[i] = (at(orig + eps) - at(orig - eps)) / (2.0 * eps);
                    probe.tensors_mut()[n][i] = orig;
                }
                close(format!("d{name} from h0"), analytic, &numeric);
            }
        }
    }
}
