//! The run behind a message boundary: what the page asks of the run ([`Request`]), what it
//! hears back ([`Reply`]), and the [`Host`] that answers, owning the [`Runner`]. In the
//! browser the host lives in a Web Worker (`crate::worker`), so training never shares the
//! page's thread; here it is plain Rust, driven by the native tests with a fake clock.
//!
//! The page never reads the session: it shows a [`RunInfo`] (what a run is, sent once when
//! it is built) and [`RunView`]s (where it stands, sent when the page asks, with only what
//! changed since the page's last view: new history points, a new prediction, the watched
//! part of the latest trace). Messages travel as postcard bytes in a transferred buffer ([`encode`]).

use crate::i18n::Text;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::lessons::{prepare_csv, CsvChoice, Lesson, Prepared};
use super::metrics::Metrics;
use super::runner::{Clock, CompareRun, RunEvent, Runner};
use super::settings::Settings;
use super::{HistoryPoint, Schedule, Session, TrainConfig};
use crate::data::frame::{BatchTargets, TargetData};
use crate::data::normalise::Scaling;
use crate::data::table::{CsvOptions, Reading, Table, TableSummary};
use crate::nn::explain::Equation;
use crate::nn::network::{ForwardTrace, GradientFlow};
use crate::nn::{CellKind, Gate, LstmVariant};

/// The cells compare mode trains side by side.
pub const COMPARED: [CellKind; 3] = [
    CellKind::Rnn(crate::nn::Activation::Tanh),
    CellKind::Lstm(LstmVariant::Standard),
    CellKind::Gru,
];

/// What compare mode trains beside a run of `settings`: the same run with each of
/// [`COMPARED`], or, when it carries state between windows, its own cell without and with
/// carried state (what carrying does is then the question).
pub fn compared(settings: &Settings) -> Vec<Settings> {
    if settings.shape.stateful {
        [false, true]
            .map(|stateful| Settings {
                shape: super::settings::Shape {
                    stateful,
                    ..settings.shape
                },
                ..*settings
            })
            .to_vec()
    } else {
        COMPARED.map(|cell| Settings { cell, ..*settings }).to_vec()
    }
}

/// Heatmaps show at most this many time steps (columns) and units (rows): larger traces are
/// decimated, and the page says so.
pub const HEAT_MAX_STEPS: usize = 120;
pub const HEAT_MAX_UNITS: usize = 64;

/// Where a run's data comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum DataSource {
    Lesson(Lesson),
    /// The CSV file the host read last ([`Request::Read`]; `file` counts the files the
    /// page loaded), how to read it and what to learn from it.
    Csv {
        file: u64,
        options: CsvOptions,
        choice: CsvChoice,
    },
}

/// What the page can ask of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Build run `id` (the page counts them) and put it in place of the current one; if it
    /// cannot be built, the current run stays and the reply says why.
    Build {
        id: u64,
        data: Box<DataSource>,
        settings: Settings,
    },
    /// Read a CSV file (a slice at a time between requests, with [`Reply::Reading`] on the
    /// way) and reply [`Reply::Read`] with what it holds read with `options`. The host keeps
    /// the file: builds and other options use it without reading it again. A file that does
    /// not read leaves the one read before.
    Read {
        file: u64,
        #[serde(with = "serde_bytes")]
        bytes: Vec<u8>,
        options: CsvOptions,
    },
    /// The file read last, read with other options (a series, a missing-cell policy).
    Reread {
        file: u64,
        options: CsvOptions,
    },
    TogglePlay,
    Play,
    Pause,
    /// One step, or the rest of the epoch under way (after the steps already asked for).
    Step {
        epoch: bool,
    },
    /// Epoch-end callbacks change how training goes on, not the model.
    Schedule(Schedule),
    /// At most this many steps per page frame (None: as fast as it goes).
    Speed(Option<usize>),
    Recursive(bool),
    Compare(bool),
    /// The language of what the worker words (a file's column names) and that language's
    /// catalogue, as JSON text: the wasm ships none, so the page passes on the one it
    /// fetched ([`Request::lang`]).
    Lang {
        lang: crate::i18n::Lang,
        words: String,
    },
    /// The page is ready to show the run again: reply with a [`RunView`] of what changed.
    View(Ask),
    /// The text of a download.
    Export(ExportKind),
    /// Self-test: the host traps, as an out-of-memory run would (page tests check the page
    /// survives it and says so).
    Trap,
}

impl Request {
    /// Switches the worker to `lang`, with the words the page has for it.
    pub fn lang(lang: crate::i18n::Lang) -> Request {
        Request::Lang {
            lang,
            words: crate::i18n::source(lang).unwrap_or_default().to_string(),
        }
    }
}

/// What the page has and wants shown, with a view request.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Ask {
    /// The run the page shows, and how much of it it has: the last step its loss history
    /// holds (0: none) and the prediction's time.
    pub run: u64,
    pub history_to: u64,
    pub predicted_at: f64,
    /// What of the trace the cell views show: the watched layer, direction and sample, and
    /// the step-through's time step and unit.
    pub watch: Watch,
    pub t: usize,
    pub unit: usize,
}

/// A download the host words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExportKind {
    Weights,
    PyTorchBundle,
    Predictions,
    History,
}

/// What the host tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Built {
        id: u64,
        info: Box<RunInfo>,
    },
    Refused {
        id: u64,
        error: Text,
    },
    View(Box<RunView>),
    Export {
        what: ExportKind,
        text: String,
    },
    /// How much of file `file` is read, from 0 to 1.
    Reading {
        file: u64,
        done: f64,
    },
    /// File `file` read with `options`: what the page shows of it, or why it cannot be used.
    Read {
        file: u64,
        options: CsvOptions,
        result: Result<Box<TableSummary>, Text>,
    },
    /// Something asked of the run could not be done (e.g. compare mode on data it cannot
    /// frame); nothing changed.
    Failed(Text),
}

/// What a run is: sent once, when it is built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunInfo {
    pub config: TrainConfig,
    /// The series it learns (x and target, in original units), for the prediction charts.
    pub x: Vec<f64>,
    pub y: Vec<f64>,
    pub train_end: usize,
    pub validation_end: usize,
    /// The run holds windows back to score on (validation or test); lessons that fit the
    /// whole curve do not.
    pub held_out: bool,
    pub target_name: String,
    pub feature_names: Vec<String>,
    /// Time steps per window.
    pub window: usize,
    pub classify: bool,
    /// The largest |input| fed to the network (the not-learning hint).
    pub largest_input: f64,
    /// Validation and test targets outside the training split's range (a trend), for
    /// regression with held-out rows.
    #[serde(default)]
    pub beyond: Option<crate::data::normalise::Beyond>,
    /// The CSV file it was built from.
    pub file: Option<u64>,
    /// The first training window as the network receives it.
    pub preview: Option<WindowPreview>,
}

/// The first training window exactly as the network receives it (after normalisation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WindowPreview {
    /// One row per step, one value per feature.
    pub rows: Vec<Vec<f64>>,
    pub target: String,
    pub scaling: Option<Scaling>,
}

/// Where a run stands, with what changed since the page's last view.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RunView {
    pub run: u64,
    pub steps: u64,
    pub epoch: u64,
    pub playing: bool,
    /// Whether the run has work under way (training, queued steps, a prediction).
    pub busy: bool,
    pub rate: f64,
    /// Share of a long step done (None between steps, or for short steps).
    pub progress: Option<f64>,
    pub last_loss: Option<f64>,
    pub learning_rate: f64,
    pub diverged_at: Option<u64>,
    pub saturation: Option<f64>,
    pub scores: [Option<Metrics>; 2],
    /// The training steps the model had when the scores' prediction began.
    #[serde(default)]
    pub scored_step: u64,
    /// Its test score is of a recursive forecast.
    #[serde(default)]
    pub scored_recursive: bool,
    pub forecast_error: Option<Text>,
    pub recursive: bool,
    pub steps_per_frame: Option<usize>,
    /// The loss history whole (the page replaces its copy), or the points after the
    /// page's last step (it adds them one by one, thinning as the run did: `history::thin`
    /// is deterministic, so the copy stays equal to the run's without being sent again).
    pub history_whole: bool,
    pub history: Vec<HistoryPoint>,
    /// A prediction the page does not have yet: (when it finished, chart points).
    pub prediction: Option<(f64, Vec<(f64, f64)>)>,
    /// The latest step's gradient flow, with the cell view (when the trace changed).
    pub flow: Option<GradientFlow>,
    /// Steps clipped among the last ones (at most [`super::runner::CLIP_WINDOW`]).
    pub clipped: usize,
    pub clip_of: usize,
    /// What training did since the last view (the page words it).
    pub events: Vec<RunEvent>,
    /// The watched part of the latest trace, when it changed.
    pub cell: Option<CellView>,
    pub compare: Option<Vec<CompareView>>,
    /// The host's wasm memory in bytes (0 outside wasm): `scripts/soak.mjs` reads it.
    pub memory: u64,
}

/// The watched layer, direction and sample of the latest trace, as the cell views show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellView {
    /// The training step whose trace this is (0: none yet).
    pub step: u64,
    /// The watch, within the trace's layers, directions and batch.
    pub watch: Watch,
    pub layers: usize,
    pub dirs: usize,
    pub batch: usize,
    /// Time steps in the trace (0 before the first step).
    pub steps: usize,
    pub heat: Heat,
    pub step_through: Option<StepThrough>,
    /// What the watched sample's prediction looks at: |dŷ/dx_t| for every step t (see
    /// [`Session::input_sensitivity`]); None before the first step or for a window too long.
    pub sensitivity: Option<Vec<f64>>,
}

/// The heatmaps' values: per panel of [`heat_sources`], `shown.len() x units` values
/// (column-major: `col * units + unit`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Heat {
    pub stride: usize,
    pub units: usize,
    /// The time step of each column.
    pub shown: Vec<usize>,
    pub panels: Vec<Vec<f64>>,
}

/// One time step of one unit as equations with the trace's numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepThrough {
    pub t: usize,
    pub unit: usize,
    /// x_t of the watched sample, and the state before the step for the unit.
    pub x: Vec<f64>,
    pub h_prev: f64,
    pub c_prev: Option<f64>,
    pub equations: Vec<Equation>,
}

/// One run of compare mode, as its panel shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareView {
    pub cell: CellKind,
    /// It carries state between windows.
    pub stateful: bool,
    pub steps: u64,
    /// The training loss history and the step of each point (past 10,000 steps the
    /// history is thinned, see `train::history`, and points stand for several steps).
    pub losses: Vec<f64>,
    pub loss_steps: Vec<f64>,
    pub validation_loss: Option<f64>,
    /// ||dL/dh_t|| of the first layer's forward direction at its latest step.
    pub dh: Option<Vec<f64>>,
    /// |dŷ/dx_t| for the first sample of its latest batch (see
    /// [`Session::input_sensitivity`]).
    pub sensitivity: Option<Vec<f64>>,
    pub prediction: Vec<(f64, f64)>,
}

/// Which part of the latest batch's trace the cell views show: a layer, a direction
/// (0 forward, 1 reverse) and a sample (a column of the batch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watch {
    pub layer: usize,
    pub dir: usize,
    pub sample: usize,
}

impl Watch {
    /// This watch within `trace`'s layers, directions and batch.
    pub fn within(self, trace: &ForwardTrace<f32>) -> Watch {
        let layers = trace.layers.len().max(1);
        let layer = self.layer.min(layers - 1);
        let dirs = trace.layers.get(layer).map_or(1, |l| l.steps.len().max(1));
        let batch = trace_batch(trace).unwrap_or(1).max(1);
        Watch {
            layer,
            dir: self.dir.min(dirs - 1),
            sample: self.sample.min(batch - 1),
        }
    }
}

/// How many samples `trace`'s batch holds (None before the first step).
fn trace_batch(trace: &ForwardTrace<f32>) -> Option<usize> {
    trace.layers.first()?.input.first().map(|m| m.ncols())
}

/// What a heatmap shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeatSource {
    Gate(Gate),
    Hidden,
    Cell,
}

/// The heatmaps for a cell kind, in order: each gate (the coupled LSTM's derived input gate
/// too), c_t for LSTMs, h_t; a vanilla RNN has h_t alone.
pub fn heat_sources(kind: CellKind) -> Vec<HeatSource> {
    if let CellKind::Rnn(_) = kind {
        return vec![HeatSource::Hidden];
    }
    let mut v: Vec<HeatSource> = kind.gates().iter().map(|&g| HeatSource::Gate(g)).collect();
    if kind == CellKind::Lstm(LstmVariant::Coupled) {
        v.insert(0, HeatSource::Gate(Gate::Input));
    }
    if kind.has_cell_state() {
        v.push(HeatSource::Cell);
    }
    v.push(HeatSource::Hidden);
    v
}

/// Time steps per heatmap column and units shown for a trace of `steps` x `hidden`.
pub fn heat_decimation(steps: usize, hidden: usize) -> (usize, usize) {
    (
        steps.div_ceil(HEAT_MAX_STEPS).max(1),
        hidden.min(HEAT_MAX_UNITS),
    )
}

/// What a run was built from, to build its compared runs from the same.
struct Built {
    lesson: Option<Lesson>,
    csv: Option<(Table, CsvChoice)>,
    settings: Settings,
}

impl Built {
    fn prepare(&self, settings: &Settings) -> Result<Prepared, Text> {
        match (&self.csv, self.lesson) {
            (Some((table, choice)), _) => prepare_csv(table, choice, settings),
            (None, Some(lesson)) => lesson.prepare(settings),
            (None, None) => Err(String::from("no data").into()),
        }
    }
}

/// A file being read, a slice at a time.
struct ReadingFile {
    file: u64,
    options: CsvOptions,
    reading: Reading<Vec<u8>>,
    /// When the page last heard how far it is.
    told: f64,
}

/// The page hears how far a file is read at most this often (ms).
const READING_EVERY_MS: f64 = 100.0;

/// Rows read between looks at the clock.
const ROWS_PER_LOOK: usize = 2048;

/// The run and what was built, answering [`Request`]s.
#[derive(Default)]
pub struct Host {
    /// The file being read, and the last one read (as read, no options applied).
    reading: Option<ReadingFile>,
    file: Option<(u64, Rc<Table>)>,
    run: Option<Runner>,
    run_id: u64,
    built: Option<Built>,
    /// Events since the last view.
    events: Vec<RunEvent>,
    /// What the last cell view sent was of (run, step, watch, t, unit): the same is not sent
    /// again.
    cell_sent: Option<(u64, u64, Watch, usize, usize)>,
}

impl Host {
    pub fn new() -> Host {
        Host::default()
    }

    /// Answers one request (`clock` in milliseconds).
    pub fn handle(&mut self, request: Request, clock: Clock) -> Vec<Reply> {
        let now = clock();
        let run = self.run.as_mut();
        match request {
            Request::Build { id, data, settings } => {
                return vec![self.build(id, *data, settings, now)]
            }
            Request::Read {
                file,
                bytes,
                options,
            } => match Reading::start(bytes) {
                Ok(reading) => {
                    self.reading = Some(ReadingFile {
                        file,
                        options,
                        reading,
                        told: now,
                    })
                }
                Err(e) => {
                    return vec![Reply::Read {
                        file,
                        options,
                        result: Err(e.into()),
                    }]
                }
            },
            Request::Reread { file, options } => {
                let result = self.table_of(file, &options).map(|t| Box::new(t.summary()));
                return vec![Reply::Read {
                    file,
                    options,
                    result,
                }];
            }
            Request::TogglePlay => run.into_iter().for_each(|r| r.toggle_play(now)),
            Request::Play => {
                if let Some(r) = run.filter(|r| !r.playing()) {
                    r.toggle_play(now);
                }
            }
            Request::Pause => run.into_iter().for_each(|r| r.pause(now)),
            Request::Step { epoch } => {
                if let Some(r) = run {
                    r.queue_steps(epoch, clock);
                }
            }
            Request::Schedule(schedule) => {
                if let Some(b) = &mut self.built {
                    b.settings.schedule = schedule;
                }
                if let Some(r) = run {
                    r.session.config.schedule = schedule;
                }
            }
            Request::Speed(n) => run.into_iter().for_each(|r| r.steps_per_frame = n),
            Request::Recursive(on) => run.into_iter().for_each(|r| r.set_recursive(on, now)),
            Request::Compare(on) => {
                let runs = match on.then(|| self.compare_runs()) {
                    Some(Ok(runs)) => Some(runs),
                    Some(Err(e)) => return vec![Reply::Failed(e)],
                    None => None,
                };
                if let Some(r) = self.run.as_mut() {
                    r.set_compare(runs, now);
                }
            }
            Request::Lang { lang, words } => {
                if let Err(e) = crate::i18n::install(lang, words) {
                    return vec![Reply::Failed(Text::from(e))];
                }
                crate::i18n::set(lang);
            }
            Request::View(ask) => {
                // At most n steps per page frame: one frame's work per view asked for.
                let mut replies = if self.paced() {
                    self.work(clock)
                } else {
                    Vec::new()
                };
                replies.extend(self.view(&ask).map(|v| Reply::View(Box::new(v))));
                return replies;
            }
            Request::Export(what) => {
                let Some(r) = &self.run else {
                    return Vec::new();
                };
                let s = &r.session;
                let text = match what {
                    ExportKind::Weights => crate::nn::weights::to_json(&s.net),
                    ExportKind::PyTorchBundle => s.pytorch_bundle(),
                    ExportKind::Predictions => s.predictions_csv(),
                    ExportKind::History => s.history_csv(),
                };
                return vec![Reply::Export { what, text }];
            }
            Request::Trap => trap(),
        }
        Vec::new()
    }

    /// Whether training goes at a set number of steps per page frame (then it steps only
    /// when the page asks for a view).
    fn paced(&self) -> bool {
        self.run
            .as_ref()
            .is_some_and(|r| r.steps_per_frame.is_some())
    }

    /// Whether the host has work to do between requests.
    pub fn busy(&self) -> bool {
        self.reading.is_some() || (self.run.as_ref().is_some_and(Runner::busy) && !self.paced())
    }

    /// One slice of work (at most `runner::SLICE_MS`): reading a file if one is being
    /// read (training waits meanwhile), else training. Replies say how far the file is, and
    /// what it holds once read.
    pub fn work(&mut self, clock: Clock) -> Vec<Reply> {
        if self.reading.is_some() {
            return self.read_slice(clock);
        }
        if let Some(r) = &mut self.run {
            let report = r.frame(clock);
            self.events.extend(report.events);
        }
        Vec::new()
    }

    fn read_slice(&mut self, clock: Clock) -> Vec<Reply> {
        let Some(mut r) = self.reading.take() else {
            return Vec::new();
        };
        let start = clock();
        let outcome = loop {
            match r.reading.advance(ROWS_PER_LOOK) {
                Ok(false) if clock() - start < super::runner::SLICE_MS => {}
                other => break other,
            }
        };
        let read = match outcome {
            Ok(false) => {
                let now = clock();
                let mut replies = Vec::new();
                if now - r.told >= READING_EVERY_MS {
                    r.told = now;
                    replies.push(Reply::Reading {
                        file: r.file,
                        done: r.reading.done(),
                    });
                }
                self.reading = Some(r);
                return replies;
            }
            Ok(true) => r.reading.finish(),
            Err(e) => Err(e),
        };
        let result = read.and_then(|table| {
            let summary = table.with_options(&r.options)?.summary();
            self.file = Some((r.file, Rc::new(table)));
            Ok(summary)
        });
        vec![Reply::Read {
            file: r.file,
            options: r.options,
            result: result.map(Box::new).map_err(Text::from),
        }]
    }

    fn build(&mut self, id: u64, data: DataSource, settings: Settings, now: f64) -> Reply {
        // Whatever sent them (the controls, a link, a remembered run), settings that cannot
        // train are refused in words before anything is built.
        if let Err(error) = settings.validate() {
            return Reply::Refused { id, error };
        }
        let (built, file) = match data {
            DataSource::Lesson(lesson) => (
                Built {
                    lesson: Some(lesson),
                    csv: None,
                    settings,
                },
                None,
            ),
            DataSource::Csv {
                file,
                options,
                choice,
            } => match self.table_of(file, &options) {
                Ok(table) => (
                    Built {
                        lesson: None,
                        csv: Some((table, choice)),
                        settings,
                    },
                    Some(file),
                ),
                Err(error) => return Reply::Refused { id, error },
            },
        };
        match built.prepare(&settings).and_then(|p| Runner::new(p, now)) {
            Ok(mut run) => {
                if let Some(old) = &self.run {
                    run.keep_options(old);
                }
                let info = run_info(&run.session, &run.x, &run.y, file);
                self.run = Some(run);
                self.run_id = id;
                self.built = Some(built);
                self.events.clear();
                Reply::Built {
                    id,
                    info: Box::new(info),
                }
            }
            Err(error) => Reply::Refused { id, error },
        }
    }

    /// File `file` (the one read last) read with `options`. A file still being read (a new
    /// worker given the loaded file again, then a build) is read to its end first.
    fn table_of(&mut self, file: u64, options: &CsvOptions) -> Result<Table, Text> {
        if let Some(r) = self.reading.take_if(|r| r.file == file) {
            self.file = Some((file, Rc::new(r.reading.read_to_end()?)));
        }
        match &self.file {
            Some((f, table)) if *f == file => Ok(table.with_options(options)?),
            _ => Err(Text::new("err.file_gone")),
        }
    }

    /// The compared runs: the current data with each of [`compared`]'s settings.
    fn compare_runs(&self) -> Result<Vec<Session>, Text> {
        let b = self.built.as_ref().ok_or_else(|| String::from("no run"))?;
        let prepared = compared(&b.settings)
            .iter()
            .map(|settings| b.prepare(settings))
            .collect::<Result<Vec<_>, Text>>()?;
        // The compared runs train beside the main one: all four keep to the budget, checked
        // before any of them is built.
        let main = self.run.as_ref().map_or(0, |r| {
            crate::train::memory_estimate(&r.session.config, &r.session.dataset)
        });
        let compared: usize = prepared
            .iter()
            .map(|p| crate::train::memory_estimate(&p.config, &p.dataset))
            .sum();
        crate::train::memory::check(main + compared)?;
        prepared
            .into_iter()
            .map(|p| Session::new(p.config, p.dataset))
            .collect()
    }

    /// Where the run stands, with what the page (as `ask` says) does not have yet.
    pub fn view(&mut self, ask: &Ask) -> Option<RunView> {
        let looks: Option<Vec<Option<Vec<f64>>>> = self
            .run
            .as_mut()?
            .compare
            .as_mut()
            .map(|runs| runs.iter_mut().map(CompareRun::looks).collect());
        let r = self.run.as_ref()?;
        let s = &r.session;
        let same = ask.run == self.run_id;
        // Whole for a new copy, or when the page is so far behind that points it lacks may
        // have been merged since (only points older than the latest `RECENT` ever are).
        let from = s.history.partition_point(|h| h.step <= ask.history_to);
        let history_whole =
            !same || ask.history_to == 0 || s.history.len() - from >= super::history::RECENT;
        let from = if history_whole { 0 } else { from };
        let prediction = (!same || ask.predicted_at != r.predicted_at())
            .then(|| (r.predicted_at(), r.prediction.clone()));
        let key = (self.run_id, s.steps, ask.watch, ask.t, ask.unit);
        let trace_changed = self.cell_sent.replace(key) != Some(key);
        Some(RunView {
            memory: wasm_memory(),
            run: self.run_id,
            steps: s.steps,
            epoch: s.epoch,
            playing: r.playing(),
            busy: r.busy(),
            rate: r.rate(),
            progress: r.long_step_progress(),
            last_loss: r.last_loss,
            learning_rate: s.learning_rate(),
            diverged_at: r.diverged_at,
            saturation: r.saturation,
            scores: r.scores.clone(),
            scored_step: r.scored_step,
            scored_recursive: r.scored_recursive,
            forecast_error: r.forecast_error.clone(),
            recursive: r.recursive(),
            steps_per_frame: r.steps_per_frame,
            history_whole,
            history: s.history[from..].to_vec(),
            prediction,
            clipped: r.clip_events.iter().filter(|&&c| c).count(),
            clip_of: r.clip_events.len(),
            events: std::mem::take(&mut self.events),
            flow: if trace_changed { r.flow.clone() } else { None },
            cell: trace_changed.then(|| cell_view(s, ask)),
            compare: r.compare.as_ref().zip(looks).map(|(runs, looks)| {
                runs.iter()
                    .zip(looks)
                    .map(|(c, sensitivity)| CompareView {
                        cell: c.session.config.cell,
                        stateful: c.session.config.stateful,
                        steps: c.session.steps,
                        losses: c.session.history.iter().map(|h| h.train_loss).collect(),
                        loss_steps: c.session.history.iter().map(|h| h.step as f64).collect(),
                        validation_loss: c
                            .session
                            .history
                            .iter()
                            .rev()
                            .find_map(|h| h.validation_loss),
                        dh: c
                            .flow
                            .as_ref()
                            .and_then(|f| f.dh_norm.first()?.first().cloned()),
                        sensitivity,
                        prediction: c.prediction.clone(),
                    })
                    .collect()
            }),
        })
    }
}

/// Bytes of wasm memory this module holds (it only grows), or 0 when not in wasm.
fn wasm_memory() -> u64 {
    #[cfg(target_arch = "wasm32")]
    return core::arch::wasm32::memory_size::<0>() as u64 * 65536;
    #[cfg(not(target_arch = "wasm32"))]
    0
}

/// The page's copy of a run: what it is, and where it stands as the views it was sent add
/// up to (the history and prediction whole, though each view carries only what changed).
#[derive(Debug, Clone, PartialEq)]
pub struct Mirror {
    pub id: u64,
    /// What the run was built from. Shared (`Rc`), as are the pieces below that a view
    /// replaces whole: the page's components take them as props without copying.
    pub info: Rc<RunInfo>,
    /// The latest view, less what is kept whole below.
    pub now: RunView,
    pub history: Vec<HistoryPoint>,
    /// Bumped when the history is replaced or thinned (the loss chart draws it anew).
    pub history_version: u64,
    pub predicted_at: f64,
    pub prediction: Rc<Vec<(f64, f64)>>,
    /// The watched part of the latest trace, and its gradient flow.
    pub cell: Option<Rc<CellView>>,
    pub flow: Option<Rc<GradientFlow>>,
    /// Compare mode's runs (None when it is off).
    pub compare: Option<Rc<Vec<CompareView>>>,
}

impl Mirror {
    pub fn new(id: u64, info: RunInfo) -> Mirror {
        Mirror {
            id,
            info: Rc::new(info),
            now: RunView::default(),
            history: Vec::new(),
            history_version: 0,
            predicted_at: f64::NAN,
            prediction: Rc::default(),
            cell: None,
            flow: None,
            compare: None,
        }
    }

    /// Takes in a view of this run (one of another run is ignored: false) and returns the
    /// events it reports.
    pub fn apply(&mut self, mut v: RunView) -> Option<Vec<RunEvent>> {
        if v.run != self.id {
            return None;
        }
        if v.history_whole {
            self.history.clear();
            self.history.append(&mut v.history);
            self.history_version += 1;
        } else {
            for p in v.history.drain(..) {
                self.history.push(p);
                if super::history::thin(&mut self.history, p.epoch) {
                    self.history_version += 1;
                }
            }
        }
        if let Some((at, points)) = v.prediction.take() {
            self.predicted_at = at;
            self.prediction = Rc::new(points);
        }
        if let Some(cell) = v.cell.take() {
            self.cell = Some(Rc::new(cell));
        }
        if let Some(flow) = v.flow.take() {
            self.flow = Some(Rc::new(flow));
        }
        self.compare = v.compare.take().map(Rc::new);
        let events = std::mem::take(&mut v.events);
        self.now = v;
        Some(events)
    }

    /// The latest validation loss (measured at the end of an epoch).
    pub fn validation_loss(&self) -> Option<f64> {
        self.history.iter().rev().find_map(|h| h.validation_loss)
    }

    /// A view request for what this copy lacks, with what the cell views watch.
    pub fn ask(&self, watch: Watch, t: usize, unit: usize) -> Ask {
        Ask {
            run: self.id,
            history_to: self.history.last().map_or(0, |h| h.step),
            predicted_at: self.predicted_at,
            watch,
            t,
            unit,
        }
    }
}

/// A trap, as an out-of-memory run would end (wasm: `unreachable`).
fn trap() -> ! {
    std::process::abort()
}

fn run_info(s: &Session, x: &[f64], y: &[f64], file: Option<u64>) -> RunInfo {
    let d = &s.dataset;
    RunInfo {
        config: s.config,
        x: x.to_vec(),
        y: y.to_vec(),
        train_end: d.split.train.end,
        validation_end: d.split.validation.end,
        held_out: !d.validation.is_empty() || !d.test.is_empty(),
        target_name: d.target_name.clone(),
        feature_names: d.feature_names.clone(),
        window: d.task.window(),
        classify: matches!(d.y, TargetData::Classes { .. }),
        largest_input: d.x.iter().flatten().fold(0.0, |m: f64, v| m.max(v.abs())),
        beyond: d.beyond_training(),
        file,
        preview: file.and_then(|_| window_preview(s)),
    }
}

fn window_preview(s: &Session) -> Option<WindowPreview> {
    let d = &s.dataset;
    let &start = d.train.first()?;
    let batch = d.batch(&[start]);
    let target = match &batch.targets {
        BatchTargets::Values(v) => v.last().and_then(|t| t.first()).map(|t| format!("{t:.4}")),
        BatchTargets::Classes(c) => c.last().and_then(|t| t.first()).map(|t| t.to_string()),
    };
    Some(WindowPreview {
        rows: batch.inputs,
        target: target.unwrap_or_default(),
        scaling: d.x_scalers.first().map(|sc| sc.scaling),
    })
}

/// The watched layer, direction and sample of `s`'s latest trace: heatmap values and the
/// step-through of the asked time step and unit.
fn cell_view(s: &Session, ask: &Ask) -> CellView {
    let trace = s.last_trace();
    let w = ask.watch.within(trace);
    let kind = s.config.cell;
    let hidden = s.config.hidden_size;
    let steps = trace
        .layers
        .get(w.layer)
        .and_then(|l| l.steps.get(w.dir))
        .map_or(&[][..], |v| &v[..]);
    let (stride, units) = heat_decimation(steps.len(), hidden);
    let units = if steps.is_empty() { 0 } else { units };
    let shown: Vec<usize> = (0..steps.len()).step_by(stride).collect();
    let panels = heat_sources(kind)
        .into_iter()
        .map(|source| {
            let mut values = Vec::with_capacity(shown.len() * units);
            for &t in &shown {
                let st = &steps[t];
                let gate;
                let m = match source {
                    HeatSource::Gate(g) => {
                        gate = st.gate(kind, g);
                        gate.as_ref()
                    }
                    HeatSource::Hidden => Some(&st.hidden),
                    HeatSource::Cell => st.cell.as_ref(),
                };
                values.extend(
                    (0..units).map(|u| m.map_or(f64::NAN, |m| f64::from(m[(u, w.sample)]))),
                );
            }
            values
        })
        .collect();
    CellView {
        step: if steps.is_empty() { 0 } else { s.steps },
        watch: w,
        layers: s.config.layers,
        dirs: if s.config.bidirectional { 2 } else { 1 },
        batch: trace_batch(trace).unwrap_or(s.config.batch_size).max(1),
        steps: steps.len(),
        heat: Heat {
            stride,
            units,
            shown,
            panels,
        },
        step_through: step_through(s, w, ask.t, ask.unit),
        sensitivity: s.input_sensitivity(w.sample),
    }
}

/// Time step `t` of unit `unit` of the watched sample as equations (None before the first
/// step).
fn step_through(s: &Session, w: Watch, t: usize, unit: usize) -> Option<StepThrough> {
    let trace = s.last_trace();
    let layer = trace.layers.get(w.layer)?;
    let steps = layer.steps.get(w.dir).filter(|v| !v.is_empty())?;
    let kind = s.config.cell;
    let hidden = s.config.hidden_size;
    let last = steps.len() - 1;
    let (t, unit) = (t.min(last), unit.min(hidden - 1));
    let col = |m: &crate::nn::Mat<f32>| {
        m.column(w.sample)
            .iter()
            .map(|&v| f64::from(v))
            .collect::<Vec<f64>>()
    };
    let x = col(&layer.input[t]);
    // The state before step t in this direction's own order: t-1 forward, t+1 reverse.
    let before = if w.dir == 0 {
        t.checked_sub(1)
    } else {
        (t < last).then_some(t + 1)
    };
    let (h_prev, c_prev) = match before {
        None => (
            vec![0.0; hidden],
            kind.has_cell_state().then(|| vec![0.0; hidden]),
        ),
        Some(u) => (col(&steps[u].hidden), steps[u].cell.as_ref().map(col)),
    };
    let equations = crate::nn::explain::equations(
        kind,
        // The weights the trace was computed with (before the latest update).
        s.last_trace_network().cell(w.layer, w.dir),
        &crate::nn::explain::StepInputs {
            x: &x,
            h_prev: &h_prev,
            c_prev: c_prev.as_deref(),
            reverse: w.dir == 1,
        },
        &steps[t],
        w.sample,
        unit,
    );
    Some(StepThrough {
        t,
        unit,
        h_prev: h_prev[unit],
        c_prev: c_prev.map(|c| c[unit]),
        x,
        equations,
    })
}

/// A message as bytes: postcard, compact and not self-describing (the page and the worker
/// run the same build, so they agree on every type's shape). The run's tagged enums cross as
/// their JSON text (`tagged_in_json!`); the host's tests send every message through this.
pub fn encode<T: Serialize>(message: &T) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(message).map_err(|e| e.to_string())
}

pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    postcard::from_bytes(bytes).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
