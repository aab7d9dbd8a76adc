//! Passes over many windows without dropout (the validation loss, the predictions over the
//! whole series), a few windows at a time and resumable between chunks of time steps, so a
//! page can spread them over frames like a training step. A stateful run's pass starts each
//! window from the state a pass over the series up to it ends in ([`Stream`]).

use rand_pcg::Pcg64Mcg;

use super::Session;
use crate::data::frame::TargetData;
use crate::nn::loss::Targets;
use crate::nn::network::{Evaluation, Goal, Progress, States};
use crate::nn::Mat;

/// Most rows of the series a stateful pass feeds between two checks of the clock.
const STREAM_ROWS: usize = 256;

/// Most trace entries one group of windows may hold (32 MB of f32): long sequences are
/// swept a few windows at a time, short ones 256 at a time.
const GROUP_ENTRIES: usize = 8 << 20;

/// Windows per group for a session: as many as fit [`GROUP_ENTRIES`], 1 to 256.
fn group_size(s: &Session) -> usize {
    let c = &s.net.config;
    let rows = c.cell.gates().len() * c.hidden_size;
    let per_step =
        c.layers * (c.directions() * (2 * rows + 3 * c.hidden_size) + c.layer_output_size());
    let steps = s.dataset.task.window().max(1);
    (GROUP_ENTRIES / (per_step * steps).max(1)).clamp(1, 256)
}

/// A pass over the windows `starts`: the mean loss and each window's (last-step)
/// prediction, in original units, or the predicted class.
pub struct Sweep {
    starts: Vec<usize>,
    /// The first window of the group under way (or of the next group).
    next: usize,
    group: Option<(Vec<Mat<f32>>, Targets<f32>, Progress)>,
    eval: Option<Evaluation<f32>>,
    loss_sum: f64,
    predictions: Vec<f64>,
    /// For a stateful run: the pass over the series that gives each window its initial state.
    stream: Option<Stream>,
}

/// One pass over the series' rows from the first, batch 1, carrying state: what a stateful
/// model has seen before a window begins (the state it was trained to start from).
struct Stream {
    /// Rows fed so far.
    at: usize,
    /// The state after them (None: zero, before the first row).
    states: Option<States<f32>>,
}

impl Stream {
    /// Feeds rows `at..to`, [`STREAM_ROWS`] at a time, recording the state before each of
    /// `wanted` (ascending, within `at..=to`).
    fn feed(&mut self, s: &Session, to: usize, wanted: &[usize]) -> Vec<States<f32>> {
        let mut before = Vec::with_capacity(wanted.len());
        let mut wanted = wanted;
        loop {
            let ready = wanted.partition_point(|&w| w <= self.at);
            let zero = || States::zeros(&s.net.config, 1);
            before.resize_with(before.len() + ready, || {
                self.states.clone().unwrap_or_else(zero)
            });
            wanted = &wanted[ready..];
            if to <= self.at {
                return before;
            }
            let end = to.min(self.at + STREAM_ROWS);
            let features = s.dataset.x.len();
            let xs: Vec<Mat<f32>> = (self.at..end)
                .map(|row| {
                    Mat::from_iterator(features, 1, s.dataset.x.iter().map(|c| c[row] as f32))
                })
                .collect();
            let trace = s
                .net
                .forward_from::<Pcg64Mcg>(&xs, self.states.as_ref(), None);
            let inside = wanted.partition_point(|&w| w <= end);
            before.extend(
                wanted[..inside]
                    .iter()
                    .map(|&w| trace.states_after(w - self.at - 1)),
            );
            wanted = &wanted[inside..];
            self.states = Some(trace.final_states());
            self.at = end;
        }
    }
}

impl Sweep {
    /// A pass of `s`'s model over `starts` (ascending), not yet begun: each window from a
    /// zero state, or for a stateful run from the state the series before it leaves.
    pub fn new(s: &Session, starts: Vec<usize>) -> Self {
        debug_assert!(starts.is_sorted());
        Self {
            stream: s.config.stateful.then_some(Stream {
                at: 0,
                states: None,
            }),
            predictions: Vec::with_capacity(starts.len()),
            starts,
            next: 0,
            group: None,
            eval: None,
            loss_sum: 0.0,
        }
    }

    /// Goes on with the pass over `s`'s current model until it is done (true) or `more()`
    /// says to stop (false). The model must not change until the pass is done.
    pub fn advance(&mut self, s: &Session, more: &mut dyn FnMut() -> bool) -> bool {
        let size = group_size(s);
        loop {
            let end = (self.next + size).min(self.starts.len());
            if self.next == end {
                return true;
            }
            let eval = self
                .eval
                .get_or_insert_with(|| Evaluation::new(s.net.config));
            if self.group.is_none() {
                let starts = &self.starts[self.next..end];
                if let Some(stream) = &mut self.stream {
                    // The series up to the group, a few rows at a time.
                    while stream.at < starts[0] {
                        stream.feed(s, starts[0].min(stream.at + STREAM_ROWS), &[]);
                        if !more() {
                            return false;
                        }
                    }
                    let states = stream.feed(s, starts[starts.len() - 1], starts);
                    eval.start_from(Some(States::side_by_side(&states)));
                }
                let (xs, ys) = s.tensors(&s.dataset.batch(starts));
                self.group = Some((xs, ys, Progress::new(Goal::Loss)));
            }
            let (xs, ys, progress) = self.group.as_mut().expect("made above");
            if !s
                .net
                .run_sliced::<Pcg64Mcg>(xs, Some(ys), None, None, eval, progress, more)
            {
                return false;
            }
            let y = eval.trace.outputs.last().expect("at least one scored step");
            for j in 0..y.ncols() {
                self.predictions.push(match s.dataset.y {
                    TargetData::Values(_) => s.dataset.y_scaler.invert(f64::from(y[(0, j)])),
                    TargetData::Classes { .. } => y.column(j).argmax().0 as f64,
                });
            }
            self.loss_sum += eval.loss * (end - self.next) as f64;
            self.next = end;
            self.group = None;
            if self.next == self.starts.len() {
                return true;
            }
            if !more() {
                return false;
            }
        }
    }

    /// Runs the whole pass at once.
    pub fn run(mut self, s: &Session) -> Self {
        self.advance(s, &mut || true);
        self
    }

    /// The windows this pass covers.
    pub fn starts(&self) -> &[usize] {
        &self.starts
    }

    /// Mean loss over the windows (None for no windows); complete once the pass is done.
    pub fn loss(&self) -> Option<f64> {
        (!self.starts.is_empty()).then(|| self.loss_sum / self.starts.len() as f64)
    }

    /// The predictions, once the pass is done.
    pub fn into_predictions(self) -> Vec<f64> {
        self.predictions
    }
}
