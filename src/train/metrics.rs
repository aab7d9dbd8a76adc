//! Scores of a model's predictions against the truth, in the target's original units:
//! RMSE, MAE and R² for regression; accuracy and a confusion matrix for classification.

use serde::{Deserialize, Serialize};

/// Regression scores over `n` predictions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Regression {
    pub n: usize,
    /// √(mean (ŷ - y)²).
    pub rmse: f64,
    /// mean |ŷ - y|.
    pub mae: f64,
    /// 1 - Σ(ŷ - y)² / Σ(y - ȳ)²: 1 is perfect, 0 is no better than predicting the mean,
    /// negative is worse. NaN when the truth is constant (no variance to explain).
    pub r2: f64,
}

/// Classification scores over `n` predictions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub n: usize,
    /// Share of predictions equal to the truth.
    pub accuracy: f64,
    /// `confusion[truth][predicted]`: how many samples of each true class got each prediction.
    pub confusion: Vec<Vec<usize>>,
}

/// Either kind of score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metrics {
    Regression(Regression),
    Classification(Classification),
}

/// Regression scores of `predicted` against `truth` (same length, at least one).
///
/// ```
/// use rnn_lab::train::metrics::regression;
/// // errors 0, 0, -2: MAE 2/3, RMSE √(4/3); ȳ = 8/3, Σ(y-ȳ)² = 78/9, R² = 1 - 4/(78/9) = 7/13
/// let m = regression(&[1.0, 2.0, 3.0], &[1.0, 2.0, 5.0]);
/// assert!((m.mae - 2.0 / 3.0).abs() < 1e-12);
/// assert!((m.rmse - (4.0f64 / 3.0).sqrt()).abs() < 1e-12);
/// assert!((m.r2 - 7.0 / 13.0).abs() < 1e-12);
/// ```
pub fn regression(predicted: &[f64], truth: &[f64]) -> Regression {
    assert_eq!(predicted.len(), truth.len(), "one prediction per truth");
    assert!(!truth.is_empty(), "scores need at least one prediction");
    let n = truth.len() as f64;
    let mean = truth.iter().sum::<f64>() / n;
    let (mut sq, mut abs, mut tot) = (0.0, 0.0, 0.0);
    for (&p, &y) in predicted.iter().zip(truth) {
        sq += (p - y) * (p - y);
        abs += (p - y).abs();
        tot += (y - mean) * (y - mean);
    }
    Regression {
        n: truth.len(),
        rmse: (sq / n).sqrt(),
        mae: abs / n,
        r2: if tot > 0.0 { 1.0 - sq / tot } else { f64::NAN },
    }
}

/// Classification scores of `predicted` against `truth` classes in `0..classes`.
///
/// ```
/// use rnn_lab::train::metrics::classification;
/// let m = classification(&[0, 1, 1, 2], &[0, 1, 2, 2], 3);
/// assert_eq!(m.accuracy, 0.75);
/// assert_eq!(m.confusion, vec![vec![1, 0, 0], vec![0, 1, 0], vec![0, 1, 1]]);
/// ```
pub fn classification(predicted: &[usize], truth: &[usize], classes: usize) -> Classification {
    assert_eq!(predicted.len(), truth.len(), "one prediction per truth");
    assert!(!truth.is_empty(), "scores need at least one prediction");
    let mut confusion = vec![vec![0; classes]; classes];
    let mut right = 0;
    for (&p, &y) in predicted.iter().zip(truth) {
        confusion[y][p] += 1;
        right += usize::from(p == y);
    }
    Classification {
        n: truth.len(),
        accuracy: right as f64 / truth.len() as f64,
        confusion,
    }
}
