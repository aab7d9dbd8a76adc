//! Agreement with PyTorch (float64, CPU): outputs, loss, final states, every gradient, and a
//! few steps of each optimiser with clipping. The fixtures are written by
//! tests/reference/make_reference.py (`scripts/reference.sh`) and committed.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use rnn_lab::nn::loss::Targets;
use rnn_lab::nn::optim::{clip, Clip, Optimizer, OptimizerKind};
use rnn_lab::nn::weights::from_json;
use rnn_lab::nn::{Mat, Network};
use serde_json::Value;

const TOL: f64 = 1e-9;

fn fixture(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/reference/fixtures")
        .join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn f(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

fn arr(v: &Value) -> &Vec<Value> {
    v.as_array().expect("array")
}

/// (T, B, I) nested lists -> one I x B matrix per step.
fn inputs(v: &Value) -> Vec<Mat<f64>> {
    arr(v)
        .iter()
        .map(|step| {
            let rows = arr(step);
            let width = arr(&rows[0]).len();
            Mat::from_fn(width, rows.len(), |i, b| f(&rows[b][i]))
        })
        .collect()
}

fn targets(net: &Network<f64>, v: &Value) -> Targets<f64> {
    match net.config.loss {
        rnn_lab::nn::loss::Loss::Mse => Targets::Values(inputs(v)),
        rnn_lab::nn::loss::Loss::CrossEntropy => Targets::Classes(
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

fn load(fx: &Value) -> Network<f64> {
    from_json(&fx["weights"].to_string(), None).expect("fixture weights load")
}

/// Compares a tensor with a PyTorch value of shape (rows, cols) or (rows,).
fn assert_tensor(what: &str, ours: &Mat<f64>, theirs: &Value) {
    let rows = arr(theirs);
    assert_eq!(rows.len(), ours.nrows(), "{what}: rows");
    for (i, row) in rows.iter().enumerate() {
        let cols: Vec<f64> = match row.as_array() {
            Some(r) => r.iter().map(f).collect(),
            None => vec![f(row)],
        };
        assert_eq!(cols.len(), ours.ncols(), "{what}: cols");
        for (j, want) in cols.into_iter().enumerate() {
            let got = ours[(i, j)];
            assert!(
                (got - want).abs() <= TOL,
                "{what}[{i}][{j}]: ours {got}, PyTorch {want}"
            );
        }
    }
}

fn check_forward_backward(name: &str) {
    let fx = fixture(name);
    let net = load(&fx);
    let xs = inputs(&fx["inputs"]);
    let t = targets(&net, &fx["targets"]);
    let eval = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None);

    assert!(
        (eval.loss - f(&fx["loss"])).abs() <= TOL,
        "{name}: loss {} vs {}",
        eval.loss,
        fx["loss"]
    );
    // Outputs: (S, B, O) in PyTorch, O x B per scored step here.
    for (s, y) in arr(&fx["outputs"]).iter().enumerate() {
        let want = Mat::from_fn(eval.trace.outputs[s].nrows(), arr(y).len(), |o, b| {
            f(&y[b][o])
        });
        assert!(
            (&eval.trace.outputs[s] - want).amax() <= TOL,
            "{name}: output at scored step {s}"
        );
    }
    // Final states h_n (and c_n): (layers*dirs, B, H).
    let steps = xs.len();
    let dirs = net.config.directions();
    for (k, h) in arr(&fx["h_n"]).iter().enumerate() {
        let (layer, dir) = (k / dirs, k % dirs);
        let last = if dir == 0 { steps - 1 } else { 0 };
        let step = &eval.trace.layers[layer].steps[dir][last];
        let want = Mat::from_fn(net.config.hidden_size, arr(h).len(), |u, b| f(&h[b][u]));
        assert!((&step.hidden - want).amax() <= TOL, "{name}: h_n[{k}]");
        if let Some(c_n) = fx["c_n"].as_array() {
            let c = &c_n[k];
            let want = Mat::from_fn(net.config.hidden_size, arr(c).len(), |u, b| f(&c[b][u]));
            assert!(
                (step.cell.as_ref().unwrap() - want).amax() <= TOL,
                "{name}: c_n[{k}]"
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
        assert_tensor(&format!("{name}: d{tensor}"), m, &grads[&tensor]);
    }
}

#[test]
fn vanilla_rnn_tanh_many_to_many_mse() {
    check_forward_backward("rnn_tanh_m2m_mse");
}

#[test]
fn vanilla_rnn_relu_bidirectional_two_layers_many_to_one_cross_entropy() {
    check_forward_backward("rnn_relu_bi2_m2o_ce");
}

#[test]
fn lstm_bidirectional_two_layers_many_to_many_mse() {
    check_forward_backward("lstm_bi2_m2m_mse");
}

#[test]
fn lstm_many_to_one_cross_entropy() {
    check_forward_backward("lstm_m2o_ce");
}

#[test]
fn lstm_forty_steps() {
    check_forward_backward("lstm_long_m2o_mse");
}

#[test]
fn gru_two_layers_many_to_many_cross_entropy() {
    check_forward_backward("gru_2_m2m_ce");
}

#[test]
fn gru_bidirectional_many_to_one_mse() {
    check_forward_backward("gru_bi_m2o_mse");
}

fn check_training(name: &str) {
    let fx = fixture(name);
    let mut net = load(&fx);
    let xs = inputs(&fx["inputs"]);
    let t = targets(&net, &fx["targets"]);
    let kind: OptimizerKind = serde_json::from_value(fx["optimizer"].clone()).expect("optimizer");
    let how: Clip = serde_json::from_value(fx["clip"].clone()).expect("clip");
    let mut opt = Optimizer::new(kind, f(&fx["lr"]));
    let norms = arr(&fx["grad_norms_before_clip"]);
    for (step, want_loss) in arr(&fx["losses"]).iter().enumerate() {
        let mut eval = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None);
        assert!(
            (eval.loss - f(want_loss)).abs() <= TOL,
            "{name}: loss at step {step}"
        );
        let report = clip(eval.grads.tensors_mut(), how);
        if let Some(n) = norms.get(step) {
            assert!(
                (report.norm_before - f(n)).abs() <= TOL,
                "{name}: gradient norm at step {step}"
            );
            assert!(
                report.clipped,
                "{name}: clipping should fire at this threshold"
            );
        }
        opt.step(net.tensors_mut(), eval.grads.tensors());
    }
    let want = &fx["final_state_dict"];
    for (tensor, m) in net.named_tensors() {
        assert_tensor(
            &format!("{name}: {tensor} after training"),
            m,
            &want[&tensor],
        );
    }
}

#[test]
fn sgd_steps() {
    check_training("train_sgd");
}

#[test]
fn sgd_momentum_steps() {
    check_training("train_momentum");
}

#[test]
fn sgd_nesterov_steps() {
    check_training("train_nesterov");
}

#[test]
fn rmsprop_steps() {
    check_training("train_rmsprop");
}

#[test]
fn adam_steps() {
    check_training("train_adam");
}

#[test]
fn adam_with_clip_grad_norm() {
    check_training("train_adam_clip_norm");
}

#[test]
fn sgd_with_clip_grad_value() {
    check_training("train_sgd_clip_value");
}
