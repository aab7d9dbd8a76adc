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
