//! Losses on the head's outputs, with their gradients (the start of backprop).

use serde::{Deserialize, Serialize};

use super::{Mat, Real};

/// Which loss (both reduce by the mean, like PyTorch's default `reduction="mean"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Loss {
    /// Mean squared error over every output element: `mean((y - t)^2)` (`torch.nn.MSELoss`).
    Mse,
    /// Softmax cross-entropy from logits, mean over samples (and steps):
    /// `-mean(log_softmax(y)[class])` (`torch.nn.CrossEntropyLoss`).
    CrossEntropy,
}

/// What the head is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Targets<T: Real> {
    /// One `output x batch` matrix per scored step.
    Values(Vec<Mat<T>>),
    /// One class index per sample, per scored step.
    Classes(Vec<Vec<usize>>),
}

/// `log_softmax` of each column, computed stably (subtracting the column maximum).
pub fn log_softmax<T: Real>(logits: &Mat<T>) -> Mat<T> {
    let mut out = logits.clone();
    for mut col in out.column_iter_mut() {
        let m = col
            .iter()
            .copied()
            .fold(T::min_value().unwrap(), |a, b| a.max(b));
        let lse = col
            .iter()
            .map(|&v| (v - m).exp())
            .fold(T::zero(), |a, b| a + b)
            .ln()
            + m;
        col.apply(|v| *v -= lse);
    }
    out
}

/// Loss value and dL/d(outputs) for `outputs` (one matrix per scored step).
///
/// Panics if targets and outputs disagree in count or shape, or a class index is out of range:
/// callers build both from the same batch, so a mismatch is a bug, not bad input.
pub fn loss_and_grad<T: Real>(
    loss: Loss,
    outputs: &[Mat<T>],
    targets: &Targets<T>,
) -> (f64, Vec<Mat<T>>) {
    match (loss, targets) {
        (Loss::Mse, Targets::Values(t)) => {
            assert_eq!(outputs.len(), t.len(), "one target per scored step");
            let n: usize = outputs.iter().map(|y| y.len()).sum();
            let scale = T::of(2.0 / n as f64);
            let mut total = 0.0;
            let grads = outputs
                .iter()
                .zip(t)
                .map(|(y, t)| {
                    assert_eq!(y.shape(), t.shape(), "target shape");
                    let d = y - t;
                    total += d.iter().map(|v| v.to_f64() * v.to_f64()).sum::<f64>();
                    d * scale
                })
                .collect();
            (total / n as f64, grads)
        }
        (Loss::CrossEntropy, Targets::Classes(c)) => {
            assert_eq!(outputs.len(), c.len(), "one label row per scored step");
            let n: usize = outputs.iter().map(|y| y.ncols()).sum();
            let inv_n = T::of(1.0 / n as f64);
            let mut total = 0.0;
            let grads = outputs
                .iter()
                .zip(c)
                .map(|(y, labels)| {
                    assert_eq!(y.ncols(), labels.len(), "one label per sample");
                    let logp = log_softmax(y);
                    let mut g = logp.map(|v| v.exp());
                    for (j, &k) in labels.iter().enumerate() {
                        assert!(k < y.nrows(), "class {k} out of range");
                        total -= logp[(k, j)].to_f64();
                        g[(k, j)] -= T::one();
                    }
                    g * inv_n
                })
                .collect();
            (total / n as f64, grads)
        }
        (l, _) => panic!("targets do not fit the {l:?} loss"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// log_softmax([1, 2, 3]) = [1, 2, 3] - ln(e + e^2 + e^3) = [-2.4076059, -1.4076059, -0.4076059]
    #[test]
    fn log_softmax_by_hand_and_stable_for_huge_logits() {
        let l = log_softmax(&Mat::<f64>::from_column_slice(3, 1, &[1.0, 2.0, 3.0]));
        for (got, want) in l.iter().zip([
            -2.407_605_964_444_38,
            -1.407_605_964_444_38,
            -0.407_605_964_444_38,
        ]) {
            assert!((got - want).abs() < 1e-12);
        }
        let big = log_softmax(&Mat::<f64>::from_column_slice(2, 1, &[1000.0, 0.0]));
        assert!(big.iter().all(|v| v.is_finite()));
        assert!((big[(1, 0)] + 1000.0).abs() < 1e-9);
    }

    /// MSE of y = [1, 3] against t = [0, 0]: (1 + 9) / 2 = 5; gradient 2(y - t)/2 = [1, 3].
    #[test]
    fn mse_by_hand() {
        let (l, g) = loss_and_grad(
            Loss::Mse,
            &[Mat::from_column_slice(1, 2, &[1.0, 3.0])],
            &Targets::Values(vec![Mat::zeros(1, 2)]),
        );
        assert_eq!(l, 5.0);
        assert_eq!(g[0].as_slice(), &[1.0, 3.0]);
    }
}
