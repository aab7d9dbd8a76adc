//! Agreement with PyTorch (float64, CPU): outputs, loss, final states, every gradient, and a
//! few steps of each optimiser with clipping, to 1e-9 absolute in f64; and the f32 hot path
//! (fast tanh/sigmoid) to 1e-4 relative. The fixtures are written by
//! tests/reference/make_reference.py (`scripts/reference.sh`) and committed.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::reference::{check_forward_backward, check_stateful, check_training, parse, Tolerance};
use std::path::Path;

const F64: Tolerance = Tolerance::Absolute(1e-9);
const F32: Tolerance = Tolerance::Relative(1e-4);

fn fixture(name: &str) -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/fixtures")
        .join(format!("{name}.json"));
    parse(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

fn forward_backward(name: &str) {
    let fx = fixture(name);
    check_forward_backward::<f64>(name, &fx, F64);
    check_forward_backward::<f32>(name, &fx, F32);
}

/// From non-zero initial states h0 (and c0), with dL/dx, dL/dh0 and dL/dc0, for every cell,
/// one and two layers, both directions.
#[test]
fn from_initial_states_every_cell_layer_and_direction() {
    for name in [
        "rnn_tanh_bi2_h0_m2m_mse",
        "rnn_relu_h0_m2o_mse",
        "lstm_bi2_h0_m2m_mse",
        "lstm_h0_m2o_ce",
        "gru_bi2_h0_m2m_mse",
        "gru_h0_m2o_ce",
    ] {
        forward_backward(name);
    }
}

/// Stateful training (truncated BPTT across batches): segment by segment as PyTorch with
/// `detach()` between them.
#[test]
fn stateful_segments_carry_their_state() {
    for name in ["stateful_lstm2", "stateful_gru_bi", "stateful_rnn"] {
        check_stateful(name, &fixture(name), F64);
    }
}

#[test]
fn vanilla_rnn_tanh_many_to_many_mse() {
    forward_backward("rnn_tanh_m2m_mse");
}

#[test]
fn vanilla_rnn_relu_bidirectional_two_layers_many_to_one_cross_entropy() {
    forward_backward("rnn_relu_bi2_m2o_ce");
}

#[test]
fn lstm_bidirectional_two_layers_many_to_many_mse() {
    forward_backward("lstm_bi2_m2m_mse");
}

#[test]
fn lstm_many_to_one_cross_entropy() {
    forward_backward("lstm_m2o_ce");
}

#[test]
fn lstm_forty_steps() {
    forward_backward("lstm_long_m2o_mse");
}

#[test]
fn gru_two_layers_many_to_many_cross_entropy() {
    forward_backward("gru_2_m2m_ce");
}

#[test]
fn gru_bidirectional_many_to_one_mse() {
    forward_backward("gru_bi_m2o_mse");
}

fn training(name: &str) {
    check_training(name, &fixture(name), F64);
}

#[test]
fn sgd_steps() {
    training("train_sgd");
}

#[test]
fn sgd_momentum_steps() {
    training("train_momentum");
}

#[test]
fn sgd_nesterov_steps() {
    training("train_nesterov");
}

#[test]
fn rmsprop_steps() {
    training("train_rmsprop");
}

#[test]
fn adam_steps() {
    training("train_adam");
}

#[test]
fn adam_with_clip_grad_norm() {
    training("train_adam_clip_norm");
}

#[test]
fn sgd_with_clip_grad_value() {
    training("train_sgd_clip_value");
}
