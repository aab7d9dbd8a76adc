//! Normalisation per feature, fitted on the training split only and applied unchanged to
//! validation and test (the notes include a tutorial that scales the test set with its own
//! statistics: a leak), with the inverse so charts can show original units.

use serde::{Deserialize, Serialize};

/// How a feature is scaled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scaling {
    /// Raw values. Large inputs (x near 3000) saturate the gates: the notes' failure case.
    #[default]
    None,
    /// `(x - min) / (max - min)`, into [0, 1] on the training split.
    MinMax01,
    /// `2 (x - min) / (max - min) - 1`, into [-1, 1] on the training split.
    MinMaxSymmetric,
    /// `(x - mean) / std` (population std, as scikit-learn's StandardScaler).
    ZScore,
}

impl Scaling {
    pub const ALL: [Scaling; 4] = [
        Scaling::None,
        Scaling::MinMax01,
        Scaling::MinMaxSymmetric,
        Scaling::ZScore,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Scaling::None => "none",
            Scaling::MinMax01 => "min-max to [0, 1]",
            Scaling::MinMaxSymmetric => "min-max to [-1, 1]",
            Scaling::ZScore => "z-score",
        }
    }
}

/// A fitted scaler: `scaled = (x - offset) / scale`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scaler {
    pub scaling: Scaling,
    pub offset: f64,
    pub scale: f64,
}

/// A column that cannot be scaled.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstantColumn {
    pub column: String,
    pub value: f64,
    pub scaling: &'static str,
}

impl std::fmt::Display for ConstantColumn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.text().fmt(f)
    }
}

impl ConstantColumn {
    /// What is wrong and what to do, as a message worded when shown.
    pub fn text(&self) -> crate::i18n::Text {
        crate::i18n::Text::with(
            "err.constant_column",
            &[
                ("column", &self.column),
                ("value", &self.value),
                ("scaling", &self.scaling),
            ],
        )
    }
}

impl std::error::Error for ConstantColumn {}

impl Scaler {
    /// The identity.
    pub const IDENTITY: Scaler = Scaler {
        scaling: Scaling::None,
        offset: 0.0,
        scale: 1.0,
    };

    /// Fits on `train` (the training rows of one column, non-empty).
    pub fn fit(scaling: Scaling, train: &[f64], column: &str) -> Result<Scaler, ConstantColumn> {
        if scaling == Scaling::None || train.is_empty() {
            return Ok(Scaler::IDENTITY);
        }
        let (lo, hi) = train
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
                (l.min(v), h.max(v))
            });
        let n = train.len() as f64;
        let mean = train.iter().sum::<f64>() / n;
        let (offset, scale) = match scaling {
            Scaling::None => (0.0, 1.0),
            Scaling::MinMax01 => (lo, hi - lo),
            Scaling::MinMaxSymmetric => ((lo + hi) / 2.0, (hi - lo) / 2.0),
            Scaling::ZScore => (
                mean,
                (train.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt(),
            ),
        };
        if scale <= f64::EPSILON * mean.abs().max(1.0) {
            return Err(ConstantColumn {
                column: column.to_string(),
                value: train[0],
                scaling: scaling.label(),
            });
        }
        Ok(Scaler {
            scaling,
            offset,
            scale,
        })
    }

    pub fn apply(&self, x: f64) -> f64 {
        (x - self.offset) / self.scale
    }

    pub fn invert(&self, y: f64) -> f64 {
        y * self.scale + self.offset
    }
}

/// Held-out values outside the range the training split covered: a trend. A network fitted
/// on the training range cannot produce values it never saw there, whatever the scaling.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Beyond {
    /// Share of the held-out values above the training maximum, and below its minimum.
    pub above: f64,
    pub below: f64,
    /// The training split's range.
    pub min: f64,
    pub max: f64,
}

/// Whether a quarter or more of `held_out` lies outside the range of `train` (widened by a
/// tenth of its span, so a stationary series' extremes do not count).
pub fn beyond_range(train: &[f64], held_out: &[f64]) -> Option<Beyond> {
    let finite = |v: &&f64| v.is_finite();
    let (min, max) = train
        .iter()
        .filter(finite)
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let held: Vec<f64> = held_out.iter().filter(finite).copied().collect();
    if max < min || held.is_empty() {
        return None;
    }
    let margin = 0.1 * (max - min);
    let share =
        |f: &dyn Fn(f64) -> bool| held.iter().filter(|&&v| f(v)).count() as f64 / held.len() as f64;
    let above = share(&|v| v > max + margin);
    let below = share(&|v| v < min - margin);
    (above + below >= 0.25).then_some(Beyond {
        above,
        below,
        min,
        max,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// train = [2, 4, 6]: min 2, max 6, mean 4, population std sqrt(8/3) = 1.632993.
    #[test]
    fn fitted_values_by_hand() {
        let t = [2.0, 4.0, 6.0];
        let m = Scaler::fit(Scaling::MinMax01, &t, "x").unwrap();
        assert_eq!((m.apply(2.0), m.apply(6.0), m.apply(8.0)), (0.0, 1.0, 1.5));
        let s = Scaler::fit(Scaling::MinMaxSymmetric, &t, "x").unwrap();
        assert_eq!((s.apply(2.0), s.apply(4.0), s.apply(6.0)), (-1.0, 0.0, 1.0));
        let z = Scaler::fit(Scaling::ZScore, &t, "x").unwrap();
        assert!((z.scale - (8.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert_eq!(z.apply(4.0), 0.0);
        assert_eq!(Scaler::fit(Scaling::None, &t, "x").unwrap().apply(7.0), 7.0);
    }

    #[test]
    fn constant_columns_are_refused_with_a_reason() {
        let e = Scaler::fit(Scaling::ZScore, &[3.0, 3.0, 3.0], "volume").unwrap_err();
        assert_eq!(
            e.to_string(),
            "column \"volume\" is constant in the training split (every value is 3), so z-score would divide by zero; leave it out of the features or use no normalisation"
        );
        assert!(Scaler::fit(Scaling::MinMax01, &[3.0, 3.0], "v").is_err());
        assert!(Scaler::fit(Scaling::None, &[3.0, 3.0], "v").is_ok());
    }

    /// A trend leaves the training range; a stationary wave, whose extremes the training
    /// split has seen, does not.
    #[test]
    fn held_out_values_beyond_the_training_range_are_a_trend() {
        let trend: Vec<f64> = (0..100).map(|i| 100.0 + 3.0 * i as f64).collect();
        let b = beyond_range(&trend[..70], &trend[70..]).expect("a trend");
        // 307 + a tenth of the span: the first 6 of 30 held-out values are within.
        assert_eq!((b.above, b.below), (0.8, 0.0));
        assert_eq!((b.min, b.max), (100.0, 307.0));
        let falling: Vec<f64> = trend.iter().rev().copied().collect();
        assert_eq!(
            beyond_range(&falling[..70], &falling[70..]).unwrap().below,
            0.8
        );
        let wave: Vec<f64> = (0..100).map(|i| (i as f64 * 0.3).sin()).collect();
        assert_eq!(beyond_range(&wave[..70], &wave[70..]), None);
        assert_eq!(beyond_range(&[], &wave), None);
        assert_eq!(beyond_range(&wave, &[f64::NAN]), None);
    }
}
