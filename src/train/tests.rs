//! A session's own tests: steps and epochs, carried state, recursive forecasts, the schedule's
//! callbacks, the trace a step leaves, reproducibility, divergence caught.

use super::*;
use crate::data::frame::{SplitSpec, Task};
use crate::data::normalise::Scaling;
use crate::data::signals::{generate, SignalParams};
use crate::nn::LstmVariant;

fn sine_session(lr: f64, clip_at: Clip) -> Session {
    let s = generate(&SignalParams {
        points: 600,
        x_end: 60.0,
        ..SignalParams::default()
    });
    let d = Dataset::new(
        vec![("y".into(), s.y.clone())],
        ("y".into(), TargetData::Values(s.y)),
        Task::NextValue {
            window: 10,
            horizon: 1,
            stride: 1,
        },
        Scaling::None,
        SplitSpec::Counts {
            validation: 100,
            test: 100,
        },
    )
    .unwrap();
    let config = TrainConfig {
        cell: CellKind::Lstm(LstmVariant::Standard),
        hidden_size: 16,
        layers: 1,
        bidirectional: false,
        dropout: 0.0,
        init: Init::default(),
        optimizer: OptimizerKind::ADAM,
        learning_rate: lr,
        batch_size: 32,
        clip: clip_at,
        truncate: None,
        seed: 3,
        schedule: Schedule::default(),
        stateful: false,
    };
    Session::new(config, d).unwrap()
}

/// A series whose present depends on more than one window of its past: a leaky
/// integrator y_t = 0.95 y_{t-1} + 0.3 x_t of random inputs x_t, learnt from windows of
/// 10 (sequence to sequence). A window alone cannot know what came in before it.
fn leaky_integrator(stateful: bool, seed: u64) -> Session {
    use rand::Rng;
    let mut r = Pcg64Mcg::seed_from_u64(7);
    let n = 4000;
    let x: Vec<f64> = (0..n).map(|_| r.random_range(-1.0..1.0)).collect();
    let mut y = vec![0.0; n];
    for t in 1..n {
        y[t] = 0.95 * y[t - 1] + 0.3 * x[t];
    }
    let d = Dataset::new(
        vec![("x".into(), x)],
        ("y".into(), TargetData::Values(y)),
        Task::SeqToSeq {
            window: 10,
            stride: 1,
        },
        Scaling::None,
        SplitSpec::Counts {
            validation: 0,
            test: 0,
        },
    )
    .unwrap();
    let mut config = sine_session(0.01, Clip::Off).config;
    config.batch_size = 8;
    config.seed = seed;
    config.stateful = stateful;
    Session::new(config, d).unwrap()
}

/// Stateful training carries each stream's state from batch to batch (a copy: the
/// gradient stops there), starts each epoch from zero, and learns what a window alone
/// cannot: on the leaky integrator, seeds 1-3, the mean training loss of the twelfth
/// epoch's steps is 0.016-0.042 carried against 0.22-0.24 without (2026-12-02).
#[test]
fn stateful_training_carries_state_and_learns_beyond_one_window() {
    let mut s = leaky_integrator(true, 1);
    let per_epoch = s.order.len() / s.config.batch_size;
    assert_eq!(s.order.len(), 8 * per_epoch, "8 streams of equal length");
    s.step();
    assert_eq!(s.last_trace().initial, None, "an epoch starts from zero");
    for _ in 1..per_epoch {
        let ended = s.last_trace().final_states();
        s.step();
        assert_eq!(s.last_trace().initial.as_ref(), Some(&ended));
    }
    s.step();
    assert_eq!(s.last_trace().initial, None, "and the next epoch too");
    let mean_loss = |s: &Session| {
        let last = &s.history[s.history.len() - per_epoch..];
        last.iter().map(|h| h.train_loss).sum::<f64>() / per_epoch as f64
    };
    for seed in 1..=3 {
        let (mut carried, mut alone) =
            (leaky_integrator(true, seed), leaky_integrator(false, seed));
        for _ in 0..12 * per_epoch {
            carried.step();
        }
        // The same number of windows seen: stateless epochs hold ten times as many.
        for _ in 0..12 * per_epoch {
            alone.step();
        }
        let (c, a) = (mean_loss(&carried), mean_loss(&alone));
        eprintln!("leaky integrator, seed {seed}: training MSE carried {c:.4}, alone {a:.4}");
        assert!(c < a / 4.0, "{c} vs {a}");
    }
}

/// A stateful run predicts and validates each window from the state the series before
/// it leaves: its predictions are those of one pass over the whole series, and it scores
/// better on the leaky integrator than the same model started from zero per window.
#[test]
fn a_stateful_run_predicts_as_one_pass_over_the_series() {
    let mut s = leaky_integrator(true, 2);
    for _ in 0..300 {
        s.step();
    }
    let window = s.dataset.task.window();
    let mut starts = s.dataset.train.clone();
    starts.sort_unstable();
    let starts = &starts[3000..3400];
    let carried = s.predict(starts);
    let rows = starts[starts.len() - 1] + window;
    let xs: Vec<Mat<f32>> = (0..rows)
        .map(|r| Mat::from_element(1, 1, s.dataset.x[0][r] as f32))
        .collect();
    let whole = s.net.forward::<Pcg64Mcg>(&xs, None);
    for (&start, p) in starts.iter().zip(&carried) {
        let out = f64::from(whole.outputs[start + window - 1][(0, 0)]);
        let expected = s.dataset.y_scaler.invert(out);
        assert!(
            (p - expected).abs() < 1e-4,
            "window {start}: {p} vs {expected}"
        );
    }
    let with_state = s.loss_over(starts).unwrap();
    s.config.stateful = false;
    let alone = s.loss_over(starts).unwrap();
    eprintln!(
        "leaky integrator after 300 steps: MSE {with_state:.4} carried, {alone:.4} from zero"
    );
    assert!(with_state < alone / 2.0, "{with_state} vs {alone}");
}

/// "Step one epoch" asks for exactly the steps that end the epoch under way (after any
/// already queued), whatever the position in it; the last batch may be short.
#[test]
fn the_steps_to_the_end_of_an_epoch_end_it() {
    let mut s = sine_session(0.01, Clip::Off);
    let windows = s.order.len();
    let per = windows.div_ceil(32) as u64;
    assert!(
        !windows.is_multiple_of(32),
        "a short last batch is covered: {windows} windows"
    );
    assert_eq!(s.steps_to_end_of_epoch(0), per);
    for done in 0..(per + 5) {
        let left = s.steps_to_end_of_epoch(0);
        let epoch = s.epoch;
        // With steps already queued, the answer is where that queue leaves off: one
        // short of the end needs 1; exactly at an end, the whole next epoch; one into
        // the next epoch, the rest of it.
        assert_eq!(s.steps_to_end_of_epoch(left - 1), 1);
        assert_eq!(s.steps_to_end_of_epoch(left), per);
        assert_eq!(s.steps_to_end_of_epoch(left + 1), per - 1);
        assert_eq!(s.steps_to_end_of_epoch(left + per), per);
        for _ in 0..left - 1 {
            s.step();
            assert_eq!(s.epoch, epoch, "after {done}");
        }
        s.step();
        assert_eq!(
            s.epoch,
            epoch + 1,
            "after {done}: the epoch ends on the last one"
        );
        assert_eq!(s.steps_to_end_of_epoch(0), per);
        // Then one step into the next epoch, so the next round starts mid-epoch.
        s.step();
        assert_eq!(s.steps_to_end_of_epoch(0), per - 1);
    }
}

/// A step spread over many calls (the page's frames), stopping at every chance, trains
/// exactly as `step` does, across epoch ends with their validation passes.
#[test]
fn a_step_spread_over_calls_trains_exactly_as_one_call() {
    let mut whole = sine_session(0.01, Clip::Off);
    let mut sliced = sine_session(0.01, Clip::Off);
    let (mut calls, mut epochs) = (0, 0);
    for _ in 0..30 {
        let a = whole.step();
        let b = loop {
            calls += 1;
            if let Some(r) = sliced.step_within(&mut || false) {
                break r;
            }
            assert!(sliced.step_progress().is_some());
        };
        assert_eq!(sliced.step_progress(), None);
        epochs += usize::from(b.epoch_done);
        assert_eq!(a, b);
    }
    assert!(
        epochs >= 2 && calls > 4 * 30,
        "{epochs} epochs, {calls} calls"
    );
    assert_eq!(whole.history, sliced.history);
    assert!(whole.history.iter().any(|h| h.validation_loss.is_some()));
    assert_eq!(whole.net, sliced.net);
}

#[test]
fn steps_learn_and_record_history_and_validation() {
    let mut s = sine_session(0.01, Clip::Off);
    let before = s.validation_loss().unwrap();
    let mut last = None;
    while s.epoch < 8 {
        last = Some(s.step());
    }
    let after = s.validation_loss().unwrap();
    assert!(after < before / 10.0, "validation loss {before} -> {after}");
    assert!(last.unwrap().epoch_done);
    assert_eq!(s.history.len() as u64, s.steps);
    assert_eq!(
        s.history
            .iter()
            .filter(|h| h.validation_loss.is_some())
            .count(),
        8
    );
    // predictions come back in original units, near the true next values
    let starts = &s.dataset.validation[..5];
    let p = s.predict(starts);
    let TargetData::Values(y) = &s.dataset.y else {
        panic!()
    };
    for (st, pv) in starts.iter().zip(p) {
        assert!((pv - y[s.target_row(*st)]).abs() < 0.2);
    }
    // Scores agree with the loss they summarise: RMSE² is the MSE in original units
    // (no scaling here), and a learnt sine explains most of the variance.
    let val = s.dataset.validation.clone();
    let Some(Metrics::Regression(m)) = s.metrics_over(&val) else {
        panic!("regression metrics")
    };
    assert_eq!(m.n, val.len());
    let mse = s.loss_in_original_units(&val).unwrap();
    assert!(
        (m.rmse * m.rmse - mse).abs() < 1e-6 * mse.max(1e-9),
        "{m:?} vs {mse}"
    );
    assert!(m.r2 > 0.95 && m.mae <= m.rmse, "{m:?}");
}

/// The recursive forecast starts where one-step prediction does, then drifts as its own
/// errors feed back: close over the first steps, far worse than one-step over 100.
#[test]
fn recursive_forecasts_feed_predictions_back() {
    let mut s = sine_session(0.01, Clip::Off);
    while s.epoch < 8 {
        s.step();
    }
    let test = s.dataset.test.clone();
    let forecast = s.recursive_forecast(&test).unwrap();
    let one_step = s.predict(&test);
    assert_eq!(forecast.len(), test.len());
    assert!(
        (forecast[0] - one_step[0]).abs() < 1e-6,
        "same first prediction"
    );
    let TargetData::Values(y) = &s.dataset.y else {
        panic!()
    };
    let rmse = |p: &[f64], n: usize| {
        let sq: f64 = test[..n]
            .iter()
            .zip(p)
            .map(|(&st, v)| (v - y[s.target_row(st)]).powi(2))
            .sum();
        (sq / n as f64).sqrt()
    };
    let n = test.len();
    let (early, all, one) = (rmse(&forecast, 5), rmse(&forecast, n), rmse(&one_step, n));
    eprintln!("test RMSE: one step {one:.4}; recursive over 5 steps {early:.4}, over {n} {all:.4}");
    assert!(
        early < 0.1,
        "the first recursive steps stay near the curve: {early}"
    );
    assert!(all > 2.0 * one, "errors compound: {all} vs {one}");
}

/// With both callbacks on, a long run halves its learning rate on plateaus and then
/// stops once validation has not improved for STOP_PATIENCE epochs.
#[test]
fn plateaus_lower_the_learning_rate_and_early_stopping_ends_the_run() {
    let mut s = sine_session(0.02, Clip::Norm(1.0));
    s.config.schedule = Schedule {
        reduce_lr_on_plateau: true,
        early_stopping: true,
    };
    let mut reductions = vec![];
    let mut stopped_at = None;
    while s.epoch < 400 {
        let r = s.step();
        if let Some(lr) = r.lr_reduced {
            reductions.push((r.epoch, lr));
        }
        if r.stop {
            stopped_at = Some(r.epoch);
            break;
        }
    }
    eprintln!(
        "lr reductions {reductions:?}; stopped at epoch {stopped_at:?}, best {}",
        s.best_epoch()
    );
    assert!(
        !reductions.is_empty(),
        "the learning rate was halved at least once"
    );
    assert_eq!(reductions[0].1, 0.01);
    assert_eq!(s.learning_rate(), reductions.last().unwrap().1);
    let stopped = stopped_at.expect("early stopping fired");
    assert!(
        stopped as usize >= s.best_epoch() + STOP_PATIENCE,
        "{stopped} vs best {}",
        s.best_epoch()
    );
}

/// The page's step-through recomputes the latest trace from `last_trace_network`: those
/// are the weights that produced it (the current ones have been updated since).
#[test]
fn the_last_trace_comes_from_the_weights_before_the_update() {
    use crate::nn::explain::{equations, StepInputs};
    let mut s = sine_session(0.05, Clip::Off);
    for _ in 0..5 {
        s.step();
    }
    let layer = &s.last_trace().layers[0];
    let (t, steps) = (3, &layer.steps[0]);
    let col = |m: &Mat<f32>| {
        m.column(0)
            .iter()
            .map(|&v| f64::from(v))
            .collect::<Vec<_>>()
    };
    let (x, hp, cp) = (
        col(&layer.input[t]),
        col(&steps[t - 1].hidden),
        steps[t - 1].cell.as_ref().map(col),
    );
    let worst = |net: &Network<f32>| {
        let inputs = StepInputs {
            x: &x,
            h_prev: &hp,
            c_prev: cp.as_deref(),
            reverse: false,
        };
        equations(s.config.cell, net.cell(0, 0), &inputs, &steps[t], 0, 2)
            .iter()
            .map(|e| (e.value - e.recomputed).abs())
            .fold(0.0, f64::max)
    };
    let (before, after) = (worst(s.last_trace_network()), worst(&s.net));
    assert!(
        before < 1e-5,
        "the trace's own weights reproduce it: {before}"
    );
    assert!(
        after > 10.0 * before,
        "the updated weights would not: {after}"
    );
}

/// |dŷ/dx_t| for one sample of the latest trace, against central differences of the
/// prediction the weights that made the trace give for that sample's window.
#[test]
fn input_sensitivity_is_the_prediction_s_gradient_to_each_step() {
    let mut s = sine_session(0.01, Clip::Off);
    assert_eq!(s.input_sensitivity(0), None, "before the first step");
    for _ in 0..30 {
        s.step();
    }
    let sample = 3;
    let got = s.input_sensitivity(sample).expect("a short window");
    assert_eq!(got.len(), 10);
    assert_eq!(s.input_sensitivity(10_000), None, "no such sample");
    let net = s.last_trace_network().clone();
    let xs: Vec<Mat<f32>> = s.last_trace().layers[0]
        .input
        .iter()
        .map(|x| Mat::from_fn(1, 1, |_, _| x[(0, sample)]))
        .collect();
    let predict = |xs: &[Mat<f32>]| f64::from(net.forward::<Pcg64Mcg>(xs, None).outputs[0][0]);
    let eps = 1e-2;
    for t in 0..10 {
        let mut up = xs.clone();
        up[t][0] += eps as f32;
        let mut down = xs.clone();
        down[t][0] -= eps as f32;
        let numeric = ((predict(&up) - predict(&down)) / (2.0 * eps)).abs();
        assert!(
            (got[t] - numeric).abs() <= 2e-3 + 0.02 * numeric,
            "t = {t}: {} vs {numeric}",
            got[t]
        );
    }
    // The next value of a sine leans on the latest inputs most.
    assert!(got[9] > got[0], "{got:?}");
}

#[test]
fn same_config_same_losses() {
    let mut a = sine_session(0.01, Clip::Norm(1.0));
    let mut b = sine_session(0.01, Clip::Norm(1.0));
    for _ in 0..20 {
        assert_eq!(a.step().loss.to_bits(), b.step().loss.to_bits());
    }
}

/// An update that overflows the weights (loss and gradients still finite) is undone in
/// the same step: the step says so, and the weights a validation pass, the history or an
/// export would read stay finite.
#[test]
fn an_update_that_overflows_is_undone_in_the_same_step() {
    let mut s = sine_session(0.01, Clip::Off);
    s.step();
    let before: Vec<f32> = s.net.params().flat_map(|m| m.iter().copied()).collect();
    s.optimizer = Optimizer::new(OptimizerKind::SGD, 1e39);
    let r = s.step();
    assert!(r.loss.is_finite(), "the loss before the update was fine");
    assert!(r.diverged, "the overflowing update is reported");
    let after: Vec<f32> = s.net.params().flat_map(|m| m.iter().copied()).collect();
    assert_eq!(after, before, "the weights are the ones before the update");
    assert!(s.history.iter().all(|h| h.train_loss.is_finite()));
}

#[test]
fn divergence_is_caught_and_the_model_kept() {
    let mut s = sine_session(10.0, Clip::Off);
    s.optimizer = Optimizer::new(OptimizerKind::SGD, 10.0);
    let mut diverged = false;
    for _ in 0..200 {
        let r = s.step();
        if r.diverged {
            diverged = true;
            break;
        }
    }
    assert!(diverged, "SGD at lr 10 on an LSTM should blow up");
    assert!(
        s.net
            .tensors()
            .iter()
            .all(|m| m.iter().all(|v| v.is_finite())),
        "the model stays finite"
    );
}
