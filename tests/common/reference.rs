//! Comparison with the PyTorch fixtures (tests/reference/fixtures), shared by the native tests
//! (which read the files) and the wasm tests (which embed one with `include_str!`).
#![allow(dead_code)]

use rnn_lab::nn::loss::{Loss, Targets};
use rnn_lab::nn::network::{Evaluation, States};
use rnn_lab::nn::optim::{clip, Clip, Optimizer, OptimizerKind};
use rnn_lab::nn::weights::from_json;
use rnn_lab::nn::{Mat, Network, Real};
use serde_json::Value;

/// How close our numbers must be: absolute, or relative to the tensor's largest magnitude.
#[derive(Clone, Copy, Debug)]
pub enum Tolerance {
    Absolute(f64),
    Relative(f64),
}

impl Tolerance {
    fn check(self, what: &str, got: &[f64], want: &[f64]) {
        assert_eq!(got.len(), want.len(), "{what}: size");
        let scale = want.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-12);
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            let ok = match self {
                Tolerance::Absolute(t) => (g - w).abs() <= t,
                Tolerance::Relative(t) => (g - w).abs() <= t * scale,
            };
            assert!(ok, "{what}[{k}]: ours {g}, PyTorch {w} ({self:?})");
        }
    }
}

pub fn parse(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// Every number of a nested list, in row-major order.
fn flat(v: &Value) -> Vec<f64> {
    match v.as_array() {
        Some(a) => a.iter().flat_map(flat).collect(),
        None => vec![f(v)],
    }
}

/// A matrix's entries in row-major order (the order of PyTorch's nested lists).
fn row_major<T: Real>(m: &Mat<T>) -> Vec<f64> {
    m.transpose().iter().map(|v| v.to_f64()).collect()
}

/// (T, B, I) nested lists -> one I x B matrix per step.
pub fn inputs<T: Real>(v: &Value) -> Vec<Mat<T>> {
    arr(v)
        .iter()
        .map(|step| {
            let rows = arr(step);
            let width = arr(&rows[0]).len();
            Mat::from_fn(width, rows.len(), |i, b| T::of(f(&rows[b][i])))
        })
        .collect()
}

pub fn targets<T: Real>(net: &Network<T>, v: &Value) -> Targets<T> {
    match net.config.loss {
        Loss::Mse => Targets::Values(inputs(v)),
        Loss::CrossEntropy => Targets::Classes(
            arr(v)
                .iter()
                .map(|s| {
                    arr(s)
                        .iter()
                        .map(|c| c.as_u64().unwrap() as usize)
                        .collect()
                })
                .collect(),
        ),
    }
}

/// (layers*dirs, B, H) nested lists -> one H x B matrix per layer and direction (the same
/// shape as [`inputs`]'s); None for null.
fn per_layer<T: Real>(v: &Value) -> Option<Vec<Mat<T>>> {
    v.as_array().map(|_| inputs(v))
}

/// The fixture's initial states (h0, c0), when it starts from any.
fn initial<T: Real>(fx: &Value) -> Option<States<T>> {
    Some(States {
        h: per_layer(&fx["h0"])?,
        c: per_layer(&fx["c0"]),
    })
}

/// `got` (one H x B or I x B matrix each) against PyTorch's (k, B, H) nested lists.
fn check_each<T: Real>(tol: Tolerance, what: &str, got: &[Mat<T>], want: &Value) {
    let want = arr(want);
    assert_eq!(got.len(), want.len(), "{what}: count");
    for (k, (m, w)) in got.iter().zip(want).enumerate() {
        tol.check(
            &format!("{what}[{k}]"),
            &row_major(&m.transpose()),
            &flat(w),
        );
    }
}

pub fn load<T: Real>(fx: &Value) -> Network<T> {
    from_json(&fx["weights"].to_string(), None).expect("fixture weights load")
}

/// Outputs, loss, final states and every gradient against PyTorch's, from the fixture's
/// initial states (or zero ones): the parameters', the inputs' (x.grad) and the initial
/// states' (h0.grad, c0.grad).
pub fn check_forward_backward<T: Real>(name: &str, fx: &Value, tol: Tolerance) {
    let net: Network<T> = load(fx);
    let xs = inputs::<T>(&fx["inputs"]);
    let t = targets(&net, &fx["targets"]);
    let mut eval = Evaluation::new(net.config);
    eval.start_from(initial(fx));
    eval.want_input_gradients(true);
    net.evaluate_into::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None, &mut eval);
    check_each(
        tol,
        &format!("{name}: dx"),
        &eval.d_inputs().expect("asked for"),
        &fx["dx"],
    );
    check_each(tol, &format!("{name}: dh0"), &eval.d_initial.h, &fx["dh0"]);
    match (&eval.d_initial.c, fx["dc0"].is_null()) {
        (Some(dc0), false) => check_each(tol, &format!("{name}: dc0"), dc0, &fx["dc0"]),
        (None, true) => {}
        _ => panic!("{name}: dL/dc0 for LSTMs alone"),
    }
    tol.check(&format!("{name}: loss"), &[eval.loss], &[f(&fx["loss"])]);
    // Outputs: (S, B, O) in PyTorch, O x B per scored step here; and the head applied to
    // the trace alone gives them again.
    check_each(
        tol,
        &format!("{name}: outputs"),
        &eval.trace.outputs,
        &fx["outputs"],
    );
    check_each(
        tol,
        &format!("{name}: head of the trace"),
        &net.head_of(&eval.trace),
        &fx["outputs"],
    );
    // Final states h_n (and c_n): (layers*dirs, B, H).
    let steps = xs.len();
    let dirs = net.config.directions();
    for (k, h) in arr(&fx["h_n"]).iter().enumerate() {
        let (layer, dir) = (k / dirs, k % dirs);
        let last = if dir == 0 { steps - 1 } else { 0 };
        let step = &eval.trace.layers[layer].steps[dir][last];
        tol.check(
            &format!("{name}: h_n[{k}]"),
            &row_major(&step.hidden.transpose()),
            &flat(h),
        );
        if let Some(c_n) = fx["c_n"].as_array() {
            let c = step.cell.as_ref().expect("LSTM cell state");
            tol.check(
                &format!("{name}: c_n[{k}]"),
                &row_major(&c.transpose()),
                &flat(&c_n[k]),
            );
        }
    }
    // Every gradient, by PyTorch name.
    let grads = &fx["grads"];
    let ours = eval.grads.named_tensors();
    assert_eq!(
        ours.len(),
        grads.as_object().unwrap().len(),
        "{name}: gradient count"
    );
    for (tensor, m) in ours {
        tol.check(
            &format!("{name}: d{tensor}"),
            &row_major(m),
            &flat(&grads[&tensor]),
        );
    }
}

/// A few optimiser steps (with clipping) against PyTorch's weights after the same steps.
pub fn check_training(name: &str, fx: &Value, tol: Tolerance) {
    let mut net: Network<f64> = load(fx);
    let xs = inputs::<f64>(&fx["inputs"]);
    let t = targets(&net, &fx["targets"]);
    let kind: OptimizerKind = serde_json::from_value(fx["optimizer"].clone()).expect("optimizer");
    let how: Clip = serde_json::from_value(fx["clip"].clone()).expect("clip");
    let mut opt = Optimizer::new(kind, f(&fx["lr"]));
    let norms = arr(&fx["grad_norms_before_clip"]);
    for (step, want_loss) in arr(&fx["losses"]).iter().enumerate() {
        let mut eval = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None);
        tol.check(
            &format!("{name}: loss at step {step}"),
            &[eval.loss],
            &[f(want_loss)],
        );
        let report = clip(eval.grads.tensors_mut(), how);
        if let Some(n) = norms.get(step) {
            tol.check(
                &format!("{name}: gradient norm at step {step}"),
                &[report.norm_before],
                &[f(n)],
            );
            assert!(
                report.clipped,
                "{name}: clipping should fire at this threshold"
            );
        }
        opt.step(net.tensors_mut(), eval.grads.tensors());
    }
    check_final_weights(name, &net, fx, tol);
}

/// Stateful training: consecutive segments of one series, each from the previous segment's
/// final state with the gradient stopped there, an Adam step per segment, against PyTorch's
/// losses, final states and final weights.
pub fn check_stateful(name: &str, fx: &Value, tol: Tolerance) {
    let mut net: Network<f64> = load(fx);
    let kind: OptimizerKind = serde_json::from_value(fx["optimizer"].clone()).expect("optimizer");
    let mut opt = Optimizer::new(kind, f(&fx["lr"]));
    let mut eval = Evaluation::new(net.config);
    let segments = arr(&fx["segments"]);
    assert_eq!(segments.len(), arr(&fx["losses"]).len());
    for (k, (segment, want)) in segments.iter().zip(arr(&fx["losses"])).enumerate() {
        let xs = inputs::<f64>(&segment["inputs"]);
        let t = targets(&net, &segment["targets"]);
        net.evaluate_into::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None, &mut eval);
        tol.check(
            &format!("{name}: loss of segment {k}"),
            &[eval.loss],
            &[f(want)],
        );
        opt.step(net.tensors_mut(), eval.grads.tensors());
        // The next segment starts where this one ended (a copy: no gradient flows back).
        let carried = eval.trace.final_states();
        eval.start_from(Some(carried));
    }
    let ended = eval.trace.initial.clone().expect("carried");
    check_each(tol, &format!("{name}: h_n"), &ended.h, &fx["h_n"]);
    if let Some(c) = &ended.c {
        check_each(tol, &format!("{name}: c_n"), c, &fx["c_n"]);
    }
    check_final_weights(name, &net, fx, tol);
}

/// The weights after training against PyTorch's final state_dict.
fn check_final_weights(name: &str, net: &Network<f64>, fx: &Value, tol: Tolerance) {
    let want = &fx["final_state_dict"];
    for (tensor, m) in net.named_tensors() {
        tol.check(
            &format!("{name}: {tensor} after training"),
            &row_major(m),
            &flat(&want[&tensor]),
        );
    }
}
