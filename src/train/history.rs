//! The loss history kept bounded: a run that trains for hours must not grow without end
//! (`scripts/soak.mjs` found 100,000 steps of lesson 1 taking the page's and the worker's
//! memory up by 5 MB each, all of it history). The last [`RECENT`] points are kept as they
//! are; when the history passes [`MAX_POINTS`], the points before those are thinned by
//! merging neighbours into one point that stands for their steps (their mean training loss,
//! weighted by the steps each stands for; the later validation loss), so older training
//! shows at coarser and coarser resolution, as on a log-scale time axis.

use super::HistoryPoint;

/// Points kept as they are, the latest.
pub const RECENT: usize = 5_000;

/// Most points the history holds before the older ones are thinned.
pub const MAX_POINTS: usize = 10_000;

/// Thins `history` when it is over [`MAX_POINTS`]; true when it did. Deterministic: the
/// page's copy (`host::Mirror`), adding the same points one by one and thinning after each
/// as the run does, stays equal to the run's without being sent again. A point is merged only with one of the same epoch, unless both are
/// from epochs before `epoch` (the one under way, whose mean loss the schedule reads).
pub fn thin(history: &mut Vec<HistoryPoint>, epoch: u64) -> bool {
    if history.len() <= MAX_POINTS {
        return false;
    }
    // In place: the history's buffer is reused, never a second one (in a wasm heap, which
    // cannot shrink, a new buffer each time would leave holes behind).
    let old = history.len() - RECENT;
    let (mut i, mut w) = (0, 0);
    while i < old {
        let a = history[i];
        history[w] = match history.get(i + 1).filter(|_| i + 1 < old) {
            Some(&b) if a.epoch == b.epoch || b.epoch < epoch => {
                let n = a.steps + b.steps;
                i += 2;
                HistoryPoint {
                    step: b.step,
                    epoch: b.epoch,
                    train_loss: (a.train_loss * a.steps as f64 + b.train_loss * b.steps as f64)
                        / n as f64,
                    validation_loss: b.validation_loss.or(a.validation_loss),
                    steps: n,
                }
            }
            _ => {
                i += 1;
                a
            }
        };
        w += 1;
    }
    history.copy_within(old.., w);
    history.truncate(w + RECENT);
    true
}

/// Signs in a loss history that the network fits its training data better than data it has
/// not seen (what the page says, in plain words, with what to try).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Overfitting {
    /// The validation loss has risen well above its best while the training loss went on
    /// falling.
    Rising {
        best: f64,
        best_epoch: u64,
        now: f64,
        train: f64,
    },
    /// The validation loss is far above the training loss.
    Gap { now: f64, train: f64 },
}

/// Epochs with a validation loss needed before a history is judged.
pub const JUDGE_AFTER_EPOCHS: usize = 5;

/// Whether `history` shows overfitting: over at least [`JUDGE_AFTER_EPOCHS`] epochs with a
/// validation loss, the latest is more than 1.5 times the best, at least 3 epochs after it,
/// while the epoch's mean training loss is lower than at the best; or the latest is more
/// than 3 times the epoch's mean training loss (and not a tiny one, above 0.01).
pub fn overfitting(history: &[HistoryPoint]) -> Option<Overfitting> {
    // Per epoch that has one: (epoch, validation loss, mean training loss of the epoch).
    let mut epochs: Vec<(u64, f64, f64)> = Vec::new();
    let (mut sum, mut steps, mut epoch) = (0.0, 0u64, None);
    for p in history {
        if epoch != Some(p.epoch) {
            (sum, steps, epoch) = (0.0, 0, Some(p.epoch));
        }
        sum += p.train_loss * p.steps as f64;
        steps += p.steps;
        if let Some(v) = p.validation_loss.filter(|v| v.is_finite()) {
            epochs.push((p.epoch, v, sum / steps.max(1) as f64));
        }
    }
    if epochs.len() < JUDGE_AFTER_EPOCHS {
        return None;
    }
    let &(_, now, train) = epochs.last()?;
    let (at, &(best_epoch, best, best_train)) = epochs
        .iter()
        .enumerate()
        .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1))?;
    if now > 1.5 * best && epochs.len() > at + 3 && train < best_train {
        return Some(Overfitting::Rising {
            best,
            best_epoch,
            now,
            train,
        });
    }
    far_above(now, train).then_some(Overfitting::Gap { now, train })
}

/// Whether a validation loss is far above the training loss (more than 3 times, and not a
/// tiny one, above 0.01): the gap that says a network fits its training data much better
/// than data it has not seen.
pub fn far_above(validation: f64, train: f64) -> bool {
    validation > 0.01 && validation > 3.0 * train
}

/// Steps a run trains before [`stalled`] judges it. Long enough for a run that learns to have
/// shown it: the normalised large-input lesson halves its loss by about step 550 on its
/// slowest seeds, and is down 30 % by step 500 (2026-12-02, seeds 1-6).
pub const STALL_AFTER: u64 = 500;

/// Whether a run's loss has barely moved: after [`STALL_AFTER`] steps, the mean training loss
/// of the latest 100 steps is still above 0.8 times that of the first 50. Means, as single
/// steps' losses jump from batch to batch; a run that starts to learn later is no longer
/// stalled.
pub fn stalled(history: &[HistoryPoint]) -> bool {
    /// The mean training loss of the first `steps` steps of `points`.
    fn mean<'a>(points: impl Iterator<Item = &'a HistoryPoint>, steps: u64) -> Option<f64> {
        let (mut sum, mut n) = (0.0, 0);
        for p in points {
            if n >= steps {
                break;
            }
            sum += p.train_loss * p.steps as f64;
            n += p.steps;
        }
        (n > 0).then(|| sum / n as f64)
    }
    let trained: u64 = history.iter().map(|p| p.steps).sum();
    if trained < STALL_AFTER {
        return false;
    }
    let first = mean(history.iter(), 50);
    let latest = mean(history.iter().rev(), 100);
    first
        .zip(latest)
        .is_some_and(|(first, latest)| latest.is_finite() && latest > 0.8 * first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(step: u64, epoch: u64, loss: f64, validation: bool) -> HistoryPoint {
        HistoryPoint {
            step,
            epoch,
            train_loss: loss,
            validation_loss: validation.then_some(loss / 2.0),
            steps: 1,
        }
    }

    /// A million steps (epochs of 50, as lesson 1) stay within the bound, every step is
    /// counted once, the mean training loss is kept, and the latest points are untouched.
    #[test]
    fn a_long_history_stays_bounded_and_adds_up() {
        let mut h = Vec::new();
        let (mut sum, mut thinned) = (0.0, 0);
        for step in 1..=1_000_000u64 {
            let epoch = (step - 1) / 50;
            let loss = 1.0 / step as f64;
            sum += loss;
            h.push(point(step, epoch, loss, step % 50 == 0));
            if thin(&mut h, epoch) {
                thinned += 1;
            }
            assert!(h.len() <= MAX_POINTS, "{step}: {}", h.len());
        }
        assert!(thinned > 100, "{thinned}");
        assert_eq!(h.iter().map(|p| p.steps).sum::<u64>(), 1_000_000);
        let mean: f64 = h.iter().map(|p| p.train_loss * p.steps as f64).sum();
        assert!((mean - sum).abs() < 1e-9 * sum, "{mean} vs {sum}");
        assert!(h.windows(2).all(|w| w[0].step < w[1].step));
        assert_eq!(h.last().unwrap().step, 1_000_000);
        assert!(
            h.capacity() <= 2 * MAX_POINTS,
            "the buffer is reused: {}",
            h.capacity()
        );
        let recent = &h[h.len() - RECENT..];
        assert!(recent.iter().all(|p| p.steps == 1));
        assert_eq!(recent[0].step, 1_000_000 - RECENT as u64 + 1);
    }

    /// The epoch under way is never merged with another one's points.
    #[test]
    fn the_epoch_under_way_keeps_its_own_points() {
        // One long epoch (7) under way across the thinned part.
        let mut h: Vec<HistoryPoint> = (1..=10_001u64)
            .map(|s| point(s, if s <= 3 { 6 } else { 7 }, 1.0, s == 3))
            .collect();
        assert!(thin(&mut h, 7));
        let merged_across = h.iter().any(|p| p.epoch == 7 && p.step == 4 && p.steps > 1);
        assert!(!merged_across);
        assert_eq!(
            h.iter()
                .filter(|p| p.epoch == 6)
                .map(|p| p.steps)
                .sum::<u64>(),
            3
        );
        assert!(h.iter().any(|p| p.validation_loss.is_some()));
    }
}

#[cfg(test)]
mod overfitting_tests {
    use super::*;

    /// Ten steps per epoch, training loss `train(e)` and validation `val(e)` at each
    /// epoch's end.
    fn run(epochs: u64, train: impl Fn(u64) -> f64, val: impl Fn(u64) -> f64) -> Vec<HistoryPoint> {
        (0..epochs * 10)
            .map(|s| HistoryPoint {
                step: s + 1,
                epoch: s / 10,
                train_loss: train(s / 10),
                validation_loss: (s % 10 == 9).then(|| val(s / 10)),
                steps: 1,
            })
            .collect()
    }

    #[test]
    fn rising_validation_while_training_falls_is_overfitting() {
        // Validation best at epoch 2 (0.08), then climbs to 0.6; training keeps falling.
        let h = run(
            10,
            |e| 0.5 / (e + 1) as f64,
            |e| {
                if e <= 2 {
                    0.2 - 0.06 * e as f64
                } else {
                    0.08 + 0.065 * (e - 2) as f64
                }
            },
        );
        match overfitting(&h) {
            Some(Overfitting::Rising {
                best_epoch,
                best,
                now,
                ..
            }) => {
                assert_eq!(best_epoch, 2);
                assert!((best - 0.08).abs() < 1e-12 && now > 0.5);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_wide_gap_is_overfitting_and_a_healthy_run_is_not() {
        let gap = run(8, |_| 0.001, |_| 0.44);
        assert!(matches!(overfitting(&gap), Some(Overfitting::Gap { .. })));
        let healthy = run(20, |e| 1.0 / (e + 1) as f64, |e| 1.1 / (e + 1) as f64);
        assert_eq!(overfitting(&healthy), None);
        // Too few epochs to judge, and tiny losses are not judged on their ratio.
        assert_eq!(overfitting(&run(4, |_| 0.001, |_| 0.44)), None);
        assert_eq!(overfitting(&run(8, |_| 1e-5, |_| 1e-4)), None);
        // The gap's edges: more than 3 times, and above 0.01.
        assert!(far_above(0.31, 0.1) && !far_above(0.3, 0.1));
        assert!(far_above(0.44, 0.0009) && !far_above(0.009, 0.0001));
    }
}

#[cfg(test)]
mod stalled_tests {
    use super::*;

    fn run(steps: u64, loss: impl Fn(u64) -> f64) -> Vec<HistoryPoint> {
        (1..=steps)
            .map(|step| HistoryPoint {
                step,
                epoch: step / 20,
                train_loss: loss(step),
                validation_loss: None,
                steps: 1,
            })
            .collect()
    }

    /// A loss that wobbles about its start is stalled once enough steps are in; one that
    /// falls, even late, is not; nor is a short run.
    #[test]
    fn a_flat_loss_is_stalled_and_a_falling_one_is_not() {
        let wobble = |s: u64| 0.5 + 0.05 * ((s % 7) as f64 - 3.0) / 3.0;
        assert!(!stalled(&run(STALL_AFTER - 1, wobble)), "too early to say");
        assert!(stalled(&run(STALL_AFTER, wobble)));
        assert!(stalled(&run(3 * STALL_AFTER, |s| 0.5 - 1e-5 * s as f64)));
        // Down 30 % by the judging step: learning, if slowly.
        assert!(!stalled(
            &run(STALL_AFTER, |s| 1.0 - 0.3 * s as f64 / STALL_AFTER as f64)
        ));
        // Flat for a long while, then learning: no longer stalled.
        let late = |s: u64| {
            if s < 800 {
                0.5
            } else {
                0.5 * 0.99f64.powf((s - 800) as f64)
            }
        };
        assert!(stalled(&run(800, late)));
        assert!(!stalled(&run(900, late)));
        assert!(
            !stalled(&run(STALL_AFTER, |_| f64::NAN)),
            "a diverged run says so itself"
        );
    }

    /// Thinned histories (older points standing for many steps) are judged by steps.
    #[test]
    fn thinned_points_count_by_the_steps_they_stand_for() {
        let mut h = run(20_000, |s| if s <= 50 { 1.0 } else { 0.9 });
        while thin(&mut h, 20_000 / 20) {}
        assert!(h.len() < 20_000 && h[0].steps > 1, "{}", h[0].steps);
        // The first point may stand for more than 50 steps; its mean is still about 1.
        assert!(stalled(&h));
    }
}
