//! Optimisers with `torch.optim` semantics and defaults, gradient clipping with
//! `torch.nn.utils` semantics, and the Keras-style callbacks the notes use
//! (reduce-LR-on-plateau, early stopping).

use serde::{Deserialize, Serialize};

use super::{Mat, Network, Real};

/// Which optimiser, with its hyper-parameters (besides the learning rate).
///
/// In links and weights files (JSON) it is internally tagged, `{"kind": "adam", "beta1": ...}`;
/// serde reads that shape only from self-describing formats, so in the page-worker messages
/// (postcard, `train::host::encode`) it travels as that JSON text (`tagged_in_json!`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "snake_case", tag = "kind")]
pub enum OptimizerKind {
    /// `torch.optim.SGD`: with momentum μ > 0, `b = μ b + g` (b = g on the first step), then
    /// `p -= lr * b`, or with Nesterov `p -= lr * (g + μ b)`. No dampening, no weight decay.
    Sgd { momentum: f64, nesterov: bool },
    /// `torch.optim.RMSprop` (not centred, no momentum): `v = α v + (1-α) g²`,
    /// `p -= lr * g / (sqrt(v) + eps)`. Defaults α = 0.99, eps = 1e-8.
    RmsProp { alpha: f64, eps: f64 },
    /// `torch.optim.Adam`: `m = β1 m + (1-β1) g`, `v = β2 v + (1-β2) g²`,
    /// `p -= (lr / (1-β1^t)) * m / (sqrt(v) / sqrt(1-β2^t) + eps)`.
    /// Defaults β1 = 0.9, β2 = 0.999, eps = 1e-8.
    Adam { beta1: f64, beta2: f64, eps: f64 },
}

tagged_in_json!(OptimizerKind);

impl OptimizerKind {
    pub const SGD: Self = OptimizerKind::Sgd {
        momentum: 0.0,
        nesterov: false,
    };
    pub const RMSPROP: Self = OptimizerKind::RmsProp {
        alpha: 0.99,
        eps: 1e-8,
    };
    pub const ADAM: Self = OptimizerKind::Adam {
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
    };
}

/// An optimiser and its per-parameter state.
#[derive(Debug, Clone)]
pub struct Optimizer<T: Real> {
    pub kind: OptimizerKind,
    /// Learning rate (changed by [`ReduceLrOnPlateau`] between steps).
    pub lr: f64,
    /// Steps taken so far.
    pub steps: u64,
    first: Vec<Mat<T>>,
    second: Vec<Mat<T>>,
}

impl<T: Real> Optimizer<T> {
    pub fn new(kind: OptimizerKind, lr: f64) -> Self {
        Self {
            kind,
            lr,
            steps: 0,
            first: Vec::new(),
            second: Vec::new(),
        }
    }

    /// Applies one update to `params` from `grads` (same order and shapes; e.g.
    /// `net.params_mut()` and `grads.params()`, which allocate nothing). The state buffers
    /// are made on the first step, from the gradients' shapes.
    pub fn step<'p, 'g>(
        &mut self,
        params: impl IntoIterator<Item = &'p mut Mat<T>>,
        grads: impl IntoIterator<Item = &'g Mat<T>>,
    ) where
        T: 'p + 'g,
    {
        self.steps += 1;
        let lr = T::of(self.lr);
        let one = T::one();
        let t = self.steps.min(i32::MAX as u64) as i32;
        let mut count = 0;
        for (i, (p, g)) in params.into_iter().zip(grads).enumerate() {
            assert_eq!(p.shape(), g.shape(), "gradient shape");
            if i == self.first.len() {
                self.first.push(Mat::zeros(g.nrows(), g.ncols()));
                self.second.push(Mat::zeros(g.nrows(), g.ncols()));
            }
            let (p, g) = (p.as_mut_slice(), g.as_slice());
            let (m, v) = (self.first[i].as_mut_slice(), self.second[i].as_mut_slice());
            count += 1;
            match self.kind {
                OptimizerKind::Sgd { momentum, nesterov } => {
                    let mu = T::of(momentum);
                    if momentum == 0.0 {
                        zip_apply(p, g, |p, g| *p -= lr * g);
                        continue;
                    }
                    // PyTorch's buffer: b = g on the first step, then b = mu*b + g.
                    if self.steps == 1 {
                        m.copy_from_slice(g);
                    } else {
                        zip_apply(m, g, |b, g| *b = mu * *b + g);
                    }
                    if nesterov {
                        zip_zip_apply(p, g, m, |p, g, b| *p -= lr * (g + mu * b));
                    } else {
                        zip_apply(p, m, |p, b| *p -= lr * b);
                    }
                }
                OptimizerKind::RmsProp { alpha, eps } => {
                    let (a, e) = (T::of(alpha), T::of(eps));
                    zip_apply(v, g, |v, g| *v = a * *v + (one - a) * g * g);
                    zip_zip_apply(p, g, v, |p, g, v| *p -= lr * g / (v.sqrt() + e));
                }
                OptimizerKind::Adam { beta1, beta2, eps } => {
                    let step_size = T::of(self.lr / (1.0 - beta1.powi(t)));
                    let bc2_sqrt = T::of((1.0 - beta2.powi(t)).sqrt());
                    let (b1, b2, e) = (T::of(beta1), T::of(beta2), T::of(eps));
                    zip_apply(m, g, |m, g| *m = b1 * *m + (one - b1) * g);
                    zip_apply(v, g, |v, g| *v = b2 * *v + (one - b2) * g * g);
                    zip_zip_apply(p, m, v, |p, m, v| {
                        *p -= step_size * m / (v.sqrt() / bc2_sqrt + e)
                    });
                }
            }
        }
        assert_eq!(
            count,
            self.first.len(),
            "one gradient per parameter, every step"
        );
    }
}

/// `f(a[i], b[i])` for every i, over plain slices (nalgebra's `zip_apply` walks an iterator
/// the compiler does not vectorise).
#[inline(always)]
fn zip_apply<T: Copy>(a: &mut [T], b: &[T], f: impl Fn(&mut T, T)) {
    assert_eq!(a.len(), b.len(), "same lengths");
    for (x, &y) in a.iter_mut().zip(b) {
        f(x, y);
    }
}

/// [`zip_apply`] with two read operands.
#[inline(always)]
fn zip_zip_apply<T: Copy>(a: &mut [T], b: &[T], c: &[T], f: impl Fn(&mut T, T, T)) {
    assert!(a.len() == b.len() && a.len() == c.len(), "same lengths");
    for ((x, &y), &z) in a.iter_mut().zip(b).zip(c) {
        f(x, y, z);
    }
}

/// Gradient clipping.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(
    remote = "Self",
    rename_all = "snake_case",
    tag = "kind",
    content = "threshold"
)]
pub enum Clip {
    Off,
    /// `clip_grad_norm_(max_norm)`: if the global norm ||g|| exceeds it, scale every gradient
    /// by `max_norm / (||g|| + 1e-6)`.
    Norm(f64),
    /// `clip_grad_value_(c)`: clamp every gradient entry to [-c, c].
    Value(f64),
}

tagged_in_json!(Clip);

/// What clipping saw and did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ClipReport {
    /// Global L2 norm of all gradients before clipping.
    pub norm_before: f64,
    /// Whether any gradient was changed.
    pub clipped: bool,
}

/// Global L2 norm over all tensors.
pub fn global_norm<T: Real>(grads: &[&Mat<T>]) -> f64 {
    norm_of(grads.iter().copied())
}

fn norm_of<'a, T: Real + 'a>(grads: impl Iterator<Item = &'a Mat<T>>) -> f64 {
    grads
        .flat_map(|m| m.iter())
        .map(|v| v.to_f64() * v.to_f64())
        .sum::<f64>()
        .sqrt()
}

/// Clips `grads` in place.
pub fn clip<T: Real>(mut grads: Vec<&mut Mat<T>>, how: Clip) -> ClipReport {
    let norm_before = norm_of(grads.iter().map(|g| &**g));
    let clipped = apply_clip(grads.iter_mut().map(|g| &mut **g), norm_before, how);
    ClipReport {
        norm_before,
        clipped,
    }
}

/// Clips every gradient of a network in place (the training loop's form: no allocation).
pub fn clip_network<T: Real>(grads: &mut Network<T>, how: Clip) -> ClipReport {
    let norm_before = norm_of(grads.params());
    let clipped = apply_clip(grads.params_mut(), norm_before, how);
    ClipReport {
        norm_before,
        clipped,
    }
}

/// Applies `how` given the global norm; true if any gradient changed.
fn apply_clip<'a, T: Real + 'a>(
    grads: impl Iterator<Item = &'a mut Mat<T>>,
    norm_before: f64,
    how: Clip,
) -> bool {
    match how {
        Clip::Off => false,
        Clip::Norm(max_norm) => {
            let coef = max_norm / (norm_before + 1e-6);
            if coef < 1.0 {
                let c = T::of(coef);
                for g in grads {
                    g.apply(|v| *v *= c);
                }
                true
            } else {
                false
            }
        }
        Clip::Value(c) => {
            let (lo, hi) = (T::of(-c), T::of(c));
            let mut any = false;
            for g in grads {
                g.apply(|v| {
                    if *v > hi || *v < lo {
                        any = true;
                        *v = v.clamp(lo, hi);
                    }
                });
            }
            any
        }
    }
}

/// `ReduceLROnPlateau` (mode min, relative threshold), as in PyTorch and Keras: when the
/// monitored loss has not improved by more than `threshold` (relative) for `patience` epochs,
/// multiply the learning rate by `factor`, then wait `cooldown` epochs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReduceLrOnPlateau {
    pub factor: f64,
    pub patience: usize,
    pub threshold: f64,
    pub cooldown: usize,
    pub min_lr: f64,
    best: f64,
    bad_epochs: usize,
    cooldown_left: usize,
}

impl ReduceLrOnPlateau {
    /// PyTorch's defaults: factor 0.1, patience 10, threshold 1e-4, no cooldown, min_lr 0.
    pub fn new(factor: f64, patience: usize) -> Self {
        Self {
            factor,
            patience,
            threshold: 1e-4,
            cooldown: 0,
            min_lr: 0.0,
            best: f64::INFINITY,
            bad_epochs: 0,
            cooldown_left: 0,
        }
    }

    /// Feeds one epoch's loss; returns the new learning rate if it was reduced.
    pub fn observe(&mut self, loss: f64, lr: &mut f64) -> Option<f64> {
        if loss < self.best * (1.0 - self.threshold) {
            self.best = loss;
            self.bad_epochs = 0;
        } else {
            self.bad_epochs += 1;
        }
        if self.cooldown_left > 0 {
            self.cooldown_left -= 1;
            self.bad_epochs = 0;
        }
        if self.bad_epochs > self.patience {
            let new = (*lr * self.factor).max(self.min_lr);
            self.cooldown_left = self.cooldown;
            self.bad_epochs = 0;
            if *lr - new > 1e-12 {
                *lr = new;
                return Some(new);
            }
        }
        None
    }
}

/// Keras' `EarlyStopping(monitor="val_loss", min_delta, patience)`: stop when the loss has not
/// improved by more than `min_delta` for `patience` epochs; remembers the best epoch so the
/// caller can restore its weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyStopping {
    pub patience: usize,
    pub min_delta: f64,
    pub best: f64,
    pub best_epoch: usize,
    wait: usize,
    epoch: usize,
}

impl EarlyStopping {
    pub fn new(patience: usize, min_delta: f64) -> Self {
        Self {
            patience,
            min_delta,
            best: f64::INFINITY,
            best_epoch: 0,
            wait: 0,
            epoch: 0,
        }
    }

    /// Feeds one epoch's loss; true when training should stop.
    pub fn observe(&mut self, loss: f64) -> bool {
        self.epoch += 1;
        if loss < self.best - self.min_delta {
            self.best = loss;
            self.best_epoch = self.epoch;
            self.wait = 0;
            false
        } else {
            self.wait += 1;
            self.wait >= self.patience
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Adam's first step moves each parameter by lr * sign(g) (bias correction makes m̂ = g and
    /// v̂ = g², so m̂ / sqrt(v̂) = ±1, up to eps): p = 1 - 0.1 * (1 - 1e-8/3...) for g = 3.
    #[test]
    fn adam_first_step_is_lr_times_sign() {
        let mut p = Mat::from_column_slice(2, 1, &[1.0f64, 1.0]);
        let g = Mat::from_column_slice(2, 1, &[3.0, -0.5]);
        let mut opt = Optimizer::new(OptimizerKind::ADAM, 0.1);
        opt.step(vec![&mut p], vec![&g]);
        assert!((p[(0, 0)] - 0.9).abs() < 1e-8);
        assert!((p[(1, 0)] - 1.1).abs() < 1e-8);
    }

    /// Global norm of (3, 4) is 5; clipping to 1 scales by 1 / (5 + 1e-6).
    #[test]
    fn clip_norm_by_hand() {
        let mut g = Mat::from_column_slice(2, 1, &[3.0f64, 4.0]);
        let r = clip(vec![&mut g], Clip::Norm(1.0));
        assert_eq!(r.norm_before, 5.0);
        assert!(r.clipped);
        assert!((g[(0, 0)] - 3.0 / (5.0 + 1e-6)).abs() < 1e-15);
        let r = clip(vec![&mut g], Clip::Norm(10.0));
        assert!(!r.clipped);
        let r = clip(vec![&mut g], Clip::Value(0.5));
        assert!(r.clipped);
        assert_eq!(g[(1, 0)], 0.5);
    }

    #[test]
    fn plateau_reduces_after_patience_and_early_stopping_stops() {
        let mut s = ReduceLrOnPlateau::new(0.5, 2);
        let mut lr = 0.1;
        assert_eq!(s.observe(1.0, &mut lr), None);
        assert_eq!(s.observe(1.0, &mut lr), None);
        assert_eq!(s.observe(1.0, &mut lr), None);
        assert_eq!(s.observe(1.0, &mut lr), Some(0.05));
        let mut e = EarlyStopping::new(2, 0.0);
        assert!(!e.observe(1.0));
        assert!(!e.observe(0.5));
        assert!(!e.observe(0.6));
        assert!(e.observe(0.7));
        assert_eq!(e.best_epoch, 2);
    }
}
