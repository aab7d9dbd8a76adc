//! The lessons' tests: each lesson makes its point with the run it builds, the sample CSV
//! files train as their lessons say, and the words for held-out data name the right lessons.

use super::*;
use crate::train::settings::FIX_CLIP;

/// A lesson that names its target in words has those words in both languages (the
/// prediction chart's title); the sample files' lessons keep their columns' names.
#[test]
fn targets_named_in_words_are_in_both_catalogues() {
    use crate::i18n::{catalogue, Lang};
    for l in Lesson::ALL {
        if matches!(l, Lesson::StockCsv | Lesson::HouseholdLoad) {
            continue;
        }
        let name = l.prepare(&l.defaults()).unwrap().dataset.target_name;
        let words = name
            .split(|c: char| !c.is_ascii_alphabetic())
            .any(|w| w.len() >= 4);
        if words {
            for lang in Lang::ALL {
                assert!(
                    catalogue(lang).contains_key(&format!("series.{name}")),
                    "{l:?}: \"{name}\" in {lang:?}"
                );
            }
        }
    }
}

/// A lesson's name in links and in the page's list is one spelling, and it reads back.
#[test]
fn every_lesson_has_one_key_that_reads_back() {
    for l in Lesson::ALL {
        let key = l.key();
        assert!(!key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        assert_eq!(Lesson::from_key(&key), Some(l));
        assert!(RunLink {
            lesson: l,
            settings: l.defaults(),
            lang: Default::default(),
        }
        .to_text()
        .contains(&format!("\"lesson\":\"{key}\"")));
    }
    assert_eq!(Lesson::from_key("no_such_lesson"), None);
}
use crate::train::Session;

/// Training-set MSE in original units before and after `steps` steps.
fn train(lesson: Lesson, s: &Settings, steps: usize) -> (f64, f64) {
    let p = lesson.prepare(s).unwrap();
    let mut session = Session::new(p.config, p.dataset).unwrap();
    let all = session.dataset.train.clone();
    let before = session.loss_in_original_units(&all).unwrap();
    for _ in 0..steps {
        session.step();
    }
    (before, session.loss_in_original_units(&all).unwrap())
}

/// Lesson 10 reproduces the notes' numbers in the trace the page's step-through reads:
/// after one step, h_1 = tanh([0.6, 0.5]) = [0.537, 0.462], worked out by the
/// step-through from the weights before the update.
#[test]
fn the_notes_example_lesson_gives_the_notes_numbers() {
    let p = Lesson::NotesExample
        .prepare(&Lesson::NotesExample.defaults())
        .unwrap();
    let mut session = Session::new(p.config, p.dataset).unwrap();
    session.step();
    let layer = &session.last_trace().layers[0];
    let h = &layer.steps[0][0].hidden;
    assert!((f64::from(h[(0, 0)]) - 0.6f64.tanh()).abs() < 1e-6);
    assert!((f64::from(h[(1, 0)]) - 0.5f64.tanh()).abs() < 1e-6);
    use crate::train::readme::{readme_quotes, Tol};
    readme_quotes(
        "the step-through reads h_1 = tanh({}) = {} for unit 1 and {} for unit 2",
        &[
            (0.6, Tol::Abs(5e-4)),
            (f64::from(h[(0, 0)]), Tol::Abs(5e-4)),
            (f64::from(h[(1, 0)]), Tol::Abs(5e-4)),
        ],
    );
    let inputs = crate::nn::explain::StepInputs {
        x: &[0.6, 0.5],
        h_prev: &[0.0, 0.0],
        c_prev: None,
        reverse: false,
    };
    let net = session.last_trace_network();
    for (unit, want) in [(0, "tanh(0.600) = 0.537"), (1, "tanh(0.500) = 0.462")] {
        let eq = &crate::nn::explain::equations(
            session.config.cell,
            net.cell(0, 0),
            &inputs,
            &layer.steps[0][0],
            0,
            unit,
        )[0];
        assert!(eq.text.ends_with(want), "{}", eq.text);
    }
}

/// The largest preset: 2,000-step windows through 2 layers of 128 LSTM units. Its step is
/// long, so the page runs it in slices; here it is stopped after every 8 chunks of work.
#[test]
fn the_long_sequence_lesson_trains_a_step_in_slices() {
    let p = Lesson::LongSequences
        .prepare(&Lesson::LongSequences.defaults())
        .unwrap();
    assert_eq!(p.dataset.task.window(), LONG);
    assert_eq!((p.config.hidden_size, p.config.layers), (128, 2));
    assert!(p.dataset.train.len() >= 20);
    let mut session = Session::new(p.config, p.dataset).unwrap();
    let (mut calls, mut chunks) = (0, 0);
    let report = loop {
        calls += 1;
        let mut more = || {
            chunks += 1;
            chunks % 8 != 0
        };
        if let Some(r) = session.step_within(&mut more) {
            break r;
        }
    };
    // 2000 steps in chunks of 64 (batch 2): 32 chunks per layer, pass and direction.
    assert!(calls >= 4 * 32 / 8, "{calls} calls");
    assert!(report.loss.is_finite() && !report.diverged);
    assert_eq!(report.flow.dh_norm[0][0].len(), LONG);
}

#[test]
fn every_lesson_prepares() {
    for l in Lesson::ALL {
        let p = l.prepare(&l.defaults()).unwrap();
        assert_eq!(p.x.len(), p.y.len());
        assert!(!p.dataset.train.is_empty());
    }
    assert!(!Lesson::SineNextValue
        .prepare(&Lesson::SineNextValue.defaults())
        .unwrap()
        .dataset
        .validation
        .is_empty());
}

/// Without clipping the ReLU RNN's loss goes NaN or explodes (the session reports
/// divergence); clipped by global norm, the same run trains.
#[test]
fn exploding_gradients_diverge_unclipped_and_train_clipped() {
    let lesson = Lesson::ExplodingGradients;
    let run = |s: Settings| {
        let p = lesson.prepare(&s).unwrap();
        let mut session = Session::new(p.config, p.dataset).unwrap();
        let before = session.validation_loss().unwrap();
        let diverged = (0..300).any(|_| session.step().diverged);
        (diverged, before, session.validation_loss().unwrap())
    };
    let (diverged, _, _) = run(lesson.defaults());
    assert!(diverged, "the unclipped run should diverge");
    let (diverged, before, after) = run(Settings {
        clip: FIX_CLIP,
        ..lesson.defaults()
    });
    eprintln!("clipped: validation MSE {before:.4} -> {after:.4}");
    assert!(!diverged, "the clipped run should not diverge");
    assert!(after < before / 10.0, "{before} -> {after}");
}

#[test]
fn curve_fitting_converges_with_the_notes_settings() {
    let (before, after) = train(Lesson::CurveFitting, &Lesson::CurveFitting.defaults(), 1500);
    eprintln!("curve fitting: MSE {before:.4} -> {after:.4} in 1500 steps");
    assert!(after < before / 5.0, "{before} -> {after}");
}

/// The lesson the product exists for: raw inputs near 100 saturate the gates and the loss
/// stays where it starts for hundreds of steps (the page's own "barely moved" test),
/// while the same run normalised learns, on every seed tried, and README quotes seed 1.
#[test]
fn large_inputs_fail_and_normalising_fixes_them() {
    use crate::train::history::STALL_AFTER;
    let lesson = Lesson::LargeInputs;
    let run = |s: &Settings| {
        let p = lesson.prepare(s).unwrap();
        let mut session = Session::new(p.config, p.dataset).unwrap();
        let all = session.dataset.train.clone();
        for _ in 0..STALL_AFTER {
            session.step();
        }
        let judged = (
            session.loss_in_original_units(&all).unwrap(),
            session.saturation_over(&all),
            crate::train::history::stalled(&session.history),
        );
        for _ in STALL_AFTER..1000 {
            session.step();
        }
        (judged, session.loss_in_original_units(&all).unwrap())
    };
    for seed in 1..=4 {
        let raw_settings = Settings {
            seed,
            ..lesson.defaults()
        };
        let ((raw_then, raw_sat, raw_stalled), raw) = run(&raw_settings);
        let ((_, norm_sat, norm_stalled), normalised) = run(&Settings {
            scaling: Scaling::ZScore,
            ..raw_settings
        });
        let (raw_pct, norm_pct) = (raw_sat * 100.0, norm_sat * 100.0);
        eprintln!(
            "large inputs, seed {seed}: at step {STALL_AFTER} raw MSE {raw_then:.4} with \
             {raw_pct:.0}% of gates saturated, normalised {norm_pct:.0}%; at step 1000 \
             raw {raw:.4}, normalised {normalised:.4}"
        );
        assert!(raw_sat > 0.85, "raw inputs saturate most gates: {raw_sat}");
        assert!(
            norm_sat < 0.6 * raw_sat,
            "normalised, far fewer: {norm_sat}"
        );
        assert!(
            raw_stalled,
            "seed {seed}: the raw loss barely moves for 500 steps"
        );
        assert!(
            !norm_stalled,
            "seed {seed}: the normalised run is not called stalled"
        );
        assert!(
            normalised < raw / 3.0,
            "normalised {normalised} vs raw {raw}"
        );
        assert!(normalised < 0.12, "the normalised run learns: {normalised}");
        if seed == 1 {
            use crate::train::readme::{readme_quotes, Tol};
            readme_quotes(
                "after 500 steps about {}% of gate values are saturated and the MSE is \
                 still about {}; normalised, about {}% are, and the MSE is down to {} by \
                 step 1000",
                &[
                    (raw_pct, Tol::Abs(4.0)),
                    (raw_then, Tol::Abs(0.05)),
                    (norm_pct, Tol::Abs(4.0)),
                    (normalised, Tol::Abs(0.03)),
                ],
            );
        }
    }
}

mod csv_tests {
    use super::super::*;
    use crate::data::table::{parse_csv, CsvOptions, SeriesFilter};
    use crate::train::metrics::{Metrics, Regression};
    use crate::train::Session;
    use crate::train::StepReport;

    fn stock() -> crate::data::table::Table {
        let opts = CsvOptions {
            series: Some(SeriesFilter {
                column: "symbol".into(),
                value: "SYNA".into(),
            }),
            ..Default::default()
        };
        parse_csv(crate::data::samples::stock_like().as_bytes(), &opts).unwrap()
    }

    #[test]
    fn a_csv_run_trains_on_chosen_columns() {
        let t = stock();
        let mut choice = CsvChoice::default_for(&t).unwrap();
        assert_eq!(choice.target, "volume");
        choice.target = "close".into();
        choice.features = vec!["open".into(), "close".into(), "high".into(), "low".into()];
        let s = Settings {
            scaling: Scaling::ZScore,
            ..Lesson::SineNextValue.defaults()
        };
        let p = prepare_csv(&t, &choice, &s).unwrap();
        assert_eq!(p.dataset.x.len(), 4);
        let mut session = Session::new(p.config, p.dataset).unwrap();
        let before = session.validation_loss().unwrap();
        for _ in 0..150 {
            session.step();
        }
        assert!(session.validation_loss().unwrap() < before);
    }

    /// Picking another target re-chooses the inputs: the old target's place among the
    /// features goes to the new one (a one-column run stays one column: the one predicted),
    /// other chosen features stay, and nothing is listed twice.
    #[test]
    fn a_new_target_takes_the_old_one_s_place_among_the_inputs() {
        let t = stock();
        let mut c = CsvChoice::default_for(&t).unwrap();
        assert_eq!(
            (c.target.as_str(), c.features.clone()),
            ("volume", vec!["volume".to_string()])
        );
        c.retarget("close".into());
        assert_eq!(c.features, vec!["close".to_string()]);
        let p = prepare_csv(&t, &c, &Lesson::SineNextValue.defaults()).unwrap();
        assert_eq!(p.dataset.feature_names, vec!["close".to_string()]);
        c.features = vec!["open".into(), "close".into(), "high".into()];
        c.retarget("high".into());
        assert_eq!(c.features, vec!["open".to_string(), "high".to_string()]);
        c.retarget("low".into());
        assert_eq!(c.features, vec!["open".to_string(), "low".to_string()]);
    }

    /// The trend warning: no lesson's held-out data leaves its training range, and the
    /// quarterly GDP of tests/data does (the file a learner trained to a test R² of -89 with
    /// nothing said).
    #[test]
    fn a_trend_is_told_apart_from_the_lessons_data() {
        let beyond = |p: &Prepared| p.dataset.beyond_training();
        for l in Lesson::ALL {
            assert_eq!(beyond(&l.prepare(&l.defaults()).unwrap()), None, "{l:?}");
        }
        let text = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/good/quarterly_macro.csv"
        ))
        .unwrap();
        let t = crate::data::table::read_csv(text).unwrap();
        let mut c = CsvChoice::default_for(&t).unwrap();
        assert_eq!(
            beyond(&prepare_csv(&t, &c, &Lesson::SineNextValue.defaults()).unwrap()),
            None,
            "realint"
        );
        c.retarget("realgdp".into());
        let b = beyond(&prepare_csv(&t, &c, &Lesson::SineNextValue.defaults()).unwrap())
            .expect("a trend");
        assert!(b.above > 0.5, "{b:?}");
        // Its change stays in range: the warning goes once the run predicts it.
        c.change = crate::data::change::Change::Difference;
        let p = prepare_csv(&t, &c, &Lesson::SineNextValue.defaults()).unwrap();
        assert_eq!(beyond(&p), None);
    }

    #[test]
    fn bad_choices_say_what_is_wrong() {
        let t = stock();
        let s = Lesson::SineNextValue.defaults();
        let mut c = CsvChoice::default_for(&t).unwrap();
        c.target = "symbol".into();
        assert_eq!(
            prepare_csv(&t, &c, &s).err().unwrap().to_string(),
            "column \"symbol\" is not a numeric column of this file"
        );
        let c = CsvChoice {
            window: 5000,
            ..CsvChoice::default_for(&t).unwrap()
        };
        assert!(prepare_csv(&t, &c, &s)
            .err()
            .unwrap()
            .to_string()
            .contains("needs at least 5001"));
        let c = CsvChoice {
            features: vec![],
            ..CsvChoice::default_for(&t).unwrap()
        };
        assert_eq!(
            prepare_csv(&t, &c, &s).err().unwrap().to_string(),
            "choose at least one feature column"
        );
    }

    /// The two-class sample as a classification task, and the stock sample as
    /// sequence-to-sequence: each frames as asked, trains, and scores as its kind.
    #[test]
    fn csv_files_train_as_classification_and_as_sequence_to_sequence() {
        let opts = CsvOptions::default();
        let table = parse_csv(crate::data::samples::two_class().as_bytes(), &opts).unwrap();
        let s = Settings {
            scaling: crate::data::normalise::Scaling::ZScore,
            ..Lesson::Classification.defaults()
        };
        let c = CsvChoice {
            features: vec!["signal".into()],
            target: "label".into(),
            window: 10,
            horizon: 1,
            task: CsvTask::Classify,
            change: Default::default(),
        };
        let p = prepare_csv(&table, &c, &s).unwrap();
        assert!(matches!(
            p.dataset.y,
            TargetData::Classes { classes: 2, .. }
        ));
        let mut session = Session::new(p.config, p.dataset).unwrap();
        for _ in 0..200 {
            session.step();
        }
        let val = session.dataset.validation.clone();
        let Some(Metrics::Classification(m)) = session.metrics_over(&val) else {
            panic!("classification metrics");
        };
        assert!(m.accuracy > 0.8, "{m:?}");
        // A label column of fractions is refused with the row that is wrong.
        let bad = CsvChoice {
            target: "signal".into(),
            ..c.clone()
        };
        assert!(prepare_csv(&table, &bad, &s)
            .err()
            .unwrap()
            .to_string()
            .contains("class labels must be whole numbers"));

        let t = stock();
        let c = CsvChoice {
            features: vec!["open".into()],
            target: "close".into(),
            window: 20,
            horizon: 1,
            task: CsvTask::SeqToSeq,
            change: Default::default(),
        };
        let p = prepare_csv(&t, &c, &Lesson::StockCsv.defaults()).unwrap();
        let mut session = Session::new(p.config, p.dataset).unwrap();
        assert_eq!(session.net.config.head, crate::nn::Head::ManyToMany);
        let r = session.step();
        assert_eq!(r.flow.dh_norm[0][0].len(), 20);
        assert!(r.loss.is_finite());
    }

    /// Trains `lesson` with `settings` for `steps` steps.
    fn session_after(lesson: Lesson, settings: &Settings, steps: usize) -> (Session, StepReport) {
        let p = lesson.prepare(settings).unwrap();
        let mut session = Session::new(p.config, p.dataset).unwrap();
        let mut last = None;
        for _ in 0..steps {
            last = Some(session.step());
        }
        (session, last.expect("at least one step"))
    }

    /// RMSE of predicting each window's target by the value `lag` rows before it.
    fn persistence_rmse(session: &Session, starts: &[usize], lag: usize) -> f64 {
        let TargetData::Values(y) = &session.dataset.y else {
            panic!("regression")
        };
        let inv = |v: f64| session.dataset.y_scaler.invert(v);
        let sq: f64 = starts
            .iter()
            .map(|&s| {
                let r = session.target_row(s);
                (inv(y[r]) - inv(y[r - lag])).powi(2)
            })
            .sum();
        (sq / starts.len() as f64).sqrt()
    }

    fn regression(session: &Session, starts: &[usize]) -> Regression {
        match session.metrics_over(starts) {
            Some(Metrics::Regression(r)) => r,
            other => panic!("regression metrics, got {other:?}"),
        }
    }

    /// Lesson 4: across a 50-step lag the vanilla RNN does not learn to remember (validation
    /// MSE stays near the values' variance, 1/3) while the LSTM does; early in training the
    /// RNN's gradient at the first step is orders of magnitude below its gradient at the last.
    /// 400 steps, as the page test. Over seeds 1-8 (2026-11-25) the LSTM was below 0.003 at
    /// step 400 every time; the RNN stayed above 0.3 on six seeds, was at 0.26 on one and
    /// learned on one (0.04): a tanh RNN can pick up a 50-step lag by luck, rarely, and given
    /// longer it sometimes does (three of eight by step 800). A 100-step lag defeats the RNN
    /// on every seed but also the LSTM on most, so the lesson keeps 50.
    #[test]
    fn vanishing_gradients_defeat_the_rnn_but_not_gated_cells() {
        use crate::train::readme::{readme_quotes, Tol};
        let lesson = Lesson::VanishingGradients;
        // (validation MSE at step 400, ||dL/dh_0|| / ||dL/dh_49|| at steps 10 and 400)
        let run = |cell| {
            let s = Settings {
                cell,
                ..lesson.defaults()
            };
            let p = lesson.prepare(&s).unwrap();
            let mut session = Session::new(p.config, p.dataset).unwrap();
            let reach = |r: &crate::train::StepReport| {
                let dh = &r.flow.dh_norm[0][0];
                dh[0] / dh[LAG - 1]
            };
            // The gradient through time early in training (what the page's view shows
            // first), then the outcome at step 400 (compare mode's table).
            let early = (0..10).map(|_| session.step()).last().expect("10 steps");
            let late = (10..400).map(|_| session.step()).last().expect("400 steps");
            // What the prediction looks at: |dŷ/dx_1| over |dŷ/dx_50|, for sample 0.
            let looks = session.input_sensitivity(0).expect("a 50-step window");
            (
                session.validation_loss().unwrap(),
                reach(&early),
                reach(&late),
                looks[0] / looks[LAG - 1],
            )
        };
        let (rnn, rnn_ratio, rnn_reach, rnn_looks) = run(lesson.defaults().cell);
        let (lstm, lstm_ratio, lstm_reach, lstm_looks) = run(CellKind::Lstm(LstmVariant::Standard));
        let (gru, _, _, gru_looks) = run(CellKind::Gru);
        eprintln!(
            "|dŷ/dx_1| / |dŷ/dx_50| at step 400: RNN {rnn_looks:.2e}, LSTM {lstm_looks:.2e}, \
             GRU {gru_looks:.2e}"
        );
        eprintln!(
            "long lag after 400 steps: validation MSE RNN {rnn:.4}, LSTM {lstm:.6}, GRU \
             {gru:.4}; ||dL/dh_0|| / ||dL/dh_49|| at step 10 RNN {rnn_ratio:.2e}, LSTM \
             {lstm_ratio:.2e}; at step 400 RNN {rnn_reach:.2e}, LSTM {lstm_reach:.2e}"
        );
        assert!(rnn > 0.25, "the vanilla RNN should fail: {rnn}");
        assert!(lstm < 0.01, "the LSTM should learn: {lstm}");
        assert!(rnn_ratio < 1e-3, "the RNN's gradient vanishes: {rnn_ratio}");
        // The LSTM that recalls looks at step 1 far more than at step 50; the others do not.
        assert!(lstm_looks > 10.0, "{lstm_looks}");
        assert!(
            lstm_looks > 10.0 * rnn_looks.max(gru_looks),
            "{rnn_looks} {gru_looks}"
        );
        readme_quotes(
            "The tanh RNN's gradient at step 1 is {} of that at step 50 after 10 steps, and \
             it never learns: validation MSE {} after 400 steps, the values' variance; an \
             LSTM's is {}",
            &[
                (rnn_ratio, Tol::Factor(10.0)),
                (rnn, Tol::Abs(0.03)),
                (lstm, Tol::Factor(2.0)),
            ],
        );
        readme_quotes(
            "after 400 steps each: validation MSE {} (RNN), {} (LSTM), {} (GRU), and the share \
             of the last step's gradient that reaches the first, {} against {} for the LSTM",
            &[
                (rnn, Tol::Abs(0.03)),
                (lstm, Tol::Factor(2.0)),
                (gru, Tol::Factor(1.5)),
                (rnn_reach, Tol::Factor(10.0)),
                (lstm_reach, Tol::Factor(1.5)),
            ],
        );
    }

    #[test]
    fn classification_learns_the_sign_of_cos_4x() {
        let lesson = Lesson::Classification;
        let (session, _) = session_after(lesson, &lesson.defaults(), 300);
        let val = session.dataset.validation.clone();
        let Some(Metrics::Classification(c)) = session.metrics_over(&val) else {
            panic!("classification metrics")
        };
        eprintln!(
            "cos(4x) sign: validation accuracy {:.3}, confusion {:?}",
            c.accuracy, c.confusion
        );
        assert_eq!(c.confusion.iter().flatten().sum::<usize>(), val.len());
        assert!(c.accuracy > 0.9, "{c:?}");
        crate::train::readme::readme_quotes(
            "softmax cross-entropy (validation accuracy {}% after 300 steps)",
            &[(c.accuracy * 100.0, crate::train::readme::Tol::Abs(2.0))],
        );
    }

    /// Lessons 7 and 8 train on the shipped sample files; README quotes how they compare with
    /// predicting "no change" (lesson 8 beats it; lesson 7's stock, a random walk, does not).
    #[test]
    fn sample_csv_lessons_learn() {
        for (lesson, lag) in [(Lesson::StockCsv, 1), (Lesson::HouseholdLoad, 6)] {
            let (session, _) = session_after(lesson, &lesson.defaults(), 600);
            let val = session.dataset.validation.clone();
            let r = regression(&session, &val);
            let naive = persistence_rmse(&session, &val, lag);
            let mse = session.loss_in_original_units(&val).unwrap();
            eprintln!(
                "{lesson:?}: validation RMSE {:.4} (no-change {naive:.4}), MAE {:.4}, R² {:.3}",
                r.rmse, r.mae, r.r2
            );
            assert!(
                (r.rmse * r.rmse - mse).abs() < 1e-6 * mse,
                "RMSE² is the MSE in original units"
            );
            assert!(r.r2 > 0.5, "{lesson:?}: {r:?}");
            use crate::train::readme::{readme_quotes, Tol};
            let said = match lesson {
                Lesson::StockCsv => {
                    "five features, next close (validation R² {} after 600 steps, RMSE {}; \
                     repeating the last close scores {}"
                }
                _ => {
                    "the load 6 readings ahead (validation R² {} after 600 steps, RMSE {}; \
                     repeating the last reading scores {}"
                }
            };
            let close = |v: f64| Tol::Abs(0.03 * v);
            readme_quotes(
                said,
                &[
                    (r.r2, Tol::Abs(0.02)),
                    (r.rmse, close(r.rmse)),
                    (naive, close(naive)),
                ],
            );
        }
    }

    #[test]
    fn run_links_round_trip_and_broken_ones_say_why() {
        let link = RunLink {
            lesson: Lesson::CurveFitting,
            settings: Settings {
                seed: 7,
                learning_rate: 0.003,
                ..Lesson::CurveFitting.defaults()
            },
            lang: crate::i18n::Lang::Zh,
        };
        assert_eq!(RunLink::from_text(&link.to_text()).unwrap(), link);
        // A link made before the language was part of it opens in English.
        let mut old: serde_json::Value = serde_json::from_str(&link.to_text()).unwrap();
        old.as_object_mut().unwrap().remove("lang");
        let old = RunLink::from_text(&old.to_string()).unwrap();
        assert_eq!(old.lang, crate::i18n::Lang::En);
        let err = RunLink::from_text("{\"lesson\":\"nope\"}").unwrap_err();
        assert!(err.to_string().starts_with("it is not a run link"), "{err}");
        let mut bad = link;
        bad.settings.hidden_size = 0;
        // Worded from the catalogue with the controls' own limit (it was the model's English
        // backstop, naming 1-512).
        assert!(RunLink::from_text(&bad.to_text())
            .unwrap_err()
            .to_string()
            .contains("hidden units must be 1 to 128"));
        bad.settings.hidden_size = 500;
        assert!(RunLink::from_text(&bad.to_text())
            .unwrap_err()
            .to_string()
            .contains("1 to 128"));
        let mut bad = link;
        bad.settings.learning_rate = -1.0;
        assert!(RunLink::from_text(&bad.to_text())
            .unwrap_err()
            .to_string()
            .contains("learning rate"));
        // Values the controls never produce, each refused with its own message (a link could
        // carry them: the model would turn NaN or never learn).
        let refused = |f: &dyn Fn(&mut Settings)| {
            let mut bad = link;
            f(&mut bad.settings);
            RunLink::from_text(&bad.to_text())
                .unwrap_err()
                .key()
                .map(str::to_string)
        };
        let adam = |beta1, beta2, eps| OptimizerKind::Adam { beta1, beta2, eps };
        type Edit<'a> = &'a dyn Fn(&mut Settings);
        let cases: [(Edit, &str); 12] = [
            (&|s| s.optimizer = adam(1.0, 0.999, 1e-8), "err.betas"),
            (&|s| s.optimizer = adam(0.9, 2.0, 1e-8), "err.betas"),
            (&|s| s.optimizer = adam(0.9, 0.999, 0.0), "err.eps"),
            (
                &|s| {
                    s.optimizer = OptimizerKind::Sgd {
                        momentum: 1e308,
                        nesterov: false,
                    }
                },
                "err.momentum",
            ),
            (
                &|s| {
                    s.optimizer = OptimizerKind::RmsProp {
                        alpha: 2.0,
                        eps: 0.0,
                    }
                },
                "err.alpha",
            ),
            (&|s| s.learning_rate = 5e-324, "err.lr"),
            (&|s| s.learning_rate = 1e9, "err.lr"),
            (&|s| s.shape.batch_size = Some(5000), "err.batch"),
            (&|s| s.hidden_size = 500, "err.hidden"),
            (&|s| s.clip = Clip::Norm(0.0), "err.clip"),
            (&|s| s.shape.layers = 5, "err.layers"),
            (&|s| s.shape.dropout = 1.0, "err.dropout"),
        ];
        for (k, (f, key)) in cases.iter().enumerate() {
            assert_eq!(refused(f).as_deref(), Some(*key), "case {k}");
        }
        // Links made before `shape` existed still open, with the default shape.
        let old = r#"{"lesson":"sine_next_value","settings":{"cell":{"cell":"lstm","variant":"standard"},"hidden_size":32,"learning_rate":0.01,"scaling":"none","clip":{"kind":"off"},"optimizer":{"kind":"adam","beta1":0.9,"beta2":0.999,"eps":1e-8},"seed":1}}"#;
        let opened = RunLink::from_text(old);
        assert!(opened.is_ok(), "{opened:?}");
        assert_eq!(opened.unwrap().settings.shape, Shape::default());
    }

    /// The shape controls reach the model: 2 bidirectional layers with dropout, Xavier
    /// initialised, batch 16, train on the sine lesson.
    #[test]
    fn deeper_bidirectional_settings_build_and_train() {
        let lesson = Lesson::SineNextValue;
        let s = Settings {
            shape: Shape {
                layers: 2,
                bidirectional: true,
                dropout: 0.2,
                init: Scheme::Xavier,
                batch_size: Some(16),
                stateful: false,
            },
            ..lesson.defaults()
        };
        let p = lesson.prepare(&s).unwrap();
        assert_eq!(p.config.batch_size, 16);
        let mut session = Session::new(p.config, p.dataset).unwrap();
        assert_eq!(session.net.cells.len(), 4, "2 layers x 2 directions");
        let before = session.validation_loss().unwrap();
        for _ in 0..150 {
            session.step();
        }
        let after = session.validation_loss().unwrap();
        assert!(after < before / 5.0, "{before} -> {after}");
    }
}

mod held_out_tests {
    use super::super::*;

    /// The page's words for a lesson without held-out data (`scores.no_held_out`) name
    /// the lessons that have it: 1, 4 to 8 and 11.
    #[test]
    fn lessons_1_4_to_8_and_11_hold_data_back_and_the_others_fit_the_whole_curve() {
        for (n, lesson) in Lesson::ALL.into_iter().enumerate() {
            let p = lesson.prepare(&lesson.defaults()).unwrap();
            let held = !p.dataset.validation.is_empty() || !p.dataset.test.is_empty();
            assert_eq!(
                held,
                [0, 3, 4, 5, 6, 7, 10].contains(&n),
                "lesson {}",
                n + 1
            );
        }
    }

    /// Lesson 11: the same LSTM on the leaky running sum, each window from zero or carrying
    /// state, as compare mode trains them (400 steps: one epoch of overlapping windows, ten
    /// of streamed ones). Carried state lowers the validation loss by several times on every
    /// seed; the tour's question is answered by the run's own ratio.
    #[test]
    fn carried_state_learns_the_running_sum_a_window_alone_cannot() {
        use crate::train::readme::Tol;
        let lesson = Lesson::CarriedState;
        for seed in 1..=4 {
            // The latest validation loss after `steps` steps.
            let val_after = |stateful: bool, steps: &[u64]| {
                let mut settings = Settings {
                    seed,
                    ..lesson.defaults()
                };
                settings.shape.stateful = stateful;
                let p = lesson.prepare(&settings).unwrap();
                let mut s = crate::train::Session::new(p.config, p.dataset).unwrap();
                let mut out = Vec::new();
                for &n in steps {
                    while s.steps < n {
                        s.step();
                    }
                    out.push(
                        s.history
                            .iter()
                            .rev()
                            .find_map(|h| h.validation_loss)
                            .unwrap(),
                    );
                }
                out
            };
            let default_seed = seed == lesson.defaults().seed;
            // The default seed's carried run goes on to 520 steps for the quotes below.
            let carried_at = val_after(
                true,
                if default_seed {
                    &[400, 480, 520]
                } else {
                    &[400]
                },
            );
            let (zero, carried) = (val_after(false, &[400])[0], carried_at[0]);
            eprintln!(
                "seed {seed}: validation MSE from zero {zero:.4}, carried {carried:.4}, {:.1}x",
                zero / carried
            );
            assert!(zero / carried > 4.0, "seed {seed}: {zero} vs {carried}");
            if default_seed {
                crate::train::readme::readme_quotes(
                    "steps the validation MSE is {} from zero and {} carried",
                    &[(zero, Tol::Abs(0.01)), (carried, Tol::Factor(1.5))],
                );
                // The carried run's validation loss jumps between evaluations, as README and
                // the lesson's text say with this run's numbers.
                let later = &carried_at[1..];
                crate::train::readme::readme_quotes(
                    "jumps between evaluations ({} at step 480 of the same run, {} at 520)",
                    &[(later[0], Tol::Abs(0.01)), (later[1], Tol::Abs(0.01))],
                );
                let said = format!(
                    "{carried:.3} at step 400, {:.2} at step 480, {:.2} at 520",
                    later[0], later[1]
                );
                let text = crate::i18n::text_in(crate::i18n::Lang::En, "lesson.carried.text");
                assert!(text.contains(&said), "the lesson should say: {said}");
            }
        }
    }
}
