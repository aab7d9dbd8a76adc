//! A training session: configuration, data, model, optimiser and history in one value, and
//! the one `step` that advances training by a batch. The page and the tests drive this
//! `step`; the speed benchmark (`nn::benchmark`) times the core's forward + BPTT + Adam on a
//! fixed batch without it, so its numbers compare with PyTorch's like for like.

pub mod export;
pub mod history;
pub mod host;
pub mod lessons;
pub mod memory;
pub mod metrics;
#[cfg(test)]
mod readme;
pub mod runner;
pub mod settings;
pub mod sweep;

use crate::i18n::Text;
use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use serde::{Deserialize, Serialize};

use crate::data::frame::{Batch, BatchTargets, Dataset, TargetData};
use crate::nn::init::{initialise, Init};
use crate::nn::loss::{Loss, Targets};
use crate::nn::network::{Evaluation, Goal, GradientFlow, Progress};
use crate::nn::optim::{
    clip_network, Clip, ClipReport, EarlyStopping, Optimizer, OptimizerKind, ReduceLrOnPlateau,
};
use crate::nn::{CellKind, Head, Mat, Network, NetworkConfig};
use metrics::Metrics;
use sweep::Sweep;

/// Everything that defines a run besides the data. Same config + same data = same run.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrainConfig {
    pub cell: CellKind,
    pub hidden_size: usize,
    pub layers: usize,
    pub bidirectional: bool,
    pub dropout: f64,
    pub init: Init,
    pub optimizer: OptimizerKind,
    pub learning_rate: f64,
    pub batch_size: usize,
    pub clip: Clip,
    /// Truncated BPTT every k steps; None for full BPTT.
    pub truncate: Option<usize>,
    pub seed: u64,
    /// Epoch-end callbacks (the Keras ones the notes use).
    #[serde(default)]
    pub schedule: Schedule,
    /// Stateful training, as the notes' character LSTM (`saved_state`) and TensorFlow's
    /// `cell_final_state`: the training windows are read as `batch_size` streams of
    /// consecutive windows ([`Dataset::stream_order`]), and each batch starts from the
    /// states the batch before it ended in, with the gradient stopped there (truncated BPTT
    /// across batches). The state starts from zero each epoch.
    #[serde(default)]
    pub stateful: bool,
}

/// Epoch-end callbacks, each watching the validation loss (the training loss when there is
/// no validation split).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Schedule {
    /// Halve the learning rate after [`PLATEAU_PATIENCE`] epochs without a 1% improvement.
    pub reduce_lr_on_plateau: bool,
    /// Stop after [`STOP_PATIENCE`] epochs without improvement.
    pub early_stopping: bool,
}

/// Epochs without improvement before the learning rate is halved.
pub const PLATEAU_PATIENCE: usize = 5;
/// Epochs without improvement before training stops.
pub const STOP_PATIENCE: usize = 10;

impl TrainConfig {
    /// Checks the settings; the message says what to change.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=512).contains(&self.hidden_size) {
            return Err(format!(
                "hidden size must be between 1 and 512, got {}",
                self.hidden_size
            ));
        }
        if !(1..=1024).contains(&self.batch_size) {
            return Err(format!(
                "batch size must be between 1 and 1024, got {}",
                self.batch_size
            ));
        }
        if !(self.learning_rate > 0.0 && self.learning_rate <= 10.0) {
            return Err(format!(
                "learning rate must be in (0, 10], got {}",
                self.learning_rate
            ));
        }
        Ok(())
    }
}

/// One point of the loss history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct HistoryPoint {
    pub step: u64,
    pub epoch: u64,
    pub train_loss: f64,
    /// Filled at the end of each epoch.
    pub validation_loss: Option<f64>,
    /// Steps the point stands for: 1, or more once older history is thinned (see
    /// [`history`]); `train_loss` is then their mean.
    #[serde(default = "one")]
    pub steps: u64,
}

fn one() -> u64 {
    1
}

/// What one step did.
#[derive(Debug, Clone, PartialEq)]
pub struct StepReport {
    pub step: u64,
    pub epoch: u64,
    pub loss: f64,
    pub clip: ClipReport,
    pub flow: GradientFlow,
    /// The loss was NaN/inf or exploded: the step was undone and the last good model kept.
    pub diverged: bool,
    /// This step finished an epoch (validation loss was computed).
    pub epoch_done: bool,
    /// Reduce-LR-on-plateau lowered the learning rate to this at the end of this epoch.
    pub lr_reduced: Option<f64>,
    /// Early stopping says stop: the monitored loss has not improved for STOP_PATIENCE epochs.
    pub stop: bool,
}

/// Most multiply-adds [`Session::input_sensitivity`] may spend (a forward and a backward pass
/// over one window): a few milliseconds, so a view that carries it never keeps Pause waiting.
pub const SENSITIVITY_BUDGET: usize = 20_000_000;

/// The order an epoch reads the training windows in: shuffled, or as streams when stateful.
fn epoch_order(config: &TrainConfig, dataset: &Dataset, epoch: u64) -> Vec<usize> {
    if config.stateful {
        dataset.stream_order(config.batch_size)
    } else {
        dataset.shuffled_train(config.seed, epoch)
    }
}

/// A run in progress.
pub struct Session {
    pub config: TrainConfig,
    pub dataset: Dataset,
    pub net: Network<f32>,
    optimizer: Optimizer<f32>,
    dropout_rng: Pcg64Mcg,
    order: Vec<usize>,
    cursor: usize,
    pub epoch: u64,
    pub steps: u64,
    /// The loss history, bounded (see [`history`]).
    pub history: Vec<HistoryPoint>,
    first_loss: Option<f64>,
    /// The weights before the last update, whose loss was finite: restored on divergence.
    last_good: Option<Network<f32>>,
    plateau: ReduceLrOnPlateau,
    early_stopping: EarlyStopping,
    /// The last step's forward trace, gradients and gradient flow, reused every step.
    eval: Evaluation<f32>,
    /// The step under way writes here; the two swap when it finishes, so the last step's
    /// trace stays whole for the page however long the next one takes.
    next_eval: Evaluation<f32>,
    /// A step under way (see [`Session::step_within`]).
    pending: Option<Pending>,
}

/// Where a step that has not finished stands.
enum Pending {
    /// The forward and backward pass over the batch of windows `order[cursor..end]`.
    Train {
        xs: Vec<Mat<f32>>,
        ys: Targets<f32>,
        end: usize,
        progress: Progress,
    },
    /// The step finished an epoch; the validation pass is under way.
    Validate {
        sweep: Box<Sweep>,
        report: StepReport,
    },
}

fn to_mat(rows: usize, cols: usize, v: &[f64]) -> Mat<f32> {
    Mat::from_iterator(rows, cols, v.iter().map(|&x| x as f32))
}

/// The network a session of `config` builds for `dataset` (input = its features; output 1
/// value or its classes).
fn network_config(config: &TrainConfig, dataset: &Dataset) -> NetworkConfig {
    let (output_size, loss) = match &dataset.y {
        TargetData::Values(_) => (1, Loss::Mse),
        TargetData::Classes { classes, .. } => (*classes, Loss::CrossEntropy),
    };
    let head = match dataset.task {
        crate::data::frame::Task::NextValue { .. } => Head::ManyToOne,
        crate::data::frame::Task::SeqToSeq { .. } => Head::ManyToMany,
    };
    NetworkConfig {
        cell: config.cell,
        input_size: dataset.x.len(),
        hidden_size: config.hidden_size,
        layers: config.layers,
        bidirectional: config.bidirectional,
        dropout: config.dropout,
        output_size,
        head,
        loss,
    }
}

/// Bytes a session of `config` on `dataset` would need at its peak (see [`memory`]).
pub fn memory_estimate(config: &TrainConfig, dataset: &Dataset) -> usize {
    memory::estimate(&network_config(config, dataset), config.batch_size, dataset)
}

impl Session {
    /// Builds the model for `dataset` (input = its features; output 1 value or its classes).
    pub fn new(config: TrainConfig, dataset: Dataset) -> Result<Session, Text> {
        config.validate()?;
        let net_config = network_config(&config, &dataset);
        net_config.validate()?;
        if dataset.train.is_empty() {
            return Err(Text::new("err.no_train_window"));
        }
        // Refused before anything is allocated (see `memory`).
        memory::check(memory::estimate(&net_config, config.batch_size, &dataset))?;
        let mut net = Network::zeros(net_config);
        initialise(
            &mut net,
            config.init,
            &mut Pcg64Mcg::seed_from_u64(config.seed),
        );
        let order = epoch_order(&config, &dataset, 0);
        Ok(Session {
            optimizer: Optimizer::new(config.optimizer, config.learning_rate),
            dropout_rng: Pcg64Mcg::seed_from_u64(config.seed.wrapping_add(1)),
            config,
            dataset,
            net,
            order,
            cursor: 0,
            epoch: 0,
            steps: 0,
            history: Vec::new(),
            first_loss: None,
            last_good: None,
            plateau: ReduceLrOnPlateau::new(0.5, PLATEAU_PATIENCE),
            early_stopping: EarlyStopping::new(STOP_PATIENCE, 0.0),
            eval: Evaluation::new(net_config),
            next_eval: Evaluation::new(net_config),
            pending: None,
        })
    }

    /// The batch for `starts` in the core's types.
    pub fn tensors(&self, batch: &Batch) -> (Vec<Mat<f32>>, Targets<f32>) {
        let xs = batch
            .inputs
            .iter()
            .map(|v| to_mat(batch.features, batch.size, v))
            .collect();
        let ys = match &batch.targets {
            BatchTargets::Values(v) => {
                Targets::Values(v.iter().map(|t| to_mat(1, batch.size, t)).collect())
            }
            BatchTargets::Classes(c) => Targets::Classes(c.clone()),
        };
        (xs, ys)
    }

    /// Advances training by one batch.
    pub fn step(&mut self) -> StepReport {
        loop {
            if let Some(report) = self.step_within(&mut || true) {
                return report;
            }
        }
    }

    /// Goes on with the current step (or starts the next) until it finishes, returning its
    /// report, or until `more()` says to stop between two chunks of work (None: call again
    /// to go on). A page calls this once per frame with a time budget, so a step over long
    /// sequences spreads over frames; the run is the same however it is sliced.
    pub fn step_within(&mut self, more: &mut dyn FnMut() -> bool) -> Option<StepReport> {
        let pending = match self.pending.take() {
            Some(p) => p,
            None => {
                let end = (self.cursor + self.config.batch_size).min(self.order.len());
                let batch = self.dataset.batch(&self.order[self.cursor..end]);
                let (xs, ys) = self.tensors(&batch);
                // Stateful: this batch goes on from where the last one of the epoch ended
                // (a copy of its final states: no gradient flows back into it).
                let carried = (self.config.stateful && self.cursor > 0)
                    .then(|| self.eval.trace.final_states())
                    .filter(|s| s.fit(&self.net.config, end - self.cursor));
                self.next_eval.start_from(carried);
                Pending::Train {
                    xs,
                    ys,
                    end,
                    progress: Progress::new(Goal::Gradients),
                }
            }
        };
        match pending {
            Pending::Train {
                xs,
                ys,
                end,
                mut progress,
            } => {
                let done = self.net.run_sliced(
                    &xs,
                    Some(&ys),
                    Some(&mut self.dropout_rng),
                    self.config.truncate,
                    &mut self.next_eval,
                    &mut progress,
                    more,
                );
                if !done {
                    self.pending = Some(Pending::Train {
                        xs,
                        ys,
                        end,
                        progress,
                    });
                    return None;
                }
                std::mem::swap(&mut self.eval, &mut self.next_eval);
                let report = self.update(end);
                if !report.epoch_done || self.dataset.validation.is_empty() {
                    return Some(self.finish_epoch(report, None));
                }
                if !more() {
                    let sweep = Box::new(Sweep::new(self, self.dataset.validation.clone()));
                    self.pending = Some(Pending::Validate { sweep, report });
                    return None;
                }
                self.validate(
                    Box::new(Sweep::new(self, self.dataset.validation.clone())),
                    report,
                    more,
                )
            }
            Pending::Validate { sweep, report } => self.validate(sweep, report, more),
        }
    }

    /// Share of the step under way that is done (None between steps).
    pub fn step_progress(&self) -> Option<f64> {
        match self.pending.as_ref()? {
            Pending::Train { xs, progress, .. } => {
                let batch = xs.first().map_or(1, |x| x.ncols());
                Some(progress.fraction(&self.net.config, xs.len(), batch))
            }
            Pending::Validate { .. } => Some(1.0),
        }
    }

    /// How many more steps finish the epoch that is under way once `queued` steps (already
    /// asked for) are done: what "step one epoch" adds. A queue that ends exactly on an
    /// epoch's end asks for the whole next epoch.
    /// Steps finished, a step whose epoch's validation pass is still under way not counted
    /// (`steps` counts it from its update on).
    pub fn finished_steps(&self) -> u64 {
        self.steps - u64::from(matches!(self.pending, Some(Pending::Validate { .. })))
    }

    pub fn steps_to_end_of_epoch(&self, queued: u64) -> u64 {
        let batch = self.config.batch_size.max(1);
        let per = self.order.len().div_ceil(batch).max(1) as u64;
        // Steps left in this epoch, the one under way included: a step whose epoch's
        // validation pass is under way has already moved the cursor to the next epoch, but
        // is itself the last of this one.
        let left = if matches!(self.pending, Some(Pending::Validate { .. })) {
            1
        } else {
            (self.order.len() - self.cursor).div_ceil(batch) as u64
        };
        match (left + per - queued % per) % per {
            0 => per,
            n => n,
        }
    }

    /// Drops a step under way (its batch is trained again by the next step).
    pub fn cancel_step(&mut self) {
        self.pending = None;
    }

    /// Goes on with the epoch's validation pass, then finishes the step.
    fn validate(
        &mut self,
        mut sweep: Box<Sweep>,
        report: StepReport,
        more: &mut dyn FnMut() -> bool,
    ) -> Option<StepReport> {
        if sweep.advance(self, more) {
            let loss = sweep.loss();
            Some(self.finish_epoch(report, loss))
        } else {
            self.pending = Some(Pending::Validate { sweep, report });
            None
        }
    }

    /// After the pass over the batch `order[cursor..end]`: clipping, the update (or undoing
    /// the last one on divergence), and moving through the epoch.
    fn update(&mut self, end: usize) -> StepReport {
        let eval = &mut self.eval;
        let first = *self.first_loss.get_or_insert(eval.loss);
        let diverged = !eval.loss.is_finite() || eval.loss > 1e6 * first.max(1e-3);
        let report_clip = clip_network(&mut eval.grads, self.config.clip);
        let grads_finite = report_clip.norm_before.is_finite();
        let mut update_finite = true;
        if diverged || !grads_finite {
            // The previous update produced these weights: go back to the ones before it.
            if let Some(good) = self.last_good.take() {
                self.net = good;
            }
        } else {
            match &mut self.last_good {
                Some(good) => good.copy_params_from(&self.net),
                None => self.last_good = Some(self.net.clone()),
            }
            self.optimizer
                .step(self.net.params_mut(), eval.grads.params());
            // An update that overflows a weight is undone at once, before a validation pass,
            // the history or an export can see it (checked here, not at the next step's loss).
            update_finite = self.net.params().all(|m| m.iter().all(|v| v.is_finite()));
            if !update_finite {
                if let Some(good) = &self.last_good {
                    self.net.copy_params_from(good);
                }
            }
        }
        let (loss, flow) = (eval.loss, eval.flow.clone());
        self.steps += 1;
        self.cursor = end;
        let mut epoch_done = false;
        if self.cursor >= self.order.len() {
            self.epoch += 1;
            self.cursor = 0;
            self.order = epoch_order(&self.config, &self.dataset, self.epoch);
            epoch_done = true;
        }
        StepReport {
            step: self.steps,
            epoch: self.epoch,
            loss,
            clip: report_clip,
            flow,
            diverged: diverged || !grads_finite || !update_finite,
            epoch_done,
            lr_reduced: None,
            stop: false,
        }
    }

    /// Records the step in the history; at the end of an epoch, with its `validation_loss`,
    /// lets reduce-LR-on-plateau and early stopping see the epoch.
    fn finish_epoch(&mut self, mut report: StepReport, validation_loss: Option<f64>) -> StepReport {
        if report.epoch_done {
            let watched = validation_loss.unwrap_or_else(|| self.epoch_train_loss(report.loss));
            if self.config.schedule.reduce_lr_on_plateau {
                report.lr_reduced = self.plateau.observe(watched, &mut self.optimizer.lr);
            }
            if self.config.schedule.early_stopping {
                report.stop = self.early_stopping.observe(watched);
            }
        }
        self.history.push(HistoryPoint {
            step: self.steps,
            epoch: self.epoch,
            train_loss: report.loss,
            validation_loss,
            steps: 1,
        });
        history::thin(&mut self.history, self.epoch);
        report
    }

    /// Share of saturated gate activations (see [`crate::nn::network::ForwardTrace::saturation`])
    /// over the training windows `starts`, without dropout.
    pub fn saturation_over(&self, starts: &[usize]) -> f64 {
        let (xs, _) = self.tensors(&self.dataset.batch(starts));
        self.net
            .forward::<Pcg64Mcg>(&xs, None)
            .saturation(self.config.cell)
    }

    /// Mean training loss of the epoch just finished (its last step's `loss` not yet in the
    /// history).
    fn epoch_train_loss(&self, last: f64) -> f64 {
        let epoch = self.history.last().map_or(0, |h| h.epoch);
        let (sum, n) = self
            .history
            .iter()
            .rev()
            .take_while(|h| h.epoch == epoch)
            .fold((last, 1), |(s, n), h| {
                (s + h.train_loss * h.steps as f64, n + h.steps)
            });
        sum / n as f64
    }

    /// The epoch early stopping saw the best monitored loss at (with early stopping on).
    pub fn best_epoch(&self) -> usize {
        self.early_stopping.best_epoch
    }

    /// The forward trace of the latest training batch: the very trace backprop used (sample
    /// j is column j of every matrix). Empty before the first step.
    pub fn last_trace(&self) -> &crate::nn::network::ForwardTrace<f32> {
        &self.eval.trace
    }

    /// The weights that produced [`Self::last_trace`]: the model before the latest update
    /// (the trace is the forward pass that update's gradients came from).
    pub fn last_trace_network(&self) -> &Network<f32> {
        self.last_good.as_ref().unwrap_or(&self.net)
    }

    /// How strongly the prediction for sample `sample` of the latest batch depends on each
    /// step's input: |dŷ/dx_t| (the norm over the input's features) for every step t of the
    /// window, from that sample's inputs in the trace backprop used and the weights that made
    /// it, without dropout. ŷ is the last output the head reads (for classification, the
    /// logit of the class it predicts). How far back the network actually looks. None before
    /// the first step, or when the window is too long to afford in a view (more than
    /// [`SENSITIVITY_BUDGET`] multiply-adds).
    pub fn input_sensitivity(&self, sample: usize) -> Option<Vec<f64>> {
        let trace = self.last_trace();
        let inputs = &trace.layers.first()?.input;
        let (in_rows, batch) = inputs.first()?.shape();
        let c = &self.net.config;
        let rows = c.cell.gates().len() * c.hidden_size;
        let work = inputs.len()
            * c.layers
            * c.directions()
            * rows
            * (c.hidden_size + c.layer_output_size().max(in_rows));
        if sample >= batch || 2 * work > SENSITIVITY_BUDGET {
            return None;
        }
        let xs: Vec<Mat<f32>> = inputs
            .iter()
            .map(|x| {
                Mat::from_column_slice(in_rows, 1, &x.as_slice()[sample * in_rows..][..in_rows])
            })
            .collect();
        let net = self.last_trace_network();
        let mut e = Evaluation::new(net.config);
        e.trace = net.forward::<Pcg64Mcg>(&xs, None);
        e.want_input_gradients(true);
        let mut d_outputs: Vec<Mat<f32>> = e
            .trace
            .outputs
            .iter()
            .map(|y| Mat::zeros(y.nrows(), 1))
            .collect();
        let last = d_outputs.len().checked_sub(1)?;
        let y = &e.trace.outputs[last];
        // The class it predicts, as the prediction sweep picks it.
        let k = if c.loss == Loss::CrossEntropy {
            y.column(0).argmax().0
        } else {
            0
        };
        d_outputs[last][k] = 1.0;
        net.backward_into(&d_outputs, &mut e);
        Some(
            e.d_inputs()?
                .iter()
                .map(|d| {
                    d.iter()
                        .map(|&v| f64::from(v) * f64::from(v))
                        .sum::<f64>()
                        .sqrt()
                })
                .collect(),
        )
    }

    /// The optimiser's learning rate now.
    pub fn learning_rate(&self) -> f64 {
        self.optimizer.lr
    }

    /// Mean loss over the validation windows (None without a validation split).
    pub fn validation_loss(&self) -> Option<f64> {
        self.loss_over(&self.dataset.validation)
    }

    /// Mean loss over `starts`, a group of windows at a time, without dropout.
    pub fn loss_over(&self, starts: &[usize]) -> Option<f64> {
        Sweep::new(self, starts.to_vec()).run(self).loss()
    }

    /// MSE over `starts` in the target's original units (the scaled loss times the scale²),
    /// so runs with and without normalisation compare fairly. None for classification.
    pub fn loss_in_original_units(&self, starts: &[usize]) -> Option<f64> {
        match self.dataset.y {
            TargetData::Values(_) => self
                .loss_over(starts)
                .map(|l| l * self.dataset.y_scaler.scale.powi(2)),
            TargetData::Classes { .. } => None,
        }
    }

    /// The model's prediction for each window in `starts`, in original units (regression),
    /// or the predicted class. For seq-to-seq, the last step's prediction.
    pub fn predict(&self, starts: &[usize]) -> Vec<f64> {
        Sweep::new(self, starts.to_vec())
            .run(self)
            .into_predictions()
    }

    /// Multi-step forecast over consecutive windows `starts` (e.g. the test split): from the
    /// first window only, each prediction is fed back as the next input, so errors compound,
    /// unlike [`Self::predict`]'s one-step-ahead predictions from true inputs. Original units.
    /// Only for next-value tasks on the target alone, horizon 1, stride 1.
    pub fn recursive_forecast(&self, starts: &[usize]) -> Result<Vec<f64>, Text> {
        let d = &self.dataset;
        let one_ahead = matches!(
            d.task,
            crate::data::frame::Task::NextValue {
                horizon: 1,
                stride: 1,
                ..
            }
        );
        if !one_ahead || !matches!(d.y, TargetData::Values(_)) {
            return Err(Text::new("err.recursive_task"));
        }
        if self.config.stateful {
            return Err(Text::new("err.recursive_stateful"));
        }
        let Some(&first) = starts.first() else {
            return Ok(Vec::new());
        };
        let scaled = d
            .recursive_forecast(first, starts.len(), |w| {
                let xs: Vec<Mat<f32>> = w
                    .iter()
                    .map(|&v| Mat::from_element(1, 1, v as f32))
                    .collect();
                let trace = self.net.forward::<Pcg64Mcg>(&xs, None);
                f64::from(trace.outputs.last().expect("one scored step")[(0, 0)])
            })
            .map_err(Text::from)?;
        Ok(scaled.into_iter().map(|v| d.y_scaler.invert(v)).collect())
    }

    /// Scores of `predicted` (from [`Self::predict`] on the same `starts`) against the truth,
    /// in original units. None for no windows.
    pub fn metrics(&self, starts: &[usize], predicted: &[f64]) -> Option<Metrics> {
        if starts.is_empty() {
            return None;
        }
        let rows = starts.iter().map(|&s| self.target_row(s));
        Some(match &self.dataset.y {
            TargetData::Values(v) => {
                // The dataset holds scaled targets; scores are in original units.
                let scaler = &self.dataset.y_scaler;
                let truth: Vec<f64> = rows.map(|r| scaler.invert(v[r])).collect();
                Metrics::Regression(metrics::regression(predicted, &truth))
            }
            TargetData::Classes { labels, classes } => {
                let truth: Vec<usize> = rows.map(|r| labels[r]).collect();
                let pred: Vec<usize> = predicted.iter().map(|&p| p as usize).collect();
                Metrics::Classification(metrics::classification(&pred, &truth, *classes))
            }
        })
    }

    /// [`Self::metrics`] of the model's own predictions on `starts`.
    pub fn metrics_over(&self, starts: &[usize]) -> Option<Metrics> {
        self.metrics(starts, &self.predict(starts))
    }

    /// The row each window's (last) prediction belongs to, for charts.
    pub fn target_row(&self, start: usize) -> usize {
        self.dataset
            .target_row(start, self.dataset.scored_steps() - 1)
    }
}

#[cfg(test)]
mod tests;
