//! Framing a task: chronological train / validation / test splits, windows that never straddle
//! a split boundary, normalisation fitted on the training split, and batches in the core's
//! layout (one column per sample) as plain vectors, so `data` needs nothing from `nn`.

use crate::i18n::Text;
use std::ops::Range;

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use super::normalise::{ConstantColumn, Scaler, Scaling};

/// How the rows are split, chronologically: train first, then validation, then test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "by")]
pub enum SplitSpec {
    /// Fractions of the rows for validation and test (the rest trains).
    Fractions { validation: f64, test: f64 },
    /// Row counts for validation and test (the notes: the last 200 test, the 200 before
    /// validation).
    Counts { validation: usize, test: usize },
}

/// Row ranges of the three splits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub train: Range<usize>,
    pub validation: Range<usize>,
    pub test: Range<usize>,
}

/// How inputs and targets are cut from the series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Task {
    /// Many-to-one: a window of `window` rows predicts the target `horizon` rows after the
    /// window's last row (horizon 1 = the next value; the electricity case: window 5, horizon 6).
    NextValue {
        window: usize,
        horizon: usize,
        stride: usize,
    },
    /// Many-to-many, aligned: inputs x_t -> target y_t at every step of a window (the notes
    /// fit x -> cos(x) over 20 steps).
    SeqToSeq { window: usize, stride: usize },
}

impl Task {
    pub fn window(&self) -> usize {
        match *self {
            Task::NextValue { window, .. } | Task::SeqToSeq { window, .. } => window,
        }
    }

    /// Rows a window spans including its target.
    pub fn span(&self) -> usize {
        match *self {
            Task::NextValue {
                window, horizon, ..
            } => window + horizon,
            Task::SeqToSeq { window, .. } => window,
        }
    }

    fn stride(&self) -> usize {
        match *self {
            Task::NextValue { stride, .. } | Task::SeqToSeq { stride, .. } => stride.max(1),
        }
    }
}

/// What the network is trained to output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TargetData {
    /// A value per row (regression), in original units.
    Values(Vec<f64>),
    /// A class per row (classification).
    Classes { labels: Vec<usize>, classes: usize },
}

/// Why a dataset could not be framed. Messages say what to change.
#[derive(Debug, Clone, PartialEq)]
pub enum FrameError {
    NoFeatures,
    Lengths,
    BadFractions {
        validation: f64,
        test: f64,
    },
    TooFewRows {
        /// `train`, `validation` or `test`.
        split: &'static str,
        rows: usize,
        window: usize,
        horizon: usize,
        needed: usize,
    },
    ZeroWindow,
    Constant(ConstantColumn),
    NotUnivariate,
    NotAClass {
        column: String,
        row: usize,
        value: f64,
    },
    TooManyClasses {
        column: String,
        classes: usize,
    },
    OneClass {
        column: String,
        class: usize,
    },
}

impl From<ConstantColumn> for FrameError {
    fn from(c: ConstantColumn) -> Self {
        FrameError::Constant(c)
    }
}

/// The message, in the page's language.
impl std::fmt::Display for FrameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl From<FrameError> for Text {
    fn from(e: FrameError) -> Text {
        e.text()
    }
}

impl FrameError {
    /// What is wrong and what to do, as a message worded when shown.
    pub fn text(&self) -> Text {
        match self {
            FrameError::NoFeatures => Text::new("err.frame.no_features"),
            FrameError::Lengths => Text::new("err.frame.lengths"),
            FrameError::BadFractions { validation, test } => Text::with(
                "err.frame.fractions",
                &[("validation", validation), ("test", test)],
            ),
            FrameError::TooFewRows {
                split,
                rows,
                window,
                horizon,
                needed,
            } => Text::with(
                "err.frame.too_few_rows",
                &[
                    ("rows", rows),
                    ("window", window),
                    ("horizon", horizon),
                    ("needed", needed),
                ],
            )
            .and("split", Text::new(format!("split.{split}"))),
            FrameError::ZeroWindow => Text::new("err.frame.zero_window"),
            FrameError::Constant(c) => c.text(),
            FrameError::NotUnivariate => Text::new("err.frame.not_univariate"),
            FrameError::NotAClass { column, row, value } => Text::with(
                "err.frame.not_a_class",
                &[("column", column), ("row", row), ("value", value)],
            ),
            FrameError::TooManyClasses { column, classes } => Text::with(
                "err.frame.too_many_classes",
                &[
                    ("column", column),
                    ("classes", classes),
                    ("max", &MAX_CLASSES),
                ],
            ),
            FrameError::OneClass { column, class } => Text::with(
                "err.frame.one_class",
                &[("column", column), ("class", class)],
            ),
        }
    }
}

impl std::error::Error for FrameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FrameError::Constant(c) => Some(c),
            _ => None,
        }
    }
}

/// Most classes a label column may have.
pub const MAX_CLASSES: usize = 20;

/// Class labels from a numeric column of whole numbers 0, 1, 2, ... (a CSV's label column).
pub fn classes_from_column(column: &str, values: &[f64]) -> Result<TargetData, FrameError> {
    let mut labels = Vec::with_capacity(values.len());
    for (row, &v) in values.iter().enumerate() {
        if v < 0.0 || v.fract() != 0.0 || v > 1e6 {
            return Err(FrameError::NotAClass {
                column: column.into(),
                row: row + 1,
                value: v,
            });
        }
        labels.push(v as usize);
    }
    let classes = labels.iter().max().map_or(0, |m| m + 1);
    if classes > MAX_CLASSES {
        return Err(FrameError::TooManyClasses {
            column: column.into(),
            classes,
        });
    }
    if labels.iter().all(|&l| l == labels[0]) {
        return Err(FrameError::OneClass {
            column: column.into(),
            class: labels.first().copied().unwrap_or(0),
        });
    }
    Ok(TargetData::Classes { labels, classes })
}

/// Splits `rows` chronologically.
pub fn split(rows: usize, spec: SplitSpec) -> Result<Split, FrameError> {
    let (val, test) = match spec {
        SplitSpec::Fractions { validation, test } => {
            let ok = (0.0..1.0).contains(&validation)
                && (0.0..1.0).contains(&test)
                && validation + test < 1.0;
            if !ok {
                return Err(FrameError::BadFractions { validation, test });
            }
            (
                (rows as f64 * validation).round() as usize,
                (rows as f64 * test).round() as usize,
            )
        }
        SplitSpec::Counts { validation, test } => (validation, test),
    };
    let train_end = rows.saturating_sub(val + test);
    let val_end = (train_end + val).min(rows);
    Ok(Split {
        train: 0..train_end,
        validation: train_end..val_end,
        test: val_end..rows,
    })
}

/// Start rows of the windows that fit entirely (inputs and target) inside `range`.
pub fn window_starts(range: &Range<usize>, task: &Task) -> Vec<usize> {
    let span = task.span();
    if span == 0 || range.len() < span {
        return Vec::new();
    }
    (range.start..=range.end - span)
        .step_by(task.stride())
        .collect()
}

/// Everything a run needs to draw batches: scaled features and targets, the scalers, the
/// splits and each split's window starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub feature_names: Vec<String>,
    pub target_name: String,
    /// Scaled features, `[feature][row]`.
    pub x: Vec<Vec<f64>>,
    /// Scaled targets (regression) or classes.
    pub y: TargetData,
    pub x_scalers: Vec<Scaler>,
    /// The target's scaler (identity for classes): invert it to chart original units.
    pub y_scaler: Scaler,
    pub task: Task,
    pub split: Split,
    pub train: Vec<usize>,
    pub validation: Vec<usize>,
    pub test: Vec<usize>,
}

/// One batch in the core's layout: per step, a `features x batch` matrix as a column-major
/// vector (sample b's features at `b*features..`).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub features: usize,
    pub size: usize,
    pub inputs: Vec<Vec<f64>>,
    pub targets: BatchTargets,
}

/// Targets of a batch, per scored step (1 for next-value, every step for seq-to-seq).
#[derive(Debug, Clone, PartialEq)]
pub enum BatchTargets {
    /// `1 x batch` per scored step.
    Values(Vec<Vec<f64>>),
    Classes(Vec<Vec<usize>>),
}

impl Dataset {
    /// Frames `features` (name, values in original units) and `target` for `task`: splits
    /// chronologically, fits `scaling` on the training rows only, and lists window starts.
    pub fn new(
        features: Vec<(String, Vec<f64>)>,
        target: (String, TargetData),
        task: Task,
        scaling: Scaling,
        split_spec: SplitSpec,
    ) -> Result<Dataset, FrameError> {
        if features.is_empty() {
            return Err(FrameError::NoFeatures);
        }
        if task.window() == 0 {
            return Err(FrameError::ZeroWindow);
        }
        let rows = features[0].1.len();
        let target_len = match &target.1 {
            TargetData::Values(v) => v.len(),
            TargetData::Classes { labels, .. } => labels.len(),
        };
        if features.iter().any(|(_, v)| v.len() != rows) || target_len != rows {
            return Err(FrameError::Lengths);
        }
        let split = split(rows, split_spec)?;
        let needed = task.span();
        let horizon = needed - task.window();
        let check = |name: &'static str, r: &Range<usize>| {
            if r.len() < needed {
                Err(FrameError::TooFewRows {
                    split: name,
                    rows: r.len(),
                    window: task.window(),
                    horizon,
                    needed,
                })
            } else {
                Ok(())
            }
        };
        check("training", &split.train)?;
        if !split.validation.is_empty() {
            check("validation", &split.validation)?;
        }
        if !split.test.is_empty() {
            check("test", &split.test)?;
        }
        let mut x_scalers = Vec::new();
        let mut x = Vec::new();
        let mut feature_names = Vec::new();
        for (name, values) in features {
            let s = Scaler::fit(scaling, &values[split.train.clone()], &name)?;
            x.push(values.iter().map(|&v| s.apply(v)).collect());
            x_scalers.push(s);
            feature_names.push(name);
        }
        let (target_name, y_raw) = target;
        let (y, y_scaler) = match y_raw {
            TargetData::Values(v) => {
                let s = Scaler::fit(scaling, &v[split.train.clone()], &target_name)?;
                (
                    TargetData::Values(v.iter().map(|&t| s.apply(t)).collect()),
                    s,
                )
            }
            classes => (classes, Scaler::IDENTITY),
        };
        Ok(Dataset {
            train: window_starts(&split.train, &task),
            validation: window_starts(&split.validation, &task),
            test: window_starts(&split.test, &task),
            feature_names,
            target_name,
            x,
            y,
            x_scalers,
            y_scaler,
            task,
            split,
        })
    }

    pub fn rows(&self) -> usize {
        self.x[0].len()
    }

    /// The training window starts in this epoch's order: shuffled by (seed, epoch), so a run
    /// is reproducible. Validation and test are never shuffled.
    pub fn shuffled_train(&self, seed: u64, epoch: u64) -> Vec<usize> {
        let mut order = self.train.clone();
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ epoch.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        order.shuffle(&mut rng);
        order
    }

    /// The training windows as `streams` streams of consecutive windows that do not overlap
    /// (each starts where the one before it ends), interleaved so that each run of
    /// `streams` entries holds the next window of every stream: the order stateful training
    /// reads them in, carrying each stream's state from one batch to the next. Windows left
    /// over when the streams are cut equal are left out.
    pub fn stream_order(&self, streams: usize) -> Vec<usize> {
        let window = self.task.window().max(1);
        let train: std::collections::HashSet<usize> = self.train.iter().copied().collect();
        let Some(&first) = self.train.iter().min() else {
            return Vec::new();
        };
        let segments: Vec<usize> = (0..)
            .map(|k| first + k * window)
            .take_while(|s| train.contains(s))
            .collect();
        let streams = streams.clamp(1, segments.len().max(1));
        let per_stream = segments.len() / streams;
        (0..per_stream)
            .flat_map(|k| (0..streams).map(move |b| (b, k)))
            .map(|(b, k)| segments[b * per_stream + k])
            .collect()
    }

    /// How many steps of a window are scored: 1 for next value, every step for seq-to-seq.
    pub fn scored_steps(&self) -> usize {
        match self.task {
            Task::NextValue { .. } => 1,
            Task::SeqToSeq { window, .. } => window,
        }
    }

    /// Validation and test targets beyond the training split's range (a trend), judged on
    /// what the network learns to output, in original units; None for classification.
    pub fn beyond_training(&self) -> Option<super::normalise::Beyond> {
        let TargetData::Values(v) = &self.y else {
            return None;
        };
        let v: Vec<f64> = v.iter().map(|&t| self.y_scaler.invert(t)).collect();
        let end = self.split.train.end.min(v.len());
        super::normalise::beyond_range(&v[..end], &v[end..])
    }

    /// The row of the target scored at scored step `k` of the window starting at `start`
    /// (k = 0 for next value). The last scored step's row is where charts put a prediction.
    pub fn target_row(&self, start: usize, k: usize) -> usize {
        match self.task {
            Task::NextValue {
                window, horizon, ..
            } => start + window - 1 + horizon + k,
            Task::SeqToSeq { .. } => start + k,
        }
    }

    /// The batch of windows starting at `starts`.
    pub fn batch(&self, starts: &[usize]) -> Batch {
        let f = self.x.len();
        let window = self.task.window();
        let inputs = (0..window)
            .map(|t| {
                starts
                    .iter()
                    .flat_map(|&s| self.x.iter().map(move |col| col[s + t]))
                    .collect()
            })
            .collect();
        let scored = self.scored_steps();
        let targets = match &self.y {
            TargetData::Values(v) => BatchTargets::Values(
                (0..scored)
                    .map(|k| starts.iter().map(|&s| v[self.target_row(s, k)]).collect())
                    .collect(),
            ),
            TargetData::Classes { labels, .. } => BatchTargets::Classes(
                (0..scored)
                    .map(|k| {
                        starts
                            .iter()
                            .map(|&s| labels[self.target_row(s, k)])
                            .collect()
                    })
                    .collect(),
            ),
        };
        Batch {
            features: f,
            size: starts.len(),
            inputs,
            targets,
        }
    }

    /// Multi-step (recursive) forecast: starting from the window at `start`, predict one value,
    /// append it as the next input, drop the oldest, repeat `steps` times. `predict` gets the
    /// window (scaled) and returns the next scaled value. Needs the target as the only feature.
    pub fn recursive_forecast(
        &self,
        start: usize,
        steps: usize,
        mut predict: impl FnMut(&[f64]) -> f64,
    ) -> Result<Vec<f64>, FrameError> {
        if self.x.len() != 1 || self.feature_names[0] != self.target_name {
            return Err(FrameError::NotUnivariate);
        }
        let window = self.task.window();
        let mut w: Vec<f64> = self.x[0][start..start + window].to_vec();
        let mut out = Vec::with_capacity(steps);
        for _ in 0..steps {
            let next = predict(&w);
            out.push(next);
            w.remove(0);
            w.push(next);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp(n: usize) -> Vec<f64> {
        (0..n).map(|i| i as f64).collect()
    }

    /// A ramp of `n` values learnt from itself with `task`, every window trained on.
    fn ramp_on_itself(n: usize, task: Task) -> Dataset {
        Dataset::new(
            vec![("v".into(), ramp(n))],
            ("v".into(), TargetData::Values(ramp(n))),
            task,
            Scaling::None,
            SplitSpec::Counts {
                validation: 0,
                test: 0,
            },
        )
        .unwrap()
    }

    /// The notes' Keras split: 2000 points, last 200 test, 200 before validation.
    #[test]
    fn notes_split_by_counts() {
        let s = split(
            2000,
            SplitSpec::Counts {
                validation: 200,
                test: 200,
            },
        )
        .unwrap();
        assert_eq!(
            s,
            Split {
                train: 0..1600,
                validation: 1600..1800,
                test: 1800..2000
            }
        );
    }

    #[test]
    fn next_value_windows_and_batch_layout() {
        let task = Task::NextValue {
            window: 3,
            horizon: 1,
            stride: 1,
        };
        let d = Dataset::new(
            vec![
                ("a".into(), ramp(20)),
                ("b".into(), ramp(20).iter().map(|v| v * 10.0).collect()),
            ],
            ("a".into(), TargetData::Values(ramp(20))),
            task,
            Scaling::None,
            SplitSpec::Counts {
                validation: 4,
                test: 4,
            },
        )
        .unwrap();
        assert_eq!(d.train, (0..=8).collect::<Vec<_>>()); // rows 0..12: last window 8,9,10 -> 11
        assert_eq!(d.validation, vec![12]);
        let b = d.batch(&[2, 5]);
        // step 0: sample 0 = row 2 (a=2, b=20), sample 1 = row 5 (a=5, b=50)
        assert_eq!(b.inputs[0], vec![2.0, 20.0, 5.0, 50.0]);
        assert_eq!(b.inputs[2], vec![4.0, 40.0, 7.0, 70.0]);
        assert_eq!(b.targets, BatchTargets::Values(vec![vec![5.0, 8.0]]));
    }

    /// The electricity case: window 5, the value 6 steps after the window's last reading.
    #[test]
    fn horizon_six() {
        let task = Task::NextValue {
            window: 5,
            horizon: 6,
            stride: 1,
        };
        let d = Dataset::new(
            vec![("load".into(), ramp(40))],
            ("load".into(), TargetData::Values(ramp(40))),
            task,
            Scaling::None,
            SplitSpec::Counts {
                validation: 0,
                test: 0,
            },
        )
        .unwrap();
        let b = d.batch(&[0]);
        assert_eq!(b.targets, BatchTargets::Values(vec![vec![10.0]])); // rows 0..4, then 4 + 6
        assert_eq!(*d.train.last().unwrap(), 40 - 11);
    }

    #[test]
    fn seq_to_seq_scores_every_step() {
        let x = ramp(30);
        let y: Vec<f64> = x.iter().map(|v| v.cos()).collect();
        let d = Dataset::new(
            vec![("x".into(), x)],
            ("cos".into(), TargetData::Values(y.clone())),
            Task::SeqToSeq {
                window: 20,
                stride: 5,
            },
            Scaling::None,
            SplitSpec::Counts {
                validation: 0,
                test: 0,
            },
        )
        .unwrap();
        assert_eq!(d.train, vec![0, 5, 10]);
        let BatchTargets::Values(t) = d.batch(&[5]).targets else {
            panic!()
        };
        assert_eq!(t.len(), 20);
        assert_eq!(t[3], vec![y[8]]);
    }

    #[test]
    fn scaling_is_fitted_on_training_rows_only() {
        // Train rows 0..8 hold 0..7; test rows hold 100s. Min-max from train: (x - 0) / 7.
        let mut v = ramp(8);
        v.extend([100.0, 101.0, 102.0, 103.0]);
        let d = Dataset::new(
            vec![("v".into(), v.clone())],
            ("v".into(), TargetData::Values(v)),
            Task::NextValue {
                window: 2,
                horizon: 1,
                stride: 1,
            },
            Scaling::MinMax01,
            SplitSpec::Counts {
                validation: 0,
                test: 4,
            },
        )
        .unwrap();
        assert_eq!(d.x_scalers[0].offset, 0.0);
        assert_eq!(d.x_scalers[0].scale, 7.0);
        assert!(
            (d.x[0][11] - 103.0 / 7.0).abs() < 1e-12,
            "test values are scaled with training statistics"
        );
        assert!((d.y_scaler.invert(d.x[0][11]) - 103.0).abs() < 1e-12);
    }

    #[test]
    fn too_few_rows_says_what_to_change() {
        let e = Dataset::new(
            vec![("v".into(), ramp(50))],
            ("v".into(), TargetData::Values(ramp(50))),
            Task::NextValue {
                window: 30,
                horizon: 10,
                stride: 1,
            },
            Scaling::None,
            SplitSpec::Counts {
                validation: 10,
                test: 10,
            },
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "the training split has 30 rows but a window of 30 plus a horizon of 10 needs at least 40; shorten the window or horizon, shrink the other splits, or load more data");
    }

    #[test]
    fn recursive_forecast_feeds_predictions_back() {
        let d = ramp_on_itself(
            20,
            Task::NextValue {
                window: 3,
                horizon: 1,
                stride: 1,
            },
        );
        // A "model" that continues the last difference: 2,3,4 -> 5 -> 6 ...
        let f = d
            .recursive_forecast(2, 4, |w| 2.0 * w[w.len() - 1] - w[w.len() - 2])
            .unwrap();
        assert_eq!(f, vec![5.0, 6.0, 7.0, 8.0]);
        let mut seen = Vec::new();
        d.recursive_forecast(0, 2, |w| {
            seen.push(w.to_vec());
            -1.0
        })
        .unwrap();
        assert_eq!(
            seen[1],
            vec![1.0, 2.0, -1.0],
            "the prediction became the newest input"
        );
    }

    #[test]
    fn label_columns_become_classes_or_say_why_not() {
        assert_eq!(
            classes_from_column("label", &[0.0, 1.0, 2.0, 1.0]).unwrap(),
            TargetData::Classes {
                labels: vec![0, 1, 2, 1],
                classes: 3
            }
        );
        assert_eq!(
            classes_from_column("label", &[0.0, 0.5]).unwrap_err().to_string(),
            "column \"label\" holds 0.5 in data row 2; class labels must be whole numbers 0, 1, 2, ..."
        );
        assert!(matches!(
            classes_from_column("close", &[0.0, 57.0]),
            Err(FrameError::TooManyClasses { classes: 58, .. })
        ));
        assert!(matches!(
            classes_from_column("l", &[1.0, 1.0]),
            Err(FrameError::OneClass { class: 1, .. })
        ));
    }

    #[test]
    fn shuffling_is_seeded_and_keeps_the_set() {
        let d = Dataset::new(
            vec![("v".into(), ramp(100))],
            ("v".into(), TargetData::Values(ramp(100))),
            Task::NextValue {
                window: 5,
                horizon: 1,
                stride: 1,
            },
            Scaling::None,
            SplitSpec::Fractions {
                validation: 0.1,
                test: 0.1,
            },
        )
        .unwrap();
        let a = d.shuffled_train(1, 0);
        assert_eq!(a, d.shuffled_train(1, 0));
        assert_ne!(a, d.shuffled_train(1, 1));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, d.train);
    }

    /// Streams of consecutive, non-overlapping windows, interleaved one window of each stream
    /// per batch; what does not divide evenly is left out.
    #[test]
    fn stream_order_cuts_the_training_windows_into_streams() {
        let d = ramp_on_itself(
            40,
            Task::SeqToSeq {
                window: 3,
                stride: 1,
            },
        );
        // Windows start at 0..=37; non-overlapping ones at 0, 3, ..., 36: 13 of them.
        assert_eq!(
            d.stream_order(2),
            vec![0, 18, 3, 21, 6, 24, 9, 27, 12, 30, 15, 33]
        );
        assert_eq!(d.stream_order(1).len(), 13);
        assert_eq!(
            d.stream_order(100).len(),
            13,
            "at most one stream per window"
        );
    }
}
