//! The page's state and the one place it changes: [`Page::reduce`] takes an [`Action`] and
//! returns the [`Effect`]s the page must carry out (requests to the training worker, saving
//! the link, downloads). Plain Rust, compiled and tested natively: the browser side
//! (`ui::app`) only turns events into actions and carries out effects.
//!
//! The rule "a setting that changes the model rebuilds the run; if that fails the old run
//! stays and a banner says why" is written once: [`Action::Model`] goes through
//! [`Page::rebuild`], and the worker's `Built` or `Refused` reply settles it.

use std::rc::Rc;

use crate::charts::LossScale;
use crate::data::normalise::Scaling;
use crate::data::signals::{generate, SignalParams};
use crate::data::table::{parse_csv, CsvOptions, SeriesFilter, Table};
use crate::i18n::{Lang, Text};
use crate::train::host::{DataSource, ExportKind, Mirror, Reply, Request, Watch};
use crate::train::lessons::{CsvChoice, Lesson, RunLink};
use crate::train::runner::RunEvent;
use crate::train::settings::{key_of, Settings, CELLS, CLIPS, FIX_CLIP, OPTIMIZERS, SCALINGS};
use crate::train::{PLATEAU_PATIENCE, STOP_PATIENCE};

/// While a run trains flat out, the page asks for a view of it at most this often (20 per
/// second): each view redraws the charts that changed, and on a 2-core machine every
/// millisecond the page's thread draws is one the worker does not train. A run paced at n
/// steps per frame is shown every frame.
pub const VIEW_EVERY_MS: f64 = 50.0;

/// How long the step-through takes to play over a whole window.
const T_PLAY_MS: f64 = 4000.0;

mod actions;
#[cfg(test)]
mod tests;

pub use actions::*;

/// A loaded CSV and what the learner picked from it (shared: the data panel takes it as a
/// prop; a change makes a new one, cheaply, since the bytes and table are shared too).
#[derive(Debug, Clone)]
pub struct CsvState {
    /// Which file this is, counting the files loaded (a run built from it remembers it).
    pub file: u64,
    pub name: String,
    pub bytes: Rc<Vec<u8>>,
    pub table: Rc<Table>,
    pub choice: CsvChoice,
    /// How the file is read: which series, what to do with missing cells.
    pub options: CsvOptions,
}

impl CsvState {
    /// Reads the bytes again with `options`; on failure the table and options loaded before
    /// stay.
    pub fn reparse(&mut self, options: CsvOptions) -> Result<(), Text> {
        self.table = Rc::new(parse_csv(&self.bytes, &options)?);
        self.options = options;
        Ok(())
    }

    /// The date column's text per row, for the chart's x axis.
    pub fn date_labels(&self) -> Option<Vec<String>> {
        let col = self.table.date_column()?;
        Some(
            (0..self.table.rows)
                .map(|r| col.label(r).unwrap_or_default().to_string())
                .collect(),
        )
    }
}

/// What a run was built from; restored when a change cannot be applied.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Source {
    pub lesson: Lesson,
    pub settings: Settings,
    pub on_csv: bool,
}

/// Why a run is not learning, with a one-click fix where there is one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Hint {
    /// Unnormalised inputs this large (the notes' failure).
    LargeInputs(f64),
    /// The loss has not halved after 300 steps.
    Flat,
}

/// The page's state: what the learner chose, the page's copy of the run, what is said and
/// what is watched.
pub struct Page {
    pub lesson: Lesson,
    pub settings: Settings,
    /// Training on the CSV (true) or on the lesson's data (false).
    pub on_csv: bool,
    pub csv: Option<Rc<CsvState>>,
    pub csv_error: Option<Text>,
    /// The signal generator's settings.
    pub signal: SignalParams,
    files_loaded: u64,
    /// What the current run was built from.
    pub running: Source,
    /// The page's copy of the run the worker trains (None until the first run is built).
    pub shown: Option<Mirror>,
    /// x-axis labels of the current run (a CSV's dates).
    pub x_labels: Option<Rc<[String]>>,
    /// Builds asked for so far (each run's id), and the latest one awaiting its reply, with
    /// what it is built from and the notice to show once it is.
    builds: u64,
    pending: Option<(u64, Source, Option<Text>)>,
    /// A view is asked for and not yet here; `ask_again`: ask once more when it comes.
    asked: bool,
    ask_again: bool,
    /// When the latest view was asked for, and whether Play, Pause or Step was pressed since
    /// (then that view's play state is older than the buttons').
    asked_at: f64,
    pressed_since_ask: bool,
    /// The last settings whose run trained without trouble (rebuilt after a worker dies).
    worked: Option<Source>,
    /// The last error and notice, worded when shown.
    pub error: Option<Text>,
    pub notice: Option<Text>,
    /// Bumped when a change is refused, so the controls are made anew from the kept run.
    pub controls_key: u64,
    /// Which layer, direction and sample the cell views show; the step-through's t and unit.
    pub watch: Watch,
    pub step_t: usize,
    pub step_unit: usize,
    /// The step-through plays over t: when it last moved on.
    pub t_playing: Option<f64>,
    pub tab: Tab,
    pub loss_scale: LossScale,
    /// Bumped when canvases may have a new size (a resize, a tab shown): charts redraw.
    pub sizes: u64,
    /// Effects of the action under way.
    out: Vec<Effect>,
}

impl Page {
    /// The page for a lesson run (from a link, localStorage or the first lesson), with the
    /// notice to show once it is built; the effects start it (the worker's language, the
    /// first build).
    pub fn new(
        lesson: Lesson,
        settings: Settings,
        notice: Option<Text>,
        lang: Lang,
    ) -> (Page, Vec<Effect>) {
        let source = Source {
            lesson,
            settings,
            on_csv: false,
        };
        let mut page = Page {
            lesson,
            settings,
            on_csv: false,
            csv: None,
            csv_error: None,
            signal: SignalParams {
                points: 1000,
                x_end: 50.0,
                noise: 0.05,
                ..SignalParams::default()
            },
            files_loaded: 0,
            running: source,
            shown: None,
            x_labels: None,
            builds: 0,
            pending: None,
            asked: false,
            ask_again: false,
            asked_at: 0.0,
            pressed_since_ask: false,
            worked: None,
            error: None,
            notice: None,
            controls_key: 0,
            watch: Watch::default(),
            step_t: 0,
            step_unit: 0,
            t_playing: None,
            tab: Tab::Flow,
            loss_scale: LossScale::Log,
            sizes: 0,
            out: Vec::new(),
        };
        page.out.push(Effect::Send(Request::Lang(lang)));
        page.rebuild(notice);
        let effects = std::mem::take(&mut page.out);
        (page, effects)
    }

    /// Applies `action` at time `now` (ms); returns what the page must do, and whether it
    /// shows something new (it renders again).
    pub fn reduce(&mut self, action: Action, now: f64) -> (Vec<Effect>, bool) {
        let render = self.apply(action, now);
        (std::mem::take(&mut self.out), render)
    }

    /// Whether the page needs animation frames: the run has work under way, or the
    /// step-through plays over t.
    pub fn wants_frames(&self) -> bool {
        self.shown.as_ref().is_some_and(|m| m.now.busy) || self.t_playing.is_some()
    }

    /// A hint when the run is not learning: large unnormalised inputs (the notes' failure),
    /// or a loss that has not halved after 300 steps.
    pub fn not_learning(&self) -> Option<Hint> {
        let m = self.shown.as_ref()?;
        let largest = m.info.largest_input;
        let flat = m.now.steps > 300
            && m.history
                .first()
                .zip(m.now.last_loss)
                .is_some_and(|(f, l)| l > 0.5 * f.train_loss);
        if self.settings.scaling == Scaling::None && largest > 10.0 {
            Some(Hint::LargeInputs(largest))
        } else if flat {
            Some(Hint::Flat)
        } else {
            None
        }
    }

    /// Applies `action`; true when the page shows something new.
    fn apply(&mut self, action: Action, now: f64) -> bool {
        match action {
            Action::Model(change) => {
                let (what, play) = self.change_model(change);
                self.send(Request::Pause);
                self.rebuild(Some(Text::new("notice.reset").and("what", what)));
                if play {
                    self.send(Request::Play);
                }
            }
            Action::Training(change) => match change {
                TrainingChange::Schedule(schedule) => {
                    self.settings.schedule = schedule;
                    self.running.settings.schedule = schedule;
                    self.send(Request::Schedule(schedule));
                    self.save_link();
                }
                TrainingChange::Speed(n) => self.send(Request::Speed(n)),
                TrainingChange::Recursive(on) => self.send(Request::Recursive(on)),
            },
            Action::Data(change) => self.change_data(change),
            Action::Run(control) => self.control(control),
            Action::Watch(change) => match change {
                WatchChange::Layer(layer) => self.watch.layer = layer,
                WatchChange::Dir(dir) => self.watch.dir = dir,
                WatchChange::Sample(sample) => self.watch.sample = sample,
                WatchChange::StepThrough(t, unit) => {
                    self.step_t = t;
                    self.step_unit = unit;
                }
                WatchChange::PlayT => {
                    self.t_playing = match self.t_playing {
                        Some(_) => None,
                        None => Some(now),
                    }
                }
            },
            Action::Show(change) => match change {
                // A tab's canvases were hidden: measured (and drawn) again now they show.
                ShowChange::Tab(tab) => {
                    self.tab = tab;
                    self.remeasure();
                }
                ShowChange::LossScale(scale) => self.loss_scale = scale,
                ShowChange::Resized => self.remeasure(),
            },
            Action::Compare(on) => {
                if on {
                    self.notice = Some(Text::new("compare.started"));
                    self.tab = Tab::Compare;
                    self.remeasure();
                }
                self.send(Request::Compare(on));
            }
            Action::Lang(lang) => {
                crate::i18n::set(lang);
                self.send(Request::Lang(lang));
                self.out.push(Effect::SaveLang(lang));
                self.save_link();
            }
            Action::Export(what) => self.export(what),
            Action::Invalid(message) => {
                self.notice = Some(message);
                // The refused value leaves the field: the controls are made anew from the run.
                self.controls_key += 1;
            }
            Action::Failed(message) => self.error = Some(message),
            Action::Heard(reply) => {
                if matches!(reply, Reply::View(_)) {
                    self.heard(reply, now);
                    // A view only shows: the next frame asks for the next one.
                    self.advance_t(now);
                    return true;
                }
                self.heard(reply, now);
            }
            Action::WorkerDied(why) => self.worker_died(&why),
            Action::Frame => {
                // A frame asks for a fresh view (see VIEW_EVERY_MS); the page renders when
                // it arrives.
                let due = self.shown.as_ref().is_some_and(|m| {
                    m.now.busy
                        && (m.now.steps_per_frame.is_some() || now - self.asked_at >= VIEW_EVERY_MS)
                });
                if due {
                    self.ask_view(now);
                }
                let t = self.step_t;
                self.advance_t(now);
                if t != self.step_t {
                    self.ask_view(now);
                }
                return t != self.step_t;
            }
        }
        // Whatever changed, the next view shows it.
        self.ask_view(now);
        true
    }

    /// Applies a change to the model or its data; returns what to call it in the notice,
    /// and whether to play once rebuilt (the one-click fixes).
    fn change_model(&mut self, change: ModelChange) -> (Text, bool) {
        let s = &mut self.settings;
        let named = |key: &str, name: Option<&'static str>| {
            Text::new(key).and("name", Text::new(name.unwrap_or("settings.other")))
        };
        let what = match change {
            ModelChange::Lesson(l) => {
                self.lesson = l;
                self.on_csv = false;
                *s = l.defaults();
                Text::new("notice.lesson").and("title", Text::new(l.title_key()))
            }
            ModelChange::Cell(c) => {
                s.cell = c;
                Text::new("notice.cell").and(
                    "cell",
                    Text::new(key_of(&CELLS, &c).unwrap_or("settings.other")),
                )
            }
            ModelChange::Hidden(h) => {
                s.hidden_size = h;
                Text::with("notice.hidden", &[("h", &h)])
            }
            ModelChange::Seed(seed) => {
                s.seed = seed;
                Text::with("notice.seed", &[("seed", &seed)])
            }
            ModelChange::LearningRate(lr) => {
                s.learning_rate = lr;
                Text::with("notice.lr", &[("lr", &lr)])
            }
            ModelChange::Optimizer(o) => {
                s.optimizer = o;
                named("notice.optimiser", key_of(&OPTIMIZERS, &o))
            }
            ModelChange::Clipping(c) => {
                s.clip = c;
                named("notice.clip", key_of(&CLIPS, &c))
            }
            ModelChange::Scaling(sc) => {
                s.scaling = sc;
                named("notice.scaling", key_of(&SCALINGS, &sc))
            }
            ModelChange::Shape(shape, what) => {
                s.shape = shape;
                Text::new(what)
            }
            ModelChange::Normalise => {
                s.scaling = Scaling::ZScore;
                return (Text::new("notice.normalised"), true);
            }
            ModelChange::LowerLearningRate => {
                s.learning_rate /= 10.0;
                Text::with("notice.lr_lowered", &[("lr", &s.learning_rate)])
            }
            ModelChange::ClipGradients => {
                s.clip = FIX_CLIP;
                return (Text::new("notice.clipped"), true);
            }
            ModelChange::Reset => Text::new("notice.reset_button"),
            ModelChange::TrainCsv => {
                if !self.on_csv && s.scaling == Scaling::None {
                    // Columns of a real file come in their own units: start normalised.
                    s.scaling = Scaling::ZScore;
                }
                self.on_csv = true;
                Text::new("notice.train_csv")
            }
        };
        (what, false)
    }

    /// The learner's file and choices, or a generated signal.
    fn change_data(&mut self, change: DataChange) {
        let csv = self.csv.as_mut().map(Rc::make_mut);
        match (change, csv) {
            (DataChange::Loaded(name, bytes), _) => self.loaded(name, bytes),
            (DataChange::Signal(p), _) => self.signal = p,
            (DataChange::GenerateSignal, _) => {
                let p = self.signal;
                let name =
                    crate::i18n::trf("signal.file", &[("kind", &crate::i18n::tr(p.kind.key()))]);
                let csv = generate(&p).to_csv("value");
                self.loaded(name, Ok(csv.into_bytes()));
            }
            (DataChange::Series(value), Some(c)) => {
                let column = c.table.series_columns().first().map(|(n, _)| n.to_string());
                let series = column
                    .filter(|_| !value.is_empty())
                    .map(|column| SeriesFilter { column, value });
                let options = CsvOptions {
                    series,
                    ..c.options.clone()
                };
                self.csv_error = c
                    .reparse(options)
                    .err()
                    .map(|e| Text::new("csv.series_failed").and("e", e));
            }
            (DataChange::Missing(policy), Some(c)) => {
                let options = CsvOptions {
                    missing: policy,
                    ..c.options.clone()
                };
                self.csv_error = c
                    .reparse(options)
                    .err()
                    .map(|e| Text::new("csv.apply_failed").and("e", e));
            }
            (DataChange::Target(t), Some(c)) => c.choice.target = t,
            (DataChange::Feature(f, on), Some(c)) => {
                c.choice.features.retain(|x| *x != f);
                if on {
                    c.choice.features.push(f);
                }
            }
            (DataChange::Window(w), Some(c)) => c.choice.window = w,
            (DataChange::Horizon(h), Some(c)) => c.choice.horizon = h,
            (DataChange::Task(t), Some(c)) => c.choice.task = t,
            // A choice about a file with no file loaded: nothing to change.
            (_, None) => {}
        }
    }

    /// A file's bytes arrived: the new file replaces the old one if it reads, and the
    /// last file's or last run's error goes with it (a message belongs to its action).
    fn loaded(&mut self, name: String, bytes: Result<Vec<u8>, Text>) {
        let parsed = bytes.and_then(|b| {
            parse_csv(&b, &CsvOptions::default())
                .map(|t| (b, t))
                .map_err(Text::from)
        });
        match parsed {
            Ok((bytes, table)) => match CsvChoice::default_for(&table) {
                Some(choice) => {
                    self.files_loaded += 1;
                    self.error = None;
                    self.csv = Some(Rc::new(CsvState {
                        file: self.files_loaded,
                        name,
                        bytes: Rc::new(bytes),
                        table: Rc::new(table),
                        choice,
                        options: CsvOptions::default(),
                    }));
                    self.csv_error = None;
                }
                None => self.csv_error = Some(Text::with("csv.no_numeric", &[("name", &name)])),
            },
            Err(e) => {
                self.csv_error =
                    Some(Text::with("csv.load_failed", &[("name", &name)]).and("e", e));
            }
        }
    }

    /// Play/Pause, Step and Epoch. The buttons answer at once; the worker stops or goes on
    /// at its next chunk, and each press adds its steps to those asked for.
    fn control(&mut self, control: RunControl) {
        if let Some(m) = &mut self.shown {
            if control == RunControl::TogglePlay {
                m.now.playing = !m.now.playing;
                m.now.busy |= m.now.playing;
                if m.now.playing {
                    self.notice = None;
                }
            } else {
                m.now.playing = false;
                m.now.busy = true;
            }
        }
        self.pressed_since_ask |= self.asked;
        self.send(match control {
            RunControl::TogglePlay => Request::TogglePlay,
            RunControl::Step => Request::Step { epoch: false },
            RunControl::StepEpoch => Request::Step { epoch: true },
        });
    }

    /// A download: the run's files are worded by the worker (the download follows its
    /// reply); the script and the charts are the page's own.
    fn export(&mut self, what: Export) {
        let kind = match what {
            Export::Weights => ExportKind::Weights,
            Export::PyTorchBundle => ExportKind::PyTorchBundle,
            Export::Predictions => ExportKind::Predictions,
            Export::History => ExportKind::History,
            Export::PyTorchScript => return self.out.push(Effect::SaveScript),
            Export::PredictionChart | Export::LossChart => {
                return self.out.push(Effect::SaveChart(what))
            }
        };
        if self.shown.is_none() {
            self.error = Some(Text::new("error.download").and("e", Text::new("export.no_run")));
            return;
        }
        self.send(Request::Export(kind));
    }

    fn send(&mut self, request: Request) {
        self.out.push(Effect::Send(request));
    }

    /// Canvases may have a new size (a resize, a tab shown): every chart is measured and
    /// drawn again.
    fn remeasure(&mut self) {
        self.sizes += 1;
        self.out.push(Effect::Remeasure);
    }

    /// Puts a lesson run's settings and the language in the link (a CSV run is not a link:
    /// its data is the learner's file).
    fn save_link(&mut self) {
        if !self.on_csv {
            self.out.push(Effect::SaveLink(RunLink {
                lesson: self.lesson,
                settings: self.settings,
                lang: crate::i18n::current(),
            }));
        }
    }

    /// Moves the playing step-through on by one time step when it is due: a whole window
    /// plays in about 4 s (from 40 to 400 ms a step), then starts again.
    fn advance_t(&mut self, now: f64) {
        let (Some(since), Some(m)) = (self.t_playing, &self.shown) else {
            return;
        };
        let steps = m.info.window.max(1);
        let every = (T_PLAY_MS / steps as f64).clamp(40.0, 400.0);
        if now - since >= every {
            self.step_t = (self.step_t.min(steps - 1) + 1) % steps;
            self.t_playing = Some(now);
        }
    }

    /// Asks the worker for a fresh view of the run (one at a time: if one is under way, once
    /// more when it arrives).
    fn ask_view(&mut self, now: f64) {
        if self.asked {
            self.ask_again = true;
            return;
        }
        let Some(m) = &self.shown else { return };
        let ask = m.ask(self.watch, self.step_t, self.step_unit);
        self.asked = true;
        self.asked_at = now;
        self.send(Request::View(ask));
    }

    /// Asks the worker to rebuild data and model from the lesson and settings; until it
    /// replies the old run stays, and if it cannot, it stays for good (see [`Self::heard`]).
    fn rebuild(&mut self, notice: Option<Text>) {
        let data = match (&self.csv, self.on_csv) {
            (Some(c), true) => DataSource::Csv {
                file: c.file,
                bytes: c.bytes.to_vec(),
                options: c.options.clone(),
                choice: c.choice.clone(),
            },
            _ => DataSource::Lesson(self.lesson),
        };
        self.builds += 1;
        let id = self.builds;
        self.pending = Some((id, self.source(), notice));
        self.send(Request::Build {
            id,
            data: Box::new(data),
            settings: self.settings,
        });
    }

    /// What the controls show now.
    fn source(&self) -> Source {
        Source {
            lesson: self.lesson,
            settings: self.settings,
            on_csv: self.on_csv,
        }
    }

    /// The controls show `source` again.
    fn show_source(&mut self, source: Source) {
        Source {
            lesson: self.lesson,
            settings: self.settings,
            on_csv: self.on_csv,
        } = source;
    }

    /// A reply from the worker.
    fn heard(&mut self, reply: Reply, now: f64) {
        match reply {
            Reply::Built { id, info } => {
                let Some((_, source, notice)) = self.pending.take_if(|p| p.0 == id) else {
                    return;
                };
                self.running = source;
                self.save_link();
                self.x_labels = self
                    .csv
                    .as_ref()
                    .filter(|c| info.file == Some(c.file))
                    .and_then(|c| c.date_labels())
                    .map(Rc::from);
                self.shown = Some(Mirror::new(id, *info));
                // A view still on its way is answered for this run (its `Ask` names another,
                // so the worker sends all of it): it is awaited, not forgotten, or a press
                // made meanwhile would be undone by it.
                self.error = None;
                self.notice = notice;
                self.ask_view(now);
            }
            Reply::Refused { id, error } => {
                if self.pending.take_if(|p| p.0 == id).is_none() {
                    return;
                }
                // The controls go back to what the kept run was built from (made anew, so a
                // choice the run refused does not stay on screen).
                self.controls_key += 1;
                self.show_source(self.running);
                self.error = Some(Text::new("error.setup").and("e", error));
            }
            Reply::View(v) => {
                self.asked = false;
                // A view asked for before the latest Play, Pause or Step says what the run did
                // before it: the buttons keep what the learner pressed until the next view.
                let pressed = std::mem::take(&mut self.pressed_since_ask);
                let Some(m) = &mut self.shown else { return };
                let (playing, busy) = (m.now.playing, m.now.busy);
                if let Some(events) = m.apply(*v) {
                    if pressed {
                        m.now.playing = playing;
                        m.now.busy |= busy;
                    }
                    if m.now.steps > 0 && m.now.diverged_at.is_none() {
                        self.worked = Some(self.running);
                    }
                    self.tell(&events);
                }
                if std::mem::take(&mut self.ask_again) {
                    self.ask_view(now);
                }
            }
            Reply::Export { what, text } => self.out.push(Effect::SaveFile(what, text)),
            Reply::Failed(e) => self.error = Some(Text::new("error.setup").and("e", e)),
        }
    }

    /// The worker died (out of memory, a trap): say so, start a new one and rebuild the last
    /// settings that trained without trouble (never the ones that died).
    fn worker_died(&mut self, why: &str) {
        self.out.push(Effect::NewWorker);
        self.asked = false;
        self.ask_again = false;
        self.pressed_since_ask = false;
        self.pending = None;
        let back = self
            .worked
            .filter(|w| *w != self.running)
            .unwrap_or(Source {
                lesson: self.running.lesson,
                settings: self.running.lesson.defaults(),
                on_csv: false,
            });
        self.show_source(back);
        self.controls_key += 1;
        self.send(Request::Lang(crate::i18n::current()));
        self.rebuild(Some(Text::with("error.worker_died", &[("e", &why)])));
    }

    /// Tells the learner what the run did (the latest event is shown).
    fn tell(&mut self, events: &[RunEvent]) {
        for event in events {
            self.notice = Some(match *event {
                RunEvent::LrReduced(lr) => Text::with(
                    "notice.lr_halved",
                    &[("lr", &lr), ("patience", &PLATEAU_PATIENCE)],
                ),
                RunEvent::EarlyStop { epoch, best } => Text::with(
                    "notice.early_stop",
                    &[
                        ("epoch", &epoch),
                        ("patience", &STOP_PATIENCE),
                        ("best", &best),
                    ],
                ),
            });
        }
    }
}
