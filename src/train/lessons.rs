//! The lessons (presets): each builds a dataset and a training config from the course notes'
//! case studies, with a few sentences the page shows beside it.

use crate::i18n::Text;
use serde::{Deserialize, Serialize};

use super::settings::{Settings, Shape};
use super::{Schedule, TrainConfig};
use crate::data::frame::{Dataset, FrameError, SplitSpec, TargetData, Task};
use crate::data::normalise::Scaling;
use crate::data::signals::{generate, SignalKind, SignalParams};
use crate::nn::init::Scheme;
use crate::nn::optim::{Clip, OptimizerKind};
use crate::nn::{CellKind, LstmVariant};

/// Which lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Lesson {
    SineNextValue,
    CurveFitting,
    LargeInputs,
    VanishingGradients,
    ExplodingGradients,
    Classification,
    StockCsv,
    HouseholdLoad,
    LongSequences,
    NotesExample,
    CarriedState,
}

/// Everything that decides a lesson run: shared as the page's URL hash and remembered in
/// localStorage. The same link trains the same way: the same loss at every step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RunLink {
    pub lesson: Lesson,
    pub settings: Settings,
    /// The page's language (links from before it was added open in English).
    #[serde(default)]
    pub lang: crate::i18n::Lang,
}

impl RunLink {
    /// The link's text (JSON; the page percent-encodes it into the hash).
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("settings serialise")
    }

    /// Reads a link's text; the message says what is wrong with a broken or edited link.
    pub fn from_text(text: &str) -> Result<RunLink, Text> {
        let link: RunLink =
            serde_json::from_str(text).map_err(|e| Text::with("err.not_a_link", &[("e", &e)]))?;
        link.settings.validate()?;
        Ok(link)
    }
}

/// A lesson ready to train: the dataset, the config, and the series in original units for
/// the charts.
pub struct Prepared {
    pub dataset: Dataset,
    pub config: TrainConfig,
    /// x of every row (the chart's axis).
    pub x: Vec<f64>,
    /// The target of every row in original units.
    pub y: Vec<f64>,
    /// When the run predicts a change (see [`crate::data::change`]): how its predictions
    /// become levels of `y` again.
    pub rebuild: Option<crate::data::change::Rebuild>,
}

impl Lesson {
    pub const ALL: [Lesson; 11] = [
        Lesson::SineNextValue,
        Lesson::CurveFitting,
        Lesson::LargeInputs,
        Lesson::VanishingGradients,
        Lesson::ExplodingGradients,
        Lesson::Classification,
        Lesson::StockCsv,
        Lesson::HouseholdLoad,
        Lesson::LongSequences,
        Lesson::NotesExample,
        Lesson::CarriedState,
    ];

    /// Its name in links and in the page's lesson list: the snake-case name serde writes
    /// (`sine_next_value`), so the link and the list share one spelling.
    pub fn key(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// The lesson named `key` (see [`Self::key`]).
    pub fn from_key(key: &str) -> Option<Lesson> {
        serde_json::from_value(serde_json::Value::from(key)).ok()
    }

    /// The lesson's title in the page's language.
    pub fn title(self) -> &'static str {
        crate::i18n::tr(self.title_key())
    }

    /// The catalogue key of the lesson's title.
    pub fn title_key(self) -> &'static str {
        match self {
            Lesson::SineNextValue => "lesson.sine.title",
            Lesson::CurveFitting => "lesson.curve.title",
            Lesson::LargeInputs => "lesson.large_inputs.title",
            Lesson::VanishingGradients => "lesson.vanishing.title",
            Lesson::ExplodingGradients => "lesson.exploding.title",
            Lesson::Classification => "lesson.classification.title",
            Lesson::StockCsv => "lesson.stock.title",
            Lesson::HouseholdLoad => "lesson.household.title",
            Lesson::LongSequences => "lesson.long.title",
            Lesson::NotesExample => "lesson.notes.title",
            Lesson::CarriedState => "lesson.carried.title",
        }
    }

    /// Two or three sentences for the page, in its language.
    pub fn explanation(self) -> &'static str {
        crate::i18n::tr(match self {
            Lesson::SineNextValue => "lesson.sine.text",
            Lesson::CurveFitting => "lesson.curve.text",
            Lesson::LargeInputs => "lesson.large_inputs.text",
            Lesson::VanishingGradients => "lesson.vanishing.text",
            Lesson::ExplodingGradients => "lesson.exploding.text",
            Lesson::Classification => "lesson.classification.text",
            Lesson::StockCsv => "lesson.stock.text",
            Lesson::HouseholdLoad => "lesson.household.text",
            Lesson::LongSequences => "lesson.long.text",
            Lesson::NotesExample => "lesson.notes.text",
            Lesson::CarriedState => "lesson.carried.text",
        })
    }

    /// The lesson's own settings.
    pub fn defaults(self) -> Settings {
        match self {
            Lesson::SineNextValue => Settings {
                cell: CellKind::Lstm(LstmVariant::Standard),
                hidden_size: 32,
                learning_rate: 0.01,
                scaling: Scaling::None,
                clip: Clip::Off,
                optimizer: OptimizerKind::ADAM,
                seed: 1,
                schedule: Schedule::default(),
                shape: Shape::default(),
            },
            Lesson::CurveFitting => Settings {
                cell: CellKind::Lstm(LstmVariant::Standard),
                hidden_size: 10,
                learning_rate: 0.006,
                scaling: Scaling::ZScore,
                clip: Clip::Off,
                optimizer: OptimizerKind::ADAM,
                seed: 1,
                schedule: Schedule::default(),
                shape: Shape::default(),
            },
            // Lesson 2's run with x itself fed in raw, at a larger learning rate: normalised,
            // the run at the notes' 0.006 sometimes waits 800 steps before it learns (seed 3
            // in a debug build); at 0.02 it is down to MSE 0.04-0.06 by step 1000 on seeds
            // 1-8, and raw it stays at 0.50 on all of them (2026-12-02).
            Lesson::LargeInputs => Settings {
                scaling: Scaling::None,
                learning_rate: 0.02,
                ..Lesson::CurveFitting.defaults()
            },
            Lesson::NotesExample => Settings {
                cell: CellKind::Rnn(crate::nn::Activation::Tanh),
                hidden_size: 2,
                learning_rate: 0.01,
                scaling: Scaling::None,
                clip: Clip::Off,
                optimizer: OptimizerKind::SGD,
                seed: 1,
                schedule: Schedule::default(),
                shape: Shape {
                    init: Scheme::Identity,
                    ..Shape::default()
                },
            },
            Lesson::LongSequences => Settings {
                hidden_size: 128,
                learning_rate: 0.003,
                shape: Shape {
                    layers: 2,
                    ..Shape::default()
                },
                ..Lesson::CurveFitting.defaults()
            },
            Lesson::VanishingGradients => Settings {
                cell: CellKind::Rnn(crate::nn::Activation::Tanh),
                ..Lesson::SineNextValue.defaults()
            },
            Lesson::Classification => Settings {
                hidden_size: 16,
                ..Lesson::SineNextValue.defaults()
            },
            Lesson::StockCsv | Lesson::HouseholdLoad => Settings {
                learning_rate: 0.005,
                scaling: Scaling::ZScore,
                ..Lesson::SineNextValue.defaults()
            },
            // Starts from zero in every window; the tour has the learner carry state.
            Lesson::CarriedState => Settings {
                hidden_size: 16,
                ..Lesson::SineNextValue.defaults()
            },
            Lesson::ExplodingGradients => Settings {
                cell: CellKind::Rnn(crate::nn::Activation::Relu),
                hidden_size: 32,
                learning_rate: 1.0,
                scaling: Scaling::ZScore,
                clip: Clip::Off,
                optimizer: OptimizerKind::SGD,
                seed: 1,
                schedule: Schedule::default(),
                shape: Shape::default(),
            },
        }
    }

    /// Builds the dataset and config with `s`.
    pub fn prepare(self, s: &Settings) -> Result<Prepared, Text> {
        match self {
            Lesson::VanishingGradients => return long_lag(s).map_err(Text::from),
            Lesson::Classification => return cos_sign(s).map_err(Text::from),
            Lesson::NotesExample => return notes_example(s).map_err(Text::from),
            Lesson::CarriedState => return leaky_sum(s).map_err(Text::from),
            Lesson::StockCsv => {
                let table = sample_table(
                    &crate::data::samples::stock_like(),
                    Some(("symbol", "SYNA")),
                )?;
                let features = ["open", "close", "low", "high", "volume"];
                let choice = CsvChoice {
                    features: features.iter().map(|f| f.to_string()).collect(),
                    target: "close".into(),
                    window: 10,
                    horizon: 1,
                    task: CsvTask::NextValue,
                    change: Default::default(),
                };
                return prepare_csv(&table, &choice, s);
            }
            Lesson::HouseholdLoad => {
                let table = sample_table(&crate::data::samples::household_load(), None)?;
                let choice = CsvChoice {
                    features: vec!["load_kw".into()],
                    target: "load_kw".into(),
                    window: 5,
                    horizon: 6,
                    task: CsvTask::NextValue,
                    change: Default::default(),
                };
                return prepare_csv(&table, &choice, s);
            }
            _ => {}
        }
        let (points, x_start, x_end) = match self {
            Lesson::SineNextValue | Lesson::ExplodingGradients => (2000, 0.0, 100.0),
            Lesson::CurveFitting => (1000, 0.0, 1000.0 * 0.1 / std::f64::consts::PI),
            Lesson::LongSequences => (
                LONG + 20 * LONG_STRIDE,
                0.0,
                (LONG + 20 * LONG_STRIDE) as f64 * 0.1 / std::f64::consts::PI,
            ),
            Lesson::LargeInputs => {
                let start = 3000.0 / (10.0 * std::f64::consts::PI);
                (1000, start, start + 1000.0 * 0.1 / std::f64::consts::PI)
            }
            _ => unreachable!("prepared above"),
        };
        let sine_task = matches!(self, Lesson::SineNextValue | Lesson::ExplodingGradients);
        let kind = if sine_task {
            SignalKind::Sine
        } else {
            SignalKind::Cosine
        };
        let series = generate(&SignalParams {
            kind,
            points,
            x_start,
            x_end,
            ..SignalParams::default()
        });
        let (features, task, batch_size, split) = match self {
            Lesson::SineNextValue | Lesson::ExplodingGradients => (
                vec![("sin(t)".to_string(), series.y.clone())],
                Task::NextValue {
                    window: 10,
                    horizon: 1,
                    stride: 1,
                },
                32,
                SplitSpec::Counts {
                    validation: 200,
                    test: 200,
                },
            ),
            _ => (
                {
                    let sin: Vec<f64> = series.x.iter().map(|v| v.sin()).collect();
                    let mut f = vec![("sin(x)".to_string(), sin)];
                    if self == Lesson::LargeInputs {
                        f.insert(0, ("x".to_string(), series.x.clone()));
                    }
                    f
                },
                match self {
                    Lesson::LongSequences => Task::SeqToSeq {
                        window: LONG,
                        stride: LONG_STRIDE,
                    },
                    _ => Task::SeqToSeq {
                        window: 20,
                        stride: 1,
                    },
                },
                if self == Lesson::LongSequences { 2 } else { 50 },
                // Curve fitting, as in the notes: the whole curve is fitted (x -> cos(x) for x
                // never seen would be extrapolation, not what this lesson is about).
                SplitSpec::Counts {
                    validation: 0,
                    test: 0,
                },
            ),
        };
        let target_name = if sine_task { "sin(t)" } else { "cos(x)" };
        let dataset = Dataset::new(
            features,
            (target_name.into(), TargetData::Values(series.y.clone())),
            task,
            s.scaling,
            split,
        )
        .map_err(Text::from)?;
        let config = s.train_config(batch_size);
        Ok(Prepared {
            dataset,
            config,
            x: series.x,
            y: series.y,
            rebuild: None,
        })
    }
}

/// Lesson 10: one window of one step, x_1 = [0.6, 0.5], as in the notes' worked example (the
/// target, tanh(0.6), only gives the loss something to measure).
fn notes_example(s: &Settings) -> Result<Prepared, FrameError> {
    let target = vec![0.6f64.tanh()];
    let dataset = Dataset::new(
        vec![("x1".into(), vec![0.6]), ("x2".into(), vec![0.5])],
        ("h1".into(), TargetData::Values(target.clone())),
        Task::SeqToSeq {
            window: 1,
            stride: 1,
        },
        s.scaling,
        SplitSpec::Counts {
            validation: 0,
            test: 0,
        },
    )?;
    Ok(Prepared {
        dataset,
        config: s.train_config(1),
        x: vec![1.0],
        y: target,
        rebuild: None,
    })
}

/// The time steps of a window in the long-sequence lesson, and how far apart windows start.
pub const LONG: usize = 2000;
const LONG_STRIDE: usize = 250;

/// Rows between the remembered value and its recall in the vanishing-gradient lesson.
pub const LAG: usize = 50;

/// The LSTM forget-gate bias lesson 4 starts from.
pub const FORGET_BIAS: f64 = 5.0;

/// Lesson 4: windows of [`LAG`] random values whose first is marked; the target is that first
/// value, read [`LAG`] steps later.
fn long_lag(s: &Settings) -> Result<Prepared, FrameError> {
    use rand::{Rng, SeedableRng};
    let pulses = 400;
    let rows = pulses * LAG;
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(50);
    // Every row carries a random value; a marker column flags the first row of each window,
    // whose value is the one to recall (the rest are distractors, as in Hochreiter and
    // Schmidhuber's long-lag experiments).
    let x: Vec<f64> = (0..rows).map(|_| rng.random_range(-1.0..1.0)).collect();
    let values: Vec<f64> = (0..pulses).map(|k| x[k * LAG]).collect();
    let marker: Vec<f64> = (0..rows)
        .map(|r| if r % LAG == 0 { 1.0 } else { 0.0 })
        .collect();
    // The value to recall: the previous pulse's, held (the window starting at pulse k has its
    // target on row (k+1)*LAG).
    let y: Vec<f64> = (0..rows)
        .map(|r| if r < LAG { 0.0 } else { values[r / LAG - 1] })
        .collect();
    let dataset = Dataset::new(
        vec![("value".to_string(), x), ("marker".to_string(), marker)],
        ("value 50 steps ago".into(), TargetData::Values(y.clone())),
        Task::NextValue {
            window: LAG,
            horizon: 1,
            stride: LAG,
        },
        s.scaling,
        // Whole multiples of LAG, so every split's windows start on a value.
        SplitSpec::Counts {
            validation: 60 * LAG,
            test: 60 * LAG,
        },
    )?;
    let mut config = s.train_config(32);
    // An LSTM remembers across 49 steps only if its forget gate starts nearly open:
    // σ(5)^49 ≈ 0.72 of the cell survives, σ(1)^49 (Keras' unit forget bias) ≈ 2e-7.
    config.init.forget_bias = Some(FORGET_BIAS);
    Ok(Prepared {
        dataset,
        config,
        x: (0..rows).map(|r| r as f64).collect(),
        y,
        rebuild: None,
    })
}

/// Rows of lesson 11's series, and the share of the running sum each step keeps.
pub const LEAKY_ROWS: usize = 4000;
pub const LEAK: f64 = 0.95;

/// Lesson 11: a leaky running sum y_t = 0.95 y_(t-1) + 0.3 x_t of random inputs, learnt from
/// windows of 10 (sequence to sequence). Half of an input is still in the sum 13 steps later,
/// so a window started from zero cannot know what came in before it; a state carried from
/// the window before can.
fn leaky_sum(s: &Settings) -> Result<Prepared, FrameError> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(95);
    let x: Vec<f64> = (0..LEAKY_ROWS)
        .map(|_| rng.random_range(-1.0..1.0))
        .collect();
    let mut y = vec![0.0; LEAKY_ROWS];
    for t in 0..LEAKY_ROWS {
        y[t] = 0.3 * x[t] + if t > 0 { LEAK * y[t - 1] } else { 0.0 };
    }
    let dataset = Dataset::new(
        vec![("input".to_string(), x)],
        ("running sum".into(), TargetData::Values(y.clone())),
        Task::SeqToSeq {
            window: 10,
            stride: 1,
        },
        s.scaling,
        SplitSpec::Counts {
            validation: 400,
            test: 400,
        },
    )?;
    Ok(Prepared {
        dataset,
        config: s.train_config(8),
        x: (0..LEAKY_ROWS).map(|r| r as f64).collect(),
        y,
        rebuild: None,
    })
}

/// Lesson 6: classes from the sign of cos(4x) one step ahead, inputs cos(4x) plus noise.
fn cos_sign(s: &Settings) -> Result<Prepared, FrameError> {
    use rand::SeedableRng;
    use rand_distr::{Distribution, Normal};
    let x: Vec<f64> = (0..2000).map(|i| i as f64 * 0.01).collect();
    let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(4);
    let noise = Normal::new(0.0, 0.2).expect("valid normal");
    let signal: Vec<f64> = x
        .iter()
        .map(|&v| (4.0 * v).cos() + noise.sample(&mut rng))
        .collect();
    let labels = crate::data::signals::cos_sign_labels(&x, 4.0);
    let y = labels.iter().map(|&c| c as f64).collect();
    let dataset = Dataset::new(
        vec![("cos(4x) + noise".to_string(), signal)],
        (
            "cos(4x) ≥ 0".into(),
            TargetData::Classes { labels, classes: 2 },
        ),
        Task::NextValue {
            window: 10,
            horizon: 1,
            stride: 1,
        },
        s.scaling,
        SplitSpec::Counts {
            validation: 200,
            test: 200,
        },
    )?;
    Ok(Prepared {
        dataset,
        config: s.train_config(32),
        x,
        y,
        rebuild: None,
    })
}

/// A shipped sample file's table (the same bytes as in www/data), optionally one series.
fn sample_table(
    text: &str,
    series: Option<(&str, &str)>,
) -> Result<crate::data::table::Table, Text> {
    use crate::data::table::{parse_csv, CsvOptions, SeriesFilter};
    let options = CsvOptions {
        series: series.map(|(column, value)| SeriesFilter {
            column: column.into(),
            value: value.into(),
        }),
        ..CsvOptions::default()
    };
    parse_csv(text.as_bytes(), &options).map_err(Text::from)
}

#[cfg(test)]
mod tests {
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
}

/// What to learn from an uploaded CSV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CsvTask {
    /// The target `horizon` rows after each window (many-to-one regression).
    #[default]
    NextValue,
    /// The target at every row of the window, from the features at that row (many-to-many).
    SeqToSeq,
    /// The class in the target column (whole numbers 0, 1, ...) `horizon` rows after each
    /// window (many-to-one, softmax cross-entropy).
    Classify,
}

impl CsvTask {
    pub const ALL: [CsvTask; 3] = [CsvTask::NextValue, CsvTask::SeqToSeq, CsvTask::Classify];

    /// Its name's catalogue key.
    pub const fn key(self) -> &'static str {
        match self {
            CsvTask::NextValue => "task.next_value",
            CsvTask::SeqToSeq => "task.seq2seq",
            CsvTask::Classify => "task.classify",
        }
    }
}

/// What the learner picked for an uploaded CSV: `task` on `target` from windows of
/// `features`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsvChoice {
    pub features: Vec<String>,
    pub target: String,
    pub window: usize,
    /// Rows from a window's last row to its target (next value, classification).
    pub horizon: usize,
    #[serde(default)]
    pub task: CsvTask,
    /// Predict the target's value, or its change (every chosen column then enters as its
    /// change too); not for classification.
    #[serde(default)]
    pub change: crate::data::change::Change,
}

impl CsvChoice {
    /// A starting choice for `table`: its default target (the last measurement, see
    /// [`crate::data::table::Table::default_target`]) as target and feature, window 10, next
    /// value.
    pub fn default_for(table: &crate::data::table::Table) -> Option<CsvChoice> {
        Some(CsvChoice::for_target(table.default_target()?.to_string()))
    }

    /// Predicts `target` instead, and the inputs follow: the new target's own past takes the
    /// old target's place among the features (a run on one column stays on one column, the
    /// one now predicted; other chosen features stay).
    pub fn retarget(&mut self, target: String) {
        let old = std::mem::replace(&mut self.target, target.clone());
        let mut seen = std::collections::HashSet::new();
        self.features = std::mem::take(&mut self.features)
            .into_iter()
            .map(|f| if f == old { target.clone() } else { f })
            .filter(|f| seen.insert(f.clone()))
            .collect();
    }

    /// `target` as target and only feature, window 10, next value.
    pub fn for_target(target: String) -> CsvChoice {
        CsvChoice {
            features: vec![target.clone()],
            target,
            window: 10,
            horizon: 1,
            task: CsvTask::NextValue,
            change: Default::default(),
        }
    }
}

/// Frames an uploaded table for training: chronological 70/15/15 split, `s.scaling` fitted on
/// the training rows. The chart's x axis is the row number.
pub fn prepare_csv(
    table: &crate::data::table::Table,
    choice: &CsvChoice,
    s: &Settings,
) -> Result<Prepared, Text> {
    let column = |name: &str| {
        table
            .column(name)
            .and_then(|c| c.numbers())
            .map(|v| v.to_vec())
            .ok_or_else(|| Text::with("err.not_numeric_column", &[("name", &name)]))
    };
    if choice.features.is_empty() {
        return Err(Text::new("err.frame.no_features"));
    }
    let mut features = choice
        .features
        .iter()
        .map(|f| column(f).map(|v| (f.clone(), v)))
        .collect::<Result<Vec<_>, _>>()?;
    let y = column(&choice.target)?;
    // Predicting a change: the target's change over the horizon (from the window's last
    // row), every feature's change from one row to the next; the first rows, which have
    // none, are left out, and the levels the changes were taken from are kept to rebuild
    // the forecast.
    use crate::data::change::{changes, Change, Rebuild};
    if choice.change == Change::Level || choice.task == CsvTask::Classify {
        return finish_csv(choice, features, y.clone(), y, 0, None, s);
    }
    let lag = match choice.task {
        CsvTask::NextValue => choice.horizon.max(1),
        _ => 1,
    };
    for (name, v) in &mut features {
        *v = changes(name, v, 1, choice.change)?.split_off(lag - 1);
    }
    let target = changes(&choice.target, &y, lag, choice.change)?;
    let rebuild = Rebuild {
        how: choice.change,
        base: y[..y.len() - lag].to_vec(),
    };
    let levels = y[lag..].to_vec();
    finish_csv(choice, features, levels, target, lag, Some(rebuild), s)
}

/// [`prepare_csv`] from the columns as the network receives them: `features`, the target
/// `train_on` (its values, or their changes), and `y`, the target's levels for the chart,
/// whose first row is row `first_row` of the file.
fn finish_csv(
    choice: &CsvChoice,
    features: Vec<(String, Vec<f64>)>,
    y: Vec<f64>,
    train_on: Vec<f64>,
    first_row: usize,
    rebuild: Option<crate::data::change::Rebuild>,
    s: &Settings,
) -> Result<Prepared, Text> {
    let task = match choice.task {
        CsvTask::SeqToSeq => Task::SeqToSeq {
            window: choice.window,
            stride: 1,
        },
        CsvTask::NextValue | CsvTask::Classify => Task::NextValue {
            window: choice.window,
            horizon: choice.horizon,
            stride: 1,
        },
    };
    let target = match choice.task {
        CsvTask::Classify => crate::data::frame::classes_from_column(&choice.target, &train_on)
            .map_err(Text::from)?,
        CsvTask::NextValue | CsvTask::SeqToSeq => TargetData::Values(train_on),
    };
    let dataset = Dataset::new(
        features,
        (choice.target.clone(), target),
        task,
        s.scaling,
        SplitSpec::Fractions {
            validation: 0.15,
            test: 0.15,
        },
    )
    .map_err(Text::from)?;
    let config = s.train_config(32);
    Ok(Prepared {
        dataset,
        config,
        x: (first_row..first_row + y.len()).map(|i| i as f64).collect(),
        y,
        rebuild,
    })
}

#[cfg(test)]
mod csv_tests {
    use super::*;
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
        let cases: [(Edit, &str); 9] = [
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
        ];
        for (k, (f, key)) in cases.iter().enumerate() {
            assert_eq!(refused(f).as_deref(), Some(*key), "case {k}");
        }
        let mut bad = link;
        bad.settings.clip = Clip::Norm(0.0);
        assert!(RunLink::from_text(&bad.to_text())
            .unwrap_err()
            .to_string()
            .contains("clipping"));
        let mut bad = link;
        bad.settings.shape.layers = 5;
        assert!(RunLink::from_text(&bad.to_text())
            .unwrap_err()
            .to_string()
            .contains("layers"));
        let mut bad = link;
        bad.settings.shape.dropout = 1.0;
        assert!(RunLink::from_text(&bad.to_text())
            .unwrap_err()
            .to_string()
            .contains("dropout"));
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

#[cfg(test)]
mod held_out_tests {
    use super::*;

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
