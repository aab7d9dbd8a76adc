//! Losses on the head's outputs, with their gradients (the start of backprop).

use serde::{Deserialize, Serialize};

use super::{ensure_mats, Mat, Real};

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
    let rows = out.nrows();
    for col in out.as_mut_slice().chunks_exact_mut(rows) {
        let lse = log_sum_exp(col);
        col.iter_mut().for_each(|v| *v -= lse);
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
    let mut grads = Vec::new();
    let l = loss_and_grad_into(loss, outputs, targets, &mut grads);
    (l, grads)
}

/// [`loss_and_grad`] writing the gradients into `grads`, reusing its matrices.
pub fn loss_and_grad_into<T: Real>(
    loss: Loss,
    outputs: &[Mat<T>],
    targets: &Targets<T>,
    grads: &mut Vec<Mat<T>>,
) -> f64 {
    let (rows, cols) = outputs.first().map_or((0, 0), |y| y.shape());
    ensure_mats(grads, outputs.len(), rows, cols);
    match (loss, targets) {
        (Loss::Mse, Targets::Values(t)) => {
            assert_eq!(outputs.len(), t.len(), "one target per scored step");
            let n: usize = outputs.iter().map(|y| y.len()).sum();
            let scale = T::of(2.0 / n as f64);
            let mut total = 0.0;
            for ((y, t), g) in outputs.iter().zip(t).zip(grads.iter_mut()) {
                assert_eq!(y.shape(), t.shape(), "target shape");
                for ((gv, &yv), &tv) in g.iter_mut().zip(y.iter()).zip(t.iter()) {
                    let d = yv - tv;
                    total += d.to_f64() * d.to_f64();
                    *gv = d * scale;
                }
            }
            total / n as f64
        }
        (Loss::CrossEntropy, Targets::Classes(c)) => {
            assert_eq!(outputs.len(), c.len(), "one label row per scored step");
            let n: usize = outputs.iter().map(|y| y.ncols()).sum();
            let inv_n = T::of(1.0 / n as f64);
            let mut total = 0.0;
            for ((y, labels), g) in outputs.iter().zip(c).zip(grads.iter_mut()) {
                assert_eq!(y.ncols(), labels.len(), "one label per sample");
                // g = softmax(y) - onehot, from log_softmax computed in place.
                g.copy_from(y);
                for (col, &k) in g.as_mut_slice().chunks_exact_mut(rows).zip(labels) {
                    assert!(k < rows, "class {k} out of range");
                    let lse = log_sum_exp(col);
                    total -= (col[k] - lse).to_f64();
                    col.iter_mut().for_each(|v| *v = (*v - lse).exp() * inv_n);
                    col[k] -= inv_n;
                }
            }
            total / n as f64
        }
        (l, _) => panic!("targets do not fit the {l:?} loss"),
    }
}

/// `ln Σ e^v`, stably (subtracting the maximum first).
fn log_sum_exp<T: Real>(values: &[T]) -> T {
    let m = values
        .iter()
        .fold(T::min_value().expect("a float type"), |a, &b| a.max(b));
    m + values
        .iter()
        .map(|&v| (v - m).exp())
        .fold(T::zero(), |a, b| a + b)
        .ln()
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
