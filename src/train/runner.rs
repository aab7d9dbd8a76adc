//! Training driven in bounded pieces of work: the run (and, in compare mode, the runs trained
//! side by side), the predictions over the whole series, the Step/Epoch queue and the
//! steps/s meter. The page asks it for one frame's work at a time ([`Runner::frame`]) and
//! reads what it shows from it; nothing here touches the browser, so all of it is tested
//! natively with a fake clock.
//!
//! Time is whatever the caller's clock says, in milliseconds: the page passes the browser's,
//! the tests one they advance by hand.

use crate::i18n::Text;
use std::collections::VecDeque;

use super::lessons::Prepared;
use super::metrics::Metrics;
use super::sweep::Sweep;
use super::{Session, StepReport};
use crate::nn::network::GradientFlow;

/// Most milliseconds of work per frame.
pub const SLICE_MS: f64 = 10.0;

/// Predictions over the whole series are refreshed at most this often (and, when they take
/// long, at most [`PREDICTION_SHARE`] of the time goes to them).
pub const PREDICTION_EVERY_MS: f64 = 250.0;

/// The largest share of a playing run's time its predictions over the series take: the
/// rest trains.
pub const PREDICTION_SHARE: f64 = 0.1;

/// Training steps over which the gradient-flow view counts clipping events.
pub const CLIP_WINDOW: usize = 100;

/// Most work for a recursive forecast, computed at once (multiply-adds; a few tens of ms).
const RECURSIVE_MAX_WORK: f64 = 1e8;

/// The clock: milliseconds, never going back.
pub type Clock<'a> = &'a mut dyn FnMut() -> f64;

/// Something a frame's training did that the page tells the learner about.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum RunEvent {
    /// Reduce-on-plateau halved the learning rate to this.
    LrReduced(f64),
    /// Early stopping ended the run at this epoch; the best model was from `best`.
    EarlyStop { epoch: u64, best: usize },
}

/// What one frame did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FrameReport {
    /// A prediction over the series finished.
    pub predicted: bool,
    pub events: Vec<RunEvent>,
}

/// One run of compare mode.
pub struct CompareRun {
    pub session: Session,
    /// The gradient flow of its latest step.
    pub flow: Option<GradientFlow>,
    /// Its prediction over the series, as chart points.
    pub prediction: Vec<(f64, f64)>,
    pub diverged: bool,
    /// What its prediction looks at, and the step it was worked out at (see
    /// [`CompareRun::looks`]).
    looks: Option<(u64, Option<Vec<f64>>)>,
}

impl CompareRun {
    /// |dŷ/dx_t| for the first sample of its latest batch ([`Session::input_sensitivity`]),
    /// worked out once per step it reaches: views ask for it far more often than the runs,
    /// which train in turn, step.
    pub fn looks(&mut self) -> Option<Vec<f64>> {
        let steps = self.session.steps;
        if self.looks.as_ref().map(|l| l.0) != Some(steps) {
            self.looks = Some((steps, self.session.input_sensitivity(0)));
        }
        self.looks.as_ref()?.1.clone()
    }
}

/// A run and everything about it the page shows.
pub struct Runner {
    pub session: Session,
    /// The series the run learns (x and target, in original units).
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    /// When the run predicts a change: how a predicted change becomes a level of `y` (the
    /// chart and the scores show levels).
    rebuild: Option<crate::data::change::Rebuild>,
    /// RNN, LSTM and GRU on the same data and seed, trained side by side (while on, Play
    /// trains these instead of the main run).
    pub compare: Option<Vec<CompareRun>>,
    playing: bool,
    /// Steps asked for with Step or Epoch and not yet done (a long one spreads over frames).
    steps_to_do: usize,
    /// Training steps per frame at most (None: as many as the slice allows).
    pub steps_per_frame: Option<usize>,
    /// Show a recursive (multi-step) forecast on the test segment instead of one-step
    /// predictions.
    recursive: bool,
    /// Why the recursive forecast cannot be shown, if so.
    pub forecast_error: Option<Text>,
    /// The step at which the run diverged (it is paused, with the last good model).
    pub diverged_at: Option<u64>,
    pub last_loss: Option<f64>,
    /// ||dL/dh_t|| (and ||dL/dc_t||) of the latest finished step.
    pub flow: Option<GradientFlow>,
    /// Whether clipping fired on each of the last [`CLIP_WINDOW`] steps.
    pub clip_events: VecDeque<bool>,
    /// Share of saturated gate values in the latest step's trace.
    pub saturation: Option<f64>,
    /// The prediction over the whole series, as chart points (x, predicted).
    pub prediction: Vec<(f64, f64)>,
    /// Scores of that prediction on the validation and test windows.
    pub scores: [Option<Metrics>; 2],
    /// The training steps the model had when that prediction began (its scores are of the
    /// model at that step).
    pub scored_step: u64,
    /// The test score is of a recursive forecast (not one step ahead).
    pub scored_recursive: bool,
    /// A prediction over the series under way (training waits for it), when it was asked
    /// for (its time, `predict_ms`, counts from then) and the model's steps then.
    predicting: Option<(Sweep, f64, u64)>,
    /// The compared runs' predictions under way: which run, and its pass.
    compare_sweep: Option<(usize, Sweep)>,
    /// When the latest prediction over the series was finished, and how long it took.
    predicted_at: f64,
    predict_ms: f64,
    /// Steps per second, and the mark (time, steps) it is measured from.
    rate: f64,
    rate_mark: (f64, u64),
    /// Milliseconds of work in the step under way, and in the last finished step.
    step_work: f64,
    step_ms: f64,
}

impl Runner {
    /// Scores of `pred` on the windows `starts`: against the target, or, when the run
    /// predicts a change, the rebuilt levels against the true levels.
    fn score(&self, s: &Session, starts: &[usize], pred: &[f64]) -> Option<Metrics> {
        if self.rebuild.is_none() || starts.is_empty() {
            return s.metrics(starts, pred);
        }
        let truth: Vec<f64> = starts.iter().map(|&st| self.y[s.target_row(st)]).collect();
        Some(Metrics::Regression(super::metrics::regression(
            pred, &truth,
        )))
    }

    /// A paused run of `prepared`, its first prediction asked for.
    pub fn new(prepared: Prepared, now: f64) -> Result<Runner, Text> {
        let Prepared {
            dataset,
            config,
            x,
            y,
            rebuild,
        } = prepared;
        let session = Session::new(config, dataset)?;
        let mut runner = Runner {
            session,
            x,
            y,
            rebuild,
            compare: None,
            playing: false,
            steps_to_do: 0,
            steps_per_frame: None,
            recursive: false,
            forecast_error: None,
            diverged_at: None,
            last_loss: None,
            flow: None,
            clip_events: VecDeque::new(),
            saturation: None,
            prediction: Vec::new(),
            scores: [None, None],
            scored_step: 0,
            scored_recursive: false,
            predicting: None,
            compare_sweep: None,
            predicted_at: 0.0,
            predict_ms: 0.0,
            rate: 0.0,
            rate_mark: (now, 0),
            step_work: 0.0,
            step_ms: 0.0,
        };
        runner.refresh_prediction(now);
        Ok(runner)
    }

    /// Keeps the page-wide choices of `old` (speed, recursive forecast) in this new run.
    pub fn keep_options(&mut self, old: &Runner) {
        self.steps_per_frame = old.steps_per_frame;
        self.recursive = old.recursive;
    }

    pub fn playing(&self) -> bool {
        self.playing
    }

    pub fn recursive(&self) -> bool {
        self.recursive
    }

    /// Steps per second over the latest stretch of training.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// When the latest prediction over the series finished (a key for its charts).
    pub fn predicted_at(&self) -> f64 {
        self.predicted_at
    }

    /// Share of the step under way that is done, shown only for steps that span frames (for
    /// short ones it would only flicker).
    pub fn long_step_progress(&self) -> Option<f64> {
        self.session
            .step_progress()
            .filter(|_| self.step_ms > SLICE_MS)
    }

    /// Whether frames have work to do: training, queued steps or a prediction under way.
    pub fn busy(&self) -> bool {
        self.playing
            || self.steps_to_do > 0
            || self.predicting.is_some()
            || self.compare_sweep.is_some()
    }

    /// Play or pause. Pausing reports the speed over the stretch just trained and asks for a
    /// prediction of the model as it is now (a short run may have had none since its start).
    pub fn toggle_play(&mut self, now: f64) {
        if self.playing {
            self.pause(now);
        } else {
            self.playing = true;
            self.rate_mark = (now, self.session.steps);
        }
    }

    /// Stops training at the next chunk (the step under way stays, and goes on at Play).
    pub fn pause(&mut self, now: f64) {
        if !self.playing {
            return;
        }
        self.playing = false;
        let steps = self.session.steps;
        if now - self.rate_mark.0 > 100.0 && steps > self.rate_mark.1 {
            self.rate = (steps - self.rate_mark.1) as f64 / ((now - self.rate_mark.0) / 1000.0);
        }
        if self.compare.is_some() {
            self.refresh_compare_predictions();
        } else {
            self.refresh_prediction(now);
        }
    }

    /// Queues one step (or, with `epoch`, the steps to the end of the epoch under way after
    /// those already queued) and starts on them at once.
    pub fn queue_steps(&mut self, epoch: bool, clock: Clock) {
        self.playing = false;
        if self.steps_to_do == 0 {
            // Steps/s then measures these steps, not the idle time before them.
            self.rate_mark = (clock(), self.session.steps);
        }
        // In compare mode a step is one step of each run. The runs may stand a step apart, so
        // what is queued is counted from the step all of them are to reach: the steps to do
        // plus those done, shared out.
        let (session, runs, queued) = match &self.compare {
            Some(runs) => {
                let done: u64 = runs.iter().map(|r| r.session.finished_steps()).sum();
                let goal = (self.steps_to_do as u64 + done) / runs.len() as u64;
                (
                    &runs[0].session,
                    runs.len(),
                    goal.saturating_sub(runs[0].session.finished_steps()),
                )
            }
            None => (&self.session, 1, self.steps_to_do as u64),
        };
        self.steps_to_do += runs
            * if epoch {
                session.steps_to_end_of_epoch(queued) as usize
            } else {
                1
            };
        self.train_slice(true, clock);
    }

    /// Shows the test segment as a recursive forecast (or one step ahead), from a new pass.
    pub fn set_recursive(&mut self, on: bool, now: f64) {
        self.recursive = on;
        self.refresh_prediction(now);
    }

    /// Starts compare mode with `runs` (see `host::compared`), or ends it (None: the main
    /// run is shown again, predicted afresh).
    pub fn set_compare(&mut self, runs: Option<Vec<Session>>, now: f64) {
        self.playing = false;
        self.compare_sweep = None;
        self.predicting = None;
        if runs.is_none() {
            self.refresh_prediction(now);
        }
        self.compare = runs.map(|runs| {
            runs.into_iter()
                .map(|session| CompareRun {
                    session,
                    flow: None,
                    prediction: Vec::new(),
                    diverged: false,
                    looks: None,
                })
                .collect()
        });
    }

    /// Starts a prediction over the whole series with the current model; the next frames
    /// work on it, not the task that asked for it.
    pub fn refresh_prediction(&mut self, now: f64) {
        self.predicting = Some((
            Sweep::new(&self.session, all_windows(&self.session)),
            now,
            self.session.steps,
        ));
    }

    /// One frame's work, at most [`SLICE_MS`] of it: the prediction under way if any, else a
    /// new prediction when one is due (and no step is half done), else training.
    pub fn frame(&mut self, clock: Clock) -> FrameReport {
        if !self.busy() {
            return FrameReport::default();
        }
        self.train_slice(self.steps_to_do > 0, clock)
    }

    /// At most a slice of work. `one`: the queued steps of Step/Epoch; the prediction is
    /// refreshed when they are done.
    fn train_slice(&mut self, one: bool, clock: Clock) -> FrameReport {
        let start = clock();
        let mut report = FrameReport::default();
        if self.compare.is_some() {
            self.compare_slice(start, one, clock);
            return report;
        }
        if self.predicting.is_some() {
            report.predicted = self.advance_prediction(start, clock);
            return report;
        }
        let between_steps = self.session.step_progress().is_none();
        let every =
            PREDICTION_EVERY_MS.max(self.predict_ms * (1.0 - PREDICTION_SHARE) / PREDICTION_SHARE);
        if !one && between_steps && start - self.predicted_at > every {
            self.refresh_prediction(start);
            return report;
        }
        let s = &mut self.session;
        let mut trained = 0;
        // A step finished without diverging: its trace is the one the views show.
        let mut finished = false;
        loop {
            let call = clock();
            let step = s.step_within(&mut || clock() - start < SLICE_MS);
            self.step_work += clock() - call;
            let Some(r) = step else { break };
            self.step_ms = std::mem::take(&mut self.step_work);
            trained += 1;
            self.clip_events.push_back(r.clip.clipped);
            if self.clip_events.len() > CLIP_WINDOW {
                self.clip_events.pop_front();
            }
            if r.diverged {
                self.diverged_at = Some(r.step);
                self.playing = false;
                self.steps_to_do = 0;
                break;
            }
            let StepReport {
                loss,
                flow,
                lr_reduced,
                stop,
                epoch,
                ..
            } = r;
            self.last_loss = Some(loss);
            self.flow = Some(flow);
            finished = true;
            if let Some(lr) = lr_reduced {
                report.events.push(RunEvent::LrReduced(lr));
            }
            if stop {
                self.playing = false;
                report.events.push(RunEvent::EarlyStop {
                    epoch,
                    best: s.best_epoch(),
                });
                break;
            }
            if one {
                self.steps_to_do = self.steps_to_do.saturating_sub(1);
            }
            let frame_full = self.steps_per_frame.is_some_and(|n| trained >= n);
            // Stop between steps when the next would not fit: then the page shows the trace
            // of a finished step, and a long step starts at the top of a frame.
            if (one && self.steps_to_do == 0)
                || frame_full
                || clock() - start + self.step_ms > SLICE_MS
            {
                break;
            }
        }
        if finished {
            // Once per frame, for the latest trace only: it reads every gate value of it.
            self.saturation = Some(s.last_trace().saturation(s.config.cell));
        }
        // Steps per second since the last mark, once half a second and a step have passed
        // (a slow step, or a prediction pass in between, counts in the time), and when the
        // steps asked for with Step or Epoch are done.
        let t = clock();
        let queue_done = one && trained > 0 && self.steps_to_do == 0;
        if (t - self.rate_mark.0 > 500.0 || queue_done) && s.steps > self.rate_mark.1 {
            self.rate = (s.steps - self.rate_mark.1) as f64 / ((t - self.rate_mark.0) / 1000.0);
            self.rate_mark = (t, s.steps);
        }
        if queue_done {
            self.refresh_prediction(t);
        }
        report
    }

    /// Works on the prediction under way until `start + SLICE_MS`; true when it finished.
    fn advance_prediction(&mut self, start: f64, clock: Clock) -> bool {
        let s = &self.session;
        let Some((sweep, _, _)) = &mut self.predicting else {
            return false;
        };
        if !sweep.advance(s, &mut || clock() - start < SLICE_MS) {
            return false;
        }
        let Some((sweep, began, steps)) = self.predicting.take() else {
            return false;
        };
        let starts = sweep.starts().to_vec();
        let mut pred = sweep.into_predictions();
        let (nt, nv) = (s.dataset.train.len(), s.dataset.validation.len());
        self.forecast_error = None;
        let mut recursive = false;
        if self.recursive {
            // The test segment from its first window alone, predictions fed back.
            match recursive_forecast(s) {
                Ok(f) => {
                    pred[nt + nv..].copy_from_slice(&f);
                    recursive = true;
                }
                Err(e) => self.forecast_error = Some(e),
            }
        }
        if let Some(r) = &self.rebuild {
            levels(r, s, &starts, &mut pred, recursive.then_some(nt + nv));
        }
        self.scores = [
            self.score(s, &s.dataset.validation, &pred[nt..nt + nv]),
            self.score(s, &s.dataset.test, &pred[nt + nv..]),
        ];
        self.scored_step = steps;
        self.scored_recursive = recursive;
        self.prediction = chart_points(&self.x, s, &starts, pred);
        self.predicted_at = clock();
        self.predict_ms = self.predicted_at - began;
        true
    }

    /// A frame of compare mode: steps the run that is furthest behind, in turn, for up to a
    /// slice (each run's step may itself be spread over frames), then, when due, refreshes the
    /// runs' predictions, one run after the other, spread over frames like the main run's.
    fn compare_slice(&mut self, start: f64, one: bool, clock: Clock) {
        if self.advance_compare_predictions(start, clock)
            || clock() - start >= SLICE_MS
            || !(self.playing || one)
        {
            return;
        }
        let Some(runs) = &mut self.compare else {
            return;
        };
        loop {
            let Some(run) = runs
                .iter_mut()
                .filter(|r| !r.diverged)
                .min_by_key(|r| (r.session.steps, r.session.step_progress().is_none()))
            else {
                // Every run diverged: nothing more to train.
                self.playing = false;
                self.steps_to_do = 0;
                break;
            };
            let Some(report) = run.session.step_within(&mut || clock() - start < SLICE_MS) else {
                break;
            };
            run.diverged = report.diverged;
            run.flow = Some(report.flow);
            if one {
                self.steps_to_do = self.steps_to_do.saturating_sub(1);
            }
            if (one && self.steps_to_do == 0) || clock() - start > SLICE_MS {
                break;
            }
        }
        let between_steps = runs.iter().all(|r| r.session.step_progress().is_none());
        if between_steps && clock() - self.predicted_at > 4.0 * PREDICTION_EVERY_MS {
            self.refresh_compare_predictions();
        }
    }

    fn refresh_compare_predictions(&mut self) {
        if let Some(runs) = &self.compare {
            self.compare_sweep = Some((
                0,
                Sweep::new(&runs[0].session, all_windows(&runs[0].session)),
            ));
        }
    }

    /// Goes on with the compared runs' predictions until `start + SLICE_MS`; true while
    /// there is more to do.
    fn advance_compare_predictions(&mut self, start: f64, clock: Clock) -> bool {
        let Some(runs) = &mut self.compare else {
            self.compare_sweep = None;
            return false;
        };
        while let Some((k, mut sweep)) = self.compare_sweep.take() {
            let s = &runs[k].session;
            if !sweep.advance(s, &mut || clock() - start < SLICE_MS) {
                self.compare_sweep = Some((k, sweep));
                return true;
            }
            let starts = sweep.starts().to_vec();
            let mut pred = sweep.into_predictions();
            if let Some(r) = &self.rebuild {
                levels(r, s, &starts, &mut pred, None);
            }
            runs[k].prediction = chart_points(&self.x, s, &starts, pred);
            match runs.get(k + 1) {
                Some(next) => {
                    self.compare_sweep =
                        Some((k + 1, Sweep::new(&next.session, all_windows(&next.session))));
                }
                None => self.predicted_at = clock(),
            }
            if clock() - start >= SLICE_MS {
                return self.compare_sweep.is_some();
            }
        }
        false
    }
}

/// The test segment of `s` as a recursive forecast, or why it is not computed (too much work
/// to do at once, or a task it does not apply to).
fn recursive_forecast(s: &Session) -> Result<Vec<f64>, Text> {
    let c = &s.net.config;
    let per_step = (c.cell.gates().len()
        * c.hidden_size
        * (c.hidden_size + c.input_size)
        * c.layers
        * c.directions()) as f64;
    let (n, w) = (s.dataset.test.len(), s.dataset.task.window());
    if (n * w) as f64 * per_step > RECURSIVE_MAX_WORK {
        return Err(Text::with("forecast.too_long", &[("n", &n), ("w", &w)]));
    }
    s.recursive_forecast(&s.dataset.test)
}

/// Predicted changes made levels again: each from the true level it was taken from, or,
/// from `recursive_from` on (a recursive forecast), each from the level predicted before it,
/// so the forecast's errors compound in levels as in changes.
fn levels(
    r: &crate::data::change::Rebuild,
    s: &Session,
    starts: &[usize],
    pred: &mut [f64],
    recursive_from: Option<usize>,
) {
    let mut last: Option<f64> = None;
    for (i, (p, &st)) in pred.iter_mut().zip(starts).enumerate() {
        *p = match (last, recursive_from.is_some_and(|from| i > from)) {
            (Some(before), true) => r.how.level_from(before, *p),
            _ => r.level(s.target_row(st), *p),
        };
        last = Some(*p);
    }
}

/// Each window's prediction at the x of the row it predicts, for the prediction charts.
fn chart_points(x: &[f64], s: &Session, starts: &[usize], predicted: Vec<f64>) -> Vec<(f64, f64)> {
    starts
        .iter()
        .zip(predicted)
        .map(|(&st, p)| (x[s.target_row(st)], p))
        .collect()
}

/// Every window of a run, train, validation and test, in order (the prediction chart's).
pub fn all_windows(s: &Session) -> Vec<usize> {
    s.dataset
        .train
        .iter()
        .chain(&s.dataset.validation)
        .chain(&s.dataset.test)
        .copied()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::frame::{Dataset, SplitSpec, TargetData, Task};
    use crate::data::normalise::Scaling;
    use crate::data::signals::{generate, SignalParams};
    use crate::train::lessons::Lesson;
    use crate::train::TrainConfig;

    /// A clock that moves on by `tick` ms each time it is read, from `t`: every check of the
    /// budget costs time, so a frame's length is counted in reads and the tests do not
    /// depend on the machine's speed.
    struct FakeClock {
        t: f64,
        tick: f64,
    }

    /// Steps trained by the main run, or by all compared runs.
    fn steps_done(r: &Runner) -> u64 {
        match &r.compare {
            Some(runs) => runs.iter().map(|r| r.session.steps).sum(),
            None => r.session.steps,
        }
    }

    impl FakeClock {
        fn new(tick: f64) -> Self {
            Self { t: 0.0, tick }
        }
        fn read(&mut self) -> f64 {
            self.t += self.tick;
            self.t
        }
        /// Runs one frame of `r` and returns it with the clock's time before and after.
        fn frame(&mut self, r: &mut Runner) -> (FrameReport, f64, f64) {
            let before = self.t;
            let report = r.frame(&mut || self.read());
            (report, before, self.t)
        }
    }

    fn lesson(l: Lesson) -> Prepared {
        l.prepare(&l.defaults()).unwrap()
    }

    /// A sine in windows of `window` steps: with batch 32 a step is several chunks of time
    /// steps (`network::chunk_steps`), so it can be cut between them.
    fn long_windows(window: usize) -> Prepared {
        let s = generate(&SignalParams {
            points: 1400,
            x_end: 140.0,
            ..SignalParams::default()
        });
        let dataset = Dataset::new(
            vec![("y".into(), s.y.clone())],
            ("y".into(), TargetData::Values(s.y.clone())),
            Task::NextValue {
                window,
                horizon: 1,
                stride: 1,
            },
            Scaling::None,
            SplitSpec::Counts {
                validation: window + 20,
                test: window + 20,
            },
        )
        .unwrap();
        let mut config: TrainConfig = Lesson::SineNextValue.defaults().train_config(32);
        config.hidden_size = 8;
        Prepared {
            dataset,
            config,
            x: s.x,
            y: s.y,
            rebuild: None,
        }
    }

    /// However a frame is spent (a prediction pass, training steps, a long step's chunks, the
    /// compared runs), it stops once its slice is used: the clock is read at most a few more
    /// times (the frame's bookkeeping) after the budget ran out, and never a chunk more.
    /// A trending series: trained on its level, the network cannot reach the test values it
    /// never saw; trained on the change, with the forecast rebuilt from the last level, it
    /// scores in the series' own units, one step ahead and recursively.
    #[test]
    fn predicting_the_change_rebuilds_levels_and_beats_a_trend() {
        use crate::data::change::Change;
        let text = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/good/quarterly_macro.csv"
        ))
        .unwrap();
        let table = crate::data::table::read_csv(text).unwrap();
        let settings = crate::train::settings::Settings {
            scaling: Scaling::ZScore,
            ..Lesson::StockCsv.defaults()
        };
        let test_r2 = |change: Change, recursive: bool| {
            let mut choice = crate::train::lessons::CsvChoice::for_target("realgdp".into());
            choice.change = change;
            let p = crate::train::lessons::prepare_csv(&table, &choice, &settings).unwrap();
            let y = p.y.clone();
            let mut r = Runner::new(p, 0.0).unwrap();
            for _ in 0..300 {
                r.session.step();
            }
            let mut clock = FakeClock::new(1.0);
            r.set_recursive(recursive, clock.read());
            r.refresh_prediction(clock.read());
            while r.predicting.is_some() {
                clock.frame(&mut r);
            }
            // The chart shows levels: every predicted point near the series' own values.
            let (lo, hi) = (y[0] * 0.8, y[y.len() - 1] * 1.2);
            assert!(
                r.prediction.iter().all(|&(_, v)| (lo..hi).contains(&v)) || change == Change::Level
            );
            match &r.scores[1] {
                Some(Metrics::Regression(m)) => m.r2,
                other => panic!("{other:?}"),
            }
        };
        let level = test_r2(Change::Level, false);
        let difference = test_r2(Change::Difference, false);
        let percent = test_r2(Change::Percent, false);
        let recursive = test_r2(Change::Difference, true);
        eprintln!(
            "quarterly GDP, test R² after 300 steps: level {level:.2}, difference \
             {difference:.3}, percent {percent:.3}, difference recursive {recursive:.2}"
        );
        assert!(level < 0.0, "the level cannot follow the trend: {level}");
        assert!(difference > 0.9 && percent > 0.9, "{difference} {percent}");
        assert!(recursive > level, "{recursive}");
    }

    #[test]
    fn every_frame_keeps_to_its_budget() {
        for (name, prepared, compare) in [
            ("sine", lesson(Lesson::SineNextValue), false),
            ("long windows", long_windows(300), false),
            ("compare", lesson(Lesson::SineNextValue), true),
        ] {
            let mut clock = FakeClock::new(1.0);
            let mut r = Runner::new(prepared, 0.0).unwrap();
            if compare {
                r.set_compare(Some(compared(Lesson::SineNextValue)), 0.0);
            }
            r.toggle_play(clock.read());
            let mut longest: f64 = 0.0;
            for _ in 0..400 {
                let (_, before, after) = clock.frame(&mut r);
                longest = longest.max(after - before);
            }
            assert!(
                longest <= SLICE_MS + 4.0,
                "{name}: a frame read the clock for {longest} ms of a {SLICE_MS} ms slice"
            );
            assert!(
                steps_done(&r) > 10,
                "{name}: it trained ({})",
                steps_done(&r)
            );
        }
    }

    fn compared(l: Lesson) -> Vec<Session> {
        crate::train::host::compared(&l.defaults())
            .iter()
            .map(|settings| {
                let p = l.prepare(settings).unwrap();
                Session::new(p.config, p.dataset).unwrap()
            })
            .collect()
    }

    /// Compare mode trains the runs in step: after every frame, and after Step, no run is more
    /// than one step ahead of another, so their curves compare like for like.
    #[test]
    fn compared_runs_are_never_more_than_one_step_apart() {
        let mut clock = FakeClock::new(0.5);
        let mut r = Runner::new(lesson(Lesson::SineNextValue), 0.0).unwrap();
        r.set_compare(Some(compared(Lesson::SineNextValue)), 0.0);
        let spread = |r: &Runner| {
            let steps: Vec<u64> = r
                .compare
                .as_ref()
                .unwrap()
                .iter()
                .map(|c| c.session.steps)
                .collect();
            steps.iter().max().unwrap() - steps.iter().min().unwrap()
        };
        r.toggle_play(clock.read());
        for _ in 0..300 {
            clock.frame(&mut r);
            assert!(spread(&r) <= 1, "steps apart: {}", spread(&r));
        }
        let trained = steps_done(&r);
        assert!(trained >= 30, "the three runs trained ({trained} steps)");
        r.pause(clock.read());
        r.queue_steps(false, &mut || clock.read());
        for _ in 0..10_000 {
            if !r.busy() {
                break;
            }
            clock.frame(&mut r);
            assert!(spread(&r) <= 1);
        }
        assert!(!r.busy(), "Step ends");
        assert_eq!(
            steps_done(&r),
            trained + 3,
            "Step trains three steps in all"
        );
        assert!(r
            .compare
            .as_ref()
            .unwrap()
            .iter()
            .all(|c| !c.prediction.is_empty()));
    }

    /// Pause in the middle of a long step: the next frame trains nothing (the step under way
    /// waits where it is), and Play goes on from there to the same result as an uncut run.
    #[test]
    fn pause_takes_effect_at_the_next_chunk() {
        let mut clock = FakeClock::new(2.0);
        let mut r = Runner::new(long_windows(300), 0.0).unwrap();
        r.toggle_play(clock.read());
        while r.session.step_progress().is_none() {
            clock.frame(&mut r);
        }
        let (steps, progress) = (r.session.steps, r.session.step_progress());
        r.pause(clock.read());
        for _ in 0..10_000 {
            if !r.busy() {
                break;
            }
            clock.frame(&mut r);
            assert_eq!(
                (r.session.steps, r.session.step_progress()),
                (steps, progress)
            );
        }
        assert!(!r.busy(), "paused, with its prediction done");
        assert!(!r.prediction.is_empty());
        r.toggle_play(clock.read());
        while r.session.steps < steps + 3 {
            clock.frame(&mut r);
        }
        let mut whole = Session::new(r.session.config, long_windows(300).dataset).unwrap();
        for _ in 0..steps + 3 {
            whole.step();
        }
        assert_eq!(
            r.session.history.last().unwrap().train_loss,
            whole.history.last().unwrap().train_loss,
            "the paused run is the uncut run"
        );
    }

    /// Step and Epoch: the queued steps are trained and nothing more; steps/s counts them over
    /// the time they took, not the idle time before the press, and a prediction follows.
    #[test]
    fn steps_per_second_after_step_and_epoch_measures_those_steps() {
        let mut clock = FakeClock::new(1.0);
        let mut r = Runner::new(lesson(Lesson::SineNextValue), 0.0).unwrap();
        while r.busy() {
            clock.frame(&mut r);
        }
        clock.t += 60_000.0; // a minute of reading before pressing
        let per = r.session.steps_to_end_of_epoch(0);
        let pressed = clock.t;
        r.queue_steps(true, &mut || clock.read());
        while r.steps_to_do > 0 {
            clock.frame(&mut r);
        }
        let took = (clock.t - pressed) / 1000.0;
        assert_eq!((r.session.steps, r.session.epoch), (per, 1));
        let expected = per as f64 / took;
        assert!(
            r.rate() >= expected && r.rate() < 1.5 * expected,
            "{} steps in {took} s: {} steps/s",
            per,
            r.rate()
        );
        assert!(
            r.predicting.is_some(),
            "the model after the epoch is predicted"
        );
        clock.t += 60_000.0;
        r.queue_steps(false, &mut || clock.read());
        while r.busy() {
            clock.frame(&mut r);
        }
        assert_eq!(r.session.steps, per + 1);
        assert!(
            r.rate() > 10.0,
            "one step, timed alone: {} steps/s",
            r.rate()
        );
    }

    /// Playing refreshes the prediction over the series while it trains; the scores follow.
    #[test]
    fn a_playing_run_is_predicted_again_as_it_trains() {
        let mut clock = FakeClock::new(1.0);
        let mut r = Runner::new(lesson(Lesson::SineNextValue), 0.0).unwrap();
        r.toggle_play(clock.read());
        let mut predictions = 0;
        for _ in 0..2000 {
            predictions += usize::from(clock.frame(&mut r).0.predicted);
        }
        assert!(predictions >= 3, "{predictions} predictions in 2000 frames");
        assert_eq!(r.prediction.len(), all_windows(&r.session).len());
        assert!(r.scores[0].is_some() && r.scores[1].is_some());
        assert!(r.last_loss.is_some() && r.flow.is_some() && r.saturation.is_some());
    }
}
