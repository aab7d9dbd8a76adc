//! Behaviour of the recurrent core beyond single gradients: weights round trips and their
//! error messages, truncated BPTT, reproducibility, learning, and gradient flow through time.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use rnn_lab::nn::init::{initialise, Init, Scheme};
use rnn_lab::nn::loss::{Loss, Targets};
use rnn_lab::nn::optim::{clip, Clip, Optimizer, OptimizerKind};
use rnn_lab::nn::weights::{from_json, to_json, WeightsError};
use rnn_lab::nn::{Activation, CellKind, Head, LstmVariant, Mat, Network, NetworkConfig};

fn cfg(
    cell: CellKind,
    hidden: usize,
    layers: usize,
    bidirectional: bool,
    head: Head,
) -> NetworkConfig {
    NetworkConfig {
        cell,
        input_size: 1,
        hidden_size: hidden,
        layers,
        bidirectional,
        dropout: 0.0,
        output_size: 1,
        head,
        loss: Loss::Mse,
    }
}

#[test]
fn gradient_norms_by_parameter_group_add_up_to_the_global_norm() {
    let c = cfg(
        CellKind::Lstm(LstmVariant::Standard),
        4,
        2,
        true,
        Head::ManyToMany,
    );
    let net = common::network(c, 8);
    let mut r = common::rng(9);
    let xs = common::inputs(1, 3, 7, &mut r);
    let t = common::targets(&c, 3, 7, &mut r);
    let e = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None);
    let norms = e.grads.tensor_norms();
    assert_eq!(norms.len(), 4 * 4 + 2);
    assert_eq!(norms[0].0, "weight_ih_l0");
    assert!(norms.iter().all(|(_, n)| n.is_finite() && *n > 0.0));
    let total: f64 = norms.iter().map(|(_, n)| n * n).sum::<f64>().sqrt();
    let global = rnn_lab::nn::optim::global_norm(&e.grads.tensors());
    assert!((total - global).abs() < 1e-12 * global);
}

#[test]
fn weights_round_trip_for_every_cell() {
    for cell in [
        CellKind::Rnn(Activation::Relu),
        CellKind::Lstm(LstmVariant::Standard),
        CellKind::Lstm(LstmVariant::Peephole),
        CellKind::Lstm(LstmVariant::Coupled),
        CellKind::Gru,
    ] {
        let net = common::network(cfg(cell, 3, 2, true, Head::ManyToMany), 9);
        let json = to_json(&net);
        let back: Network<f64> = from_json(&json, Some(&net.config)).expect("round trip");
        assert_eq!(back, net, "{cell:?}");
    }
}

#[test]
fn weights_json_uses_pytorch_names_and_shapes() {
    let net = common::network(
        cfg(
            CellKind::Lstm(LstmVariant::Standard),
            3,
            2,
            true,
            Head::ManyToOne,
        ),
        1,
    );
    let doc: serde_json::Value = serde_json::from_str(&to_json(&net)).unwrap();
    let sd = &doc["state_dict"];
    let shape = |k: &str| {
        let v = sd[k].as_array().unwrap_or_else(|| panic!("{k} missing"));
        (v.len(), v[0].as_array().map_or(0, |r| r.len()))
    };
    assert_eq!(shape("weight_ih_l0"), (12, 1));
    assert_eq!(shape("weight_hh_l0_reverse"), (12, 3));
    assert_eq!(shape("weight_ih_l1"), (12, 6));
    assert_eq!(shape("bias_hh_l1_reverse"), (12, 0));
    assert_eq!(shape("head.weight"), (1, 6));
    assert_eq!(sd.as_object().unwrap().len(), 4 * 4 + 2);
}

#[test]
fn malformed_weights_get_messages_naming_the_key_and_shape() {
    let net = common::network(cfg(CellKind::Gru, 2, 1, false, Head::ManyToOne), 3);
    let good: serde_json::Value = serde_json::from_str(&to_json(&net)).unwrap();
    let load = |doc: &serde_json::Value| from_json::<f64>(&doc.to_string(), None).unwrap_err();

    let mut missing = good.clone();
    missing["state_dict"]
        .as_object_mut()
        .unwrap()
        .remove("weight_hh_l0");
    let e = load(&missing);
    assert_eq!(
        e,
        WeightsError::Missing {
            name: "weight_hh_l0".into(),
            expected: vec![6, 2]
        }
    );
    assert_eq!(
        e.to_string(),
        "tensor \"weight_hh_l0\" is missing (expected shape [6, 2])"
    );

    let mut shape = good.clone();
    shape["state_dict"]["weight_ih_l0"] = serde_json::json!([[1.0, 2.0], [3.0, 4.0]]);
    assert_eq!(
        load(&shape).to_string(),
        "tensor \"weight_ih_l0\" has shape [2, 2], expected [6, 1]"
    );

    let mut text = good.clone();
    text["state_dict"]["head.bias"] = serde_json::json!(["NaN"]);
    assert!(
        matches!(load(&text), WeightsError::NotNumeric { ref name, .. } if name == "head.bias")
    );

    let mut extra = good.clone();
    extra["state_dict"]["weight_ih_l1"] = serde_json::json!([[0.0]]);
    assert_eq!(
        load(&extra),
        WeightsError::Unexpected("weight_ih_l1".into())
    );

    let mut format = good.clone();
    format["format"] = serde_json::json!("keras-h5");
    assert!(load(&format)
        .to_string()
        .contains("expected \"rnn-lab-weights/1\""));

    assert!(matches!(
        from_json::<f64>("{not json", None),
        Err(WeightsError::NotJson(_))
    ));

    let other = cfg(CellKind::Gru, 5, 1, false, Head::ManyToOne);
    let e = from_json::<f64>(&good.to_string(), Some(&other)).unwrap_err();
    assert!(
        e.to_string().contains("hidden 2") && e.to_string().contains("hidden 5"),
        "{e}"
    );
}

fn sequence(steps: usize, batch: usize, seed: u64) -> Vec<Mat<f64>> {
    common::inputs(1, batch, steps, &mut common::rng(seed))
}

#[test]
fn truncated_bptt_cuts_the_recurrent_gradient_every_k_steps() {
    let net = common::network(
        cfg(
            CellKind::Lstm(LstmVariant::Standard),
            4,
            1,
            false,
            Head::ManyToOne,
        ),
        5,
    );
    let xs = sequence(20, 3, 6);
    let t = Targets::Values(vec![Mat::from_element(1, 3, 0.5)]);
    let full = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None);
    let same = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, Some(20));
    assert_eq!(full.grads, same.grads, "k >= steps is full BPTT");
    let cut = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, Some(5));
    let dh = &cut.flow.dh_norm[0][0];
    assert!(
        dh[15] > 0.0 && dh[19] > 0.0,
        "the last chunk (steps 15-19) gets gradient"
    );
    assert!(
        dh[..15].iter().all(|&v| v == 0.0),
        "nothing crosses the chunk boundary: {dh:?}"
    );
    assert!(full.flow.dh_norm[0][0][..15].iter().all(|&v| v > 0.0));
    assert_ne!(cut.grads.cells[0].w_hh, full.grads.cells[0].w_hh);
}

/// A few Adam steps with dropout from a seeded generator.
fn train_steps(seed: u64) -> Network<f64> {
    let mut c = cfg(CellKind::Gru, 4, 2, true, Head::ManyToMany);
    c.dropout = 0.25;
    let mut net = common::network(c, seed);
    let xs = sequence(6, 4, 1);
    let mut r = common::rng(2);
    let t = common::targets(&c, 4, 6, &mut r);
    let mut opt = Optimizer::new(OptimizerKind::ADAM, 0.01);
    let mut drop = common::rng(seed + 1);
    for _ in 0..5 {
        let mut e = net.evaluate(&xs, &t, Some(&mut drop), None);
        clip(e.grads.tensors_mut(), Clip::Norm(1.0));
        opt.step(net.tensors_mut(), e.grads.tensors());
    }
    net
}

#[test]
fn same_seed_gives_bit_identical_runs() {
    let a = train_steps(11);
    let b = train_steps(11);
    let c = train_steps(12);
    let bits = |n: &Network<f64>| {
        n.tensors()
            .iter()
            .flat_map(|m| m.iter().map(|v| v.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&a), bits(&b));
    assert_ne!(bits(&a), bits(&c));
}

/// The notes' Keras case, shortened: windows of 10 values of sin(t) -> the next value.
/// 2000 points over t in [0, 100]; the last 400 windows are held out for validation.
#[test]
fn lstm_learns_next_value_sine_prediction() {
    let points: Vec<f64> = (0..2000)
        .map(|i| (i as f64 * 100.0 / 1999.0).sin())
        .collect();
    let window = 10;
    let windows: Vec<(Vec<f64>, f64)> = (0..points.len() - window)
        .map(|s| (points[s..s + window].to_vec(), points[s + window]))
        .collect();
    let (train, val) = windows.split_at(windows.len() - 400);
    let batch = |ws: &[(Vec<f64>, f64)]| {
        let xs: Vec<Mat<f64>> = (0..window)
            .map(|t| Mat::from_fn(1, ws.len(), |_, b| ws[b].0[t]))
            .collect();
        let ys = Targets::Values(vec![Mat::from_fn(1, ws.len(), |_, b| ws[b].1)]);
        (xs, ys)
    };
    let config = cfg(
        CellKind::Lstm(LstmVariant::Standard),
        16,
        1,
        false,
        Head::ManyToOne,
    );
    let mut net = common::network(config, 42);
    let mut opt = Optimizer::new(OptimizerKind::ADAM, 0.01);
    let (vx, vy) = batch(val);
    let before = net.loss(&vx, &vy);
    let mut order: Vec<usize> = (0..train.len()).collect();
    let mut r = common::rng(3);
    for _epoch in 0..6 {
        use rand::seq::SliceRandom;
        order.shuffle(&mut r);
        for chunk in order.chunks(32) {
            let ws: Vec<_> = chunk.iter().map(|&i| train[i].clone()).collect();
            let (xs, ys) = batch(&ws);
            let e = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &ys, None, None);
            opt.step(net.tensors_mut(), e.grads.tensors());
        }
    }
    let after = net.loss(&vx, &vy);
    assert!(
        after < 1e-3,
        "validation MSE {after:e} (was {before:e} before training)"
    );
}

/// Gradient flow through time on a long-lag task (the loss reads only the last step of 50):
/// the vanilla RNN's ||dL/dh_t|| vanishes toward early steps; the LSTM with forget bias +1
/// keeps orders of magnitude more of it.
#[test]
fn vanilla_rnn_gradient_vanishes_over_fifty_steps_lstm_keeps_far_more() {
    let xs = sequence(50, 8, 21);
    let t = Targets::Values(vec![Mat::from_element(1, 8, 1.0)]);
    let decay = |cell: CellKind, init: Init| {
        let mut net = Network::zeros(cfg(cell, 32, 1, false, Head::ManyToOne));
        initialise(&mut net, init, &mut common::rng(4));
        let e = net.evaluate::<rand_pcg::Pcg64Mcg>(&xs, &t, None, None);
        let dh = &e.flow.dh_norm[0][0];
        dh[49] / dh[0]
    };
    let keras = Init {
        scheme: Scheme::XavierOrthogonal,
        forget_bias: Init::UNIT_FORGET_BIAS,
    };
    let rnn = decay(CellKind::Rnn(Activation::Tanh), Init::default());
    let lstm = decay(CellKind::Lstm(LstmVariant::Standard), keras);
    eprintln!("||dL/dh_49|| / ||dL/dh_0||: RNN {rnn:e}, LSTM {lstm:e}");
    assert!(rnn >= 100.0, "RNN gradient shrank only {rnn}x");
    assert!(
        lstm * 1e3 < rnn,
        "LSTM shrank {lstm}x, not far less than the RNN's {rnn}x"
    );
}

/// A pass stopped after every chunk and resumed computes exactly what an uninterrupted one
/// does (the page spreads a long step over frames this way): the same trace, loss, gradients
/// and gradient flow, bit for bit, with dropout drawing its masks in the same order.
#[test]
fn a_sliced_pass_equals_an_uninterrupted_one_bit_for_bit() {
    use rnn_lab::nn::network::{chunk_steps, Evaluation, Goal, Progress};
    for cell in [CellKind::Lstm(LstmVariant::Peephole), CellKind::Gru] {
        let mut c = cfg(cell, 5, 3, true, Head::ManyToMany);
        c.dropout = 0.25;
        let net = common::network(c, 21);
        let mut r = common::rng(22);
        let (batch, steps) = (64usize, 19usize);
        assert_eq!(steps.div_ceil(chunk_steps(batch)), 3);
        let xs = common::inputs(1, batch, steps, &mut r);
        let t = common::targets(&c, batch, steps, &mut r);
        let whole = net.evaluate(&xs, &t, Some(&mut common::rng(5)), Some(7));

        let mut e = Evaluation::new(c);
        let mut progress = Progress::new(Goal::Gradients);
        let mut dropout = common::rng(5);
        let mut calls = 0;
        while !net.run_sliced(
            &xs,
            Some(&t),
            Some(&mut dropout),
            Some(7),
            &mut e,
            &mut progress,
            &mut || false,
        ) {
            calls += 1;
            let f = progress.fraction(&c, steps, batch);
            assert!(f > 0.0 && f < 1.0, "progress {f}");
        }
        // 3 layers x 2 directions x 3 chunks, forward and backward, plus the head and loss.
        assert_eq!(calls + 1, 2 * 18 + 2);
        assert_eq!(progress.fraction(&c, steps, batch), 1.0);
        assert_eq!(e.loss.to_bits(), whole.loss.to_bits());
        assert_eq!(e.trace, whole.trace);
        assert_eq!(e.grads, whole.grads);
        assert_eq!(e.flow, whole.flow);
    }
}

/// A pass carried on from `states_after(t)` over the steps after t gives the outputs of one
/// pass over the whole sequence, for every cell and with two layers; states of single
/// samples set side by side start a batch exactly as each starts alone.
#[test]
fn a_pass_carried_from_any_step_equals_one_pass_and_states_join_into_a_batch() {
    use rnn_lab::nn::network::States;
    type R = rand_pcg::Pcg64Mcg;
    for (k, cell) in CellKind::ALL.into_iter().enumerate() {
        let config = cfg(cell, 3, 2, false, Head::ManyToMany);
        let net = common::network(config, 70 + k as u64);
        let xs = sequence(9, 2, 80 + k as u64);
        let whole = net.forward::<R>(&xs, None);
        for t in [0, 3, 7] {
            let carried = whole.states_after(t);
            let rest = net.forward_from::<R>(&xs[t + 1..], Some(&carried), None);
            for (a, b) in rest.outputs.iter().zip(&whole.outputs[t + 1..]) {
                assert!((a - b).norm() < 1e-12, "{cell:?} from step {t}");
            }
            assert_eq!(rest.final_states(), whole.final_states());
        }
        // Sample by sample, then side by side.
        let column = |m: &Mat<f64>, j: usize| m.columns(j, 1).into_owned();
        let alone: Vec<States<f64>> = (0..2)
            .map(|j| {
                let xs_j: Vec<Mat<f64>> = xs.iter().map(|x| column(x, j)).collect();
                net.forward::<R>(&xs_j[..4], None).final_states()
            })
            .collect();
        let joined = States::side_by_side(&alone);
        assert_eq!(joined, net.forward::<R>(&xs[..4], None).final_states());
        let rest = net.forward_from::<R>(&xs[4..], Some(&joined), None);
        for (j, s) in alone.iter().enumerate() {
            let xs_j: Vec<Mat<f64>> = xs[4..].iter().map(|x| column(x, j)).collect();
            let one = net.forward_from::<R>(&xs_j, Some(s), None);
            assert!((column(&rest.outputs[4], j) - &one.outputs[4]).norm() < 1e-12);
        }
    }
}
