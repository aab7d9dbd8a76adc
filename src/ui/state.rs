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
use crate::data::signals::SignalParams;
use crate::i18n::{Lang, Text};
use crate::train::host::{ExportKind, Mirror, Reply, Request, Watch};
use crate::train::lessons::{Lesson, RunLink};
use crate::train::settings::{key_of, Settings, CELLS, CLIPS, FIX_CLIP, OPTIMIZERS, SCALINGS};

/// While a run trains flat out, the page asks for a view of it at most this often (20 per
/// second): each view redraws the charts that changed, and on a 2-core machine every
/// millisecond the page's thread draws is one the worker does not train. A run paced at n
/// steps per frame is shown every frame.
pub const VIEW_EVERY_MS: f64 = 50.0;

/// How long the step-through takes to play over a whole window.
const T_PLAY_MS: f64 = 4000.0;

mod actions;
pub mod classroom;
mod data;
pub mod remember;
mod run;
#[cfg(test)]
mod tests;
pub mod tour;

pub use actions::*;
pub use classroom::{Classroom, Panel, Theme};
pub use data::{CsvState, Loading};
pub use remember::Remember;
pub use tour::{Tour, TourChange};

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
    /// Validation and test values lie outside the training range (a trend).
    Beyond(crate::data::normalise::Beyond),
    /// The loss has barely moved ([`crate::train::history::stalled`]).
    Flat,
    /// Validation is far worse than training, or getting worse while training improves.
    Overfitting(crate::train::history::Overfitting),
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
    /// A file the worker is reading.
    pub loading: Option<Loading>,
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
    /// The language whose words are being fetched, to switch to when they come (None once
    /// the learner chose a language the page has: a later choice wins).
    fetching_words: Option<Lang>,
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
    /// Where the learner is in the lesson's guided tour.
    pub tour: Tour,
    /// A classroom link's options (hidden panels, locked settings, theme).
    pub classroom: Classroom,
    /// Presenting: the story alone, full screen, in the projector theme; the theme to go
    /// back to after.
    pub presenting: Option<Theme>,
    /// What the polite live region says (meaningful changes only), and what it has said of
    /// the run.
    pub announce: Option<Text>,
    announced: tour::Announced,
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
            loading: None,
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
            fetching_words: None,
            watch: Watch::default(),
            step_t: 0,
            step_unit: 0,
            t_playing: None,
            tab: Tab::Flow,
            loss_scale: LossScale::Log,
            sizes: 0,
            tour: Tour {
                open: true,
                topic: Some(tour::Topic::Lesson(lesson)),
                ..Tour::default()
            },
            classroom: Classroom::default(),
            presenting: None,
            announce: None,
            announced: tour::Announced::default(),
            out: Vec::new(),
        };
        page.out.push(Effect::Send(Request::lang(lang)));
        page.rebuild(notice);
        let effects = std::mem::take(&mut page.out);
        (page, effects)
    }

    /// Opens on a classroom link's options: its theme, and its tour step with the tour open.
    pub fn open_classroom(&mut self, classroom: Classroom) -> Vec<Effect> {
        if let Some(step) = classroom.step {
            self.tour.open = true;
            self.tour_go(step - 1);
        }
        let theme = classroom.theme;
        self.classroom = classroom;
        if theme != Theme::Standard {
            self.show_theme(theme);
        }
        std::mem::take(&mut self.out)
    }

    /// Applies `action` at time `now` (ms); returns what the page must do, and whether it
    /// shows something new (it renders again).
    pub fn reduce(&mut self, action: Action, now: f64) -> (Vec<Effect>, bool) {
        let (tour, announce) = (self.tour.clone(), self.announce.clone());
        let render = self.apply(action, now);
        self.tour_check();
        let changed = tour != self.tour || announce != self.announce;
        (std::mem::take(&mut self.out), render || changed)
    }

    /// Whether the page needs animation frames: the run has work under way, or the
    /// step-through plays over t.
    pub fn wants_frames(&self) -> bool {
        self.shown.as_ref().is_some_and(|m| m.now.busy) || self.t_playing.is_some()
    }

    /// A hint when the run is not learning: large unnormalised inputs (the notes' failure),
    /// held-out values beyond the training range (a trend), a loss that has barely moved, or
    /// a run that overfits.
    pub fn not_learning(&self) -> Option<Hint> {
        let m = self.shown.as_ref()?;
        let largest = m.info.largest_input;
        if self.settings.scaling == Scaling::None && largest > 10.0 {
            Some(Hint::LargeInputs(largest))
        } else if let Some(beyond) = m.info.beyond {
            Some(Hint::Beyond(beyond))
        } else if crate::train::history::stalled(&m.history) {
            Some(Hint::Flat)
        } else {
            crate::train::history::overfitting(&m.history).map(Hint::Overfitting)
        }
    }

    /// Applies `action`; true when the page shows something new.
    fn apply(&mut self, action: Action, now: f64) -> bool {
        match action {
            Action::Model(change) if self.classroom.locked && change != ModelChange::Reset => {
                self.notice = Some(Text::new("classroom.locked_notice"));
                self.controls_key += 1;
            }
            Action::Data(_) if self.classroom.locked => {
                self.notice = Some(Text::new("classroom.locked_notice"));
            }
            Action::Model(change) => {
                let new_lesson = matches!(change, ModelChange::Lesson(_));
                let (what, play) = self.change_model(change);
                if new_lesson {
                    self.tour_restart();
                }
                self.send(Request::Pause);
                self.rebuild(Some(Text::new("notice.reset").and("what", what)));
                if play {
                    self.trying();
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
                    self.notice = Some(Text::new(if self.running.settings.shape.stateful {
                        "compare.started_state"
                    } else {
                        "compare.started"
                    }));
                    self.tab = Tab::Compare;
                    self.remeasure();
                }
                self.send(Request::Compare(on));
            }
            Action::Lang(lang) if crate::i18n::has(lang) => {
                self.fetching_words = None;
                crate::i18n::set(lang);
                self.send(Request::lang(lang));
                self.out.push(Effect::SaveLang(lang));
                self.save_link();
            }
            Action::Lang(lang) => {
                self.fetching_words = Some(lang);
                self.out.push(Effect::FetchWords(lang));
            }
            Action::Words(lang, words) => {
                let wanted = self.fetching_words == Some(lang);
                match words.and_then(|w| crate::i18n::install(lang, w)) {
                    Ok(()) if wanted => return self.apply(Action::Lang(lang), now),
                    // Kept for later; the learner has chosen another language since.
                    Ok(()) => {}
                    Err(_) if !wanted => {}
                    Err(why) => {
                        self.fetching_words = None;
                        self.error = Some(Text::with(
                            "error.words",
                            &[("lang", &lang.own_name()), ("e", &why)],
                        ));
                        // The switcher shows the language the page is in again.
                        self.controls_key += 1;
                    }
                }
            }
            Action::Export(what) => self.export(what),
            Action::Tour(change) => self.tour_change(change),
            Action::Present(on) => {
                let back = match (on, self.presenting) {
                    (true, None) => {
                        self.presenting = Some(self.classroom.theme);
                        Theme::Projector
                    }
                    (false, Some(before)) => {
                        self.presenting = None;
                        before
                    }
                    _ => return false,
                };
                self.show_theme(back);
                self.out.push(Effect::FullScreen(on));
            }
            Action::Theme(theme) => {
                self.show_theme(theme);
                self.save_link();
            }
            Action::Invalid(message) => {
                self.notice = Some(message);
                // The refused value leaves the field: the controls are made anew from the run.
                self.controls_key += 1;
            }
            Action::Failed(message) => self.error = Some(message),
            Action::Heard(reply) => {
                let view = matches!(reply, Reply::View(_));
                self.heard(reply, now);
                if view {
                    // A view only shows: the next frame asks for the next one.
                    self.advance_t(now);
                    return true;
                }
            }
            Action::WorkerDied(why) => self.worker_died(&why),
            Action::WorkerNotStarted(why) => self.worker_not_started(&why),
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

    /// Play/Pause, Step and Epoch. The buttons answer at once; the worker stops or goes on
    /// at its next chunk, and each press adds its steps to those asked for.
    fn control(&mut self, control: RunControl) {
        // Every press but Pause sets the run training.
        if control != RunControl::TogglePlay || self.shown.as_ref().is_some_and(|m| !m.now.playing)
        {
            self.trying();
        }
        if let Some(m) = &mut self.shown {
            if control == RunControl::TogglePlay {
                m.now.playing = !m.now.playing;
                m.now.busy |= m.now.playing;
                if m.now.playing {
                    self.notice = None;
                    self.announce = Some(Text::new("announce.playing"));
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

    /// Shows the page in `theme`: the charts are drawn again at its scale.
    fn show_theme(&mut self, theme: Theme) {
        self.classroom.theme = theme;
        self.out.push(Effect::Theme(theme));
        self.remeasure();
    }

    /// Puts a lesson run's settings and the language in the link (a CSV run is not a link:
    /// its data is the learner's file).
    fn save_link(&mut self) {
        if let Some(link) = self.run_link() {
            self.out
                .push(Effect::SaveLink(link, self.classroom.clone()));
        }
    }

    /// The link of the run the controls show (None for a CSV run).
    pub fn run_link(&self) -> Option<RunLink> {
        self.link_of(self.source())
    }

    /// The link of a lesson run (None for a CSV run).
    fn link_of(&self, source: Source) -> Option<RunLink> {
        (!source.on_csv).then(|| RunLink {
            lesson: source.lesson,
            settings: source.settings,
            lang: crate::i18n::current(),
        })
    }

    /// Training starts on what the controls show (the run, or the one being built): until
    /// it has trained a step, the browser remembers it as being tried (see `remember`).
    fn trying(&mut self) {
        let source = self.pending.as_ref().map_or(self.running, |p| p.1);
        if self.worked != Some(source) {
            if let Some(link) = self.link_of(source) {
                self.out.push(Effect::Remember(Remember::Trying(link)));
            }
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
}
