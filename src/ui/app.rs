//! The root component: pick a lesson, train it live, watch the prediction converge.
//!
//! The run lives in a Web Worker (`ui::worker`, `crate::worker`): the page sends it
//! requests and shows its copy of the run ([`Mirror`]), asking for a fresh view once per
//! animation frame while the run has work under way, so training never shares the page's
//! thread. The component owns the worker and the frame handle (dropping the handle cancels
//! the loop).

use std::rc::Rc;

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use plotters::prelude::IntoDrawingArea;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent};
use yew::prelude::*;

use crate::charts::PredictionView;
use crate::charts::{draw_gradient_flow, draw_losses, draw_prediction, FlowLine, LossScale};
use crate::data::normalise::Scaling;
use crate::data::signals::{generate, SignalParams};
use crate::data::table::{parse_csv, CsvOptions, MissingPolicy, SeriesFilter};
use crate::i18n::{tr, trf, Text};
use crate::nn::optim::{Clip, OptimizerKind};
use crate::nn::CellKind;
use crate::train::host::{Ask, DataSource, ExportKind, Mirror, Reply, Request, RunInfo, Watch};
use crate::train::lessons::{CsvChoice, CsvTask, Lesson, RunLink};
use crate::train::runner::RunEvent;
use crate::train::settings::{
    key_of, Settings, Shape, CELLS, CLIPS, FIX_CLIP, OPTIMIZERS, SCALINGS,
};
use crate::train::{Schedule, PLATEAU_PATIENCE, STOP_PATIENCE};
use crate::ui::canvas::Canvas;
use crate::ui::cell_views::{traced, CellDiagram, Equations, Heatmaps, StepControls};
use crate::ui::chart::{ChartCanvas, Painter};
use crate::ui::compare::ComparePanel;
use crate::ui::controls::ModelControls;
use crate::ui::data_panel::{signal_key, CsvState, DataPanel};
use crate::ui::messages::{Banners, Hint, LessonPicker};
use crate::ui::run_bar::{RunActions, RunBar, RunStats};
use crate::ui::share::Restored;
use crate::ui::worker::{Heard, TrainingWorker};

mod charts;
mod keys;
mod run;
mod update;
mod view;

use charts::export_text;
pub(in crate::ui) use charts::prediction_view;
use keys::{page_keys, tab_keys, Tab};
use run::start_worker;

/// While a run trains flat out, the page asks for a view of it at most this often (20 per
/// second): each view redraws the charts that changed, and on a 2-core machine every
/// millisecond the page's thread draws is one the worker does not train. A run paced at n
/// steps per frame is shown every frame.
const VIEW_EVERY_MS: f64 = 50.0;

/// How long the step-through takes to play over a whole window.
const T_PLAY_MS: f64 = 4000.0;

pub enum Msg {
    /// The training worker replied, or died.
    Heard(Heard),
    /// A file's bytes arrived (name, bytes), or reading it failed.
    CsvBytes(String, Result<Vec<u8>, String>),
    LoadFile(web_sys::File),
    /// A shipped sample file, by its path under www/.
    LoadSample(&'static str),
    CsvSeries(String),
    CsvMissing(MissingPolicy),
    /// A control got a value it cannot take: say so, change nothing.
    Invalid(Text),
    CsvTarget(String),
    CsvFeature(String, bool),
    CsvWindow(usize),
    CsvHorizon(usize),
    CsvTask(CsvTask),
    /// A change to the signal generator's settings, and "use this signal".
    Signal(SignalParams),
    GenerateSignal,
    TrainCsv,
    Frame,
    TogglePlay,
    Step,
    /// Train to the end of the epoch under way (after any steps already asked for).
    StepEpoch,
    Reset,
    Lesson(Lesson),
    Cell(CellKind),
    Hidden(usize),
    Seed(u64),
    LearningRate(f64),
    Optimizer(OptimizerKind),
    Clipping(Clip),
    Scaling(Scaling),
    /// A download the learner asked for.
    Export(Export),
    LossScale(LossScale),
    /// At most this many steps per animation frame; None: as many as fit in SLICE_MS.
    Speed(Option<usize>),
    Schedule(Schedule),
    Recursive(bool),
    /// The step-through's time step and unit (0-based).
    StepThrough(usize, usize),
    /// Play the step-through over t (or stop).
    PlayT,
    /// Switch the page's language.
    Lang(crate::i18n::Lang),
    /// Watch another layer, direction or sample in the cell views (one field at a time, so
    /// quick changes in a row never undo each other).
    WatchLayer(usize),
    WatchDir(usize),
    WatchSample(usize),
    /// Show another view below the story.
    Tab(Tab),
    /// The window changed size: charts are drawn again at their new size.
    Resized,
    /// Compare mode on or off.
    Compare(bool),
    Shape(Shape, &'static str),
    /// One-click fixes.
    Normalise,
    LowerLearningRate,
    ClipGradients,
}

/// What the learner can take away from a run.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Export {
    Weights,
    PyTorchBundle,
    PyTorchScript,
    Predictions,
    History,
    PredictionChart,
    LossChart,
}

/// What the running session was built from; restored when a change cannot be applied.
#[derive(Clone, Copy, PartialEq)]
struct Source {
    lesson: Lesson,
    settings: Settings,
    on_csv: bool,
}

pub struct App {
    /// What the current run was built from.
    running: Source,
    lesson: Lesson,
    csv: Option<Rc<CsvState>>,
    csv_error: Option<Text>,
    /// Training on the CSV (true) or on the lesson's data (false).
    on_csv: bool,
    /// x-axis labels of the current run (a CSV's dates).
    x_labels: Option<Rc<[String]>>,
    settings: Settings,
    /// The page's copy of the run the worker trains (None until the first run is built, or
    /// when it could not be; a banner says why).
    shown: Option<Mirror>,
    /// The training worker (None only if it could not be started; a banner says why).
    worker: Option<TrainingWorker>,
    /// Builds asked for so far (each run's id), and the latest one awaiting its reply, with
    /// what it is built from and the notice to show once it is.
    builds: u64,
    pending: Option<(u64, Source, Option<Text>)>,
    /// A view is asked for and not yet here; `ask_again`: ask once more when it comes (the
    /// run changed after it was asked for).
    asked: bool,
    ask_again: bool,
    /// When the latest view was asked for, and whether Play, Pause or Step was pressed since
    /// (then that view's play state is older than the buttons').
    asked_at: f64,
    pressed_since_ask: bool,
    /// The last settings whose run trained without trouble (offered after a worker dies).
    worked: Option<Source>,
    /// The last error and notice, worded when shown (a language switch re-words them).
    error: Option<Text>,
    notice: Option<Text>,
    frame: Option<AnimationFrame>,
    _keys: Option<EventListener>,
    loss_scale: LossScale,
    step_t: usize,
    step_unit: usize,
    /// The step-through plays over t: when it last moved on.
    t_playing: Option<f64>,
    /// Which layer, direction and sample of the latest batch the cell views show.
    watch: Watch,
    /// The view shown below the story (gradient flow, the equations, compare mode).
    tab: Tab,
    /// Arrow keys, Home and End move between the tabs (the WAI-ARIA tabs pattern).
    tab_keys: Callback<KeyboardEvent>,
    /// Bumped when a change is refused, so the controls are made anew from the kept run.
    controls_key: u64,
    /// The run bar's buttons, made once so its props compare equal from frame to frame.
    actions: RunActions,
    /// Sends a message to this component; made once, for components' `on` props.
    emit: Callback<Msg>,
    /// Bumped when canvases may have a new size (a resize, a tab shown): charts redraw.
    sizes: u64,
    _resize: Option<EventListener>,
    /// Files loaded so far.
    files_loaded: u64,
    /// The signal generator's settings.
    signal: SignalParams,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl App {
    /// What every chart's key starts with: a new run, language or canvas size (a resize, a
    /// tab shown) draws every chart again.
    fn chart_epoch(&self) -> String {
        format!(
            "{}{}/{}",
            self.shown.as_ref().map_or(0, |m| m.id),
            crate::i18n::current().tag(),
            self.sizes
        )
    }

    /// Canvases may have a new size (a resize, a tab shown): every chart is measured and
    /// drawn again.
    fn canvases_resized(&mut self) {
        crate::ui::canvas::forget_sizes();
        self.sizes += 1;
    }

    /// Puts a lesson run's settings and the language in the link and in localStorage
    /// (a CSV run is not a link: its data is the learner's file).
    fn save_link(&self) {
        if !self.on_csv {
            crate::ui::share::save(&RunLink {
                lesson: self.lesson,
                settings: self.settings,
                lang: crate::i18n::current(),
            });
        }
    }

    /// Moves the playing step-through on by one time step when it is due: a whole window
    /// plays in about 4 s (from 40 to 400 ms a step), then starts again.
    fn advance_t(&mut self) {
        let (Some(since), Some(m)) = (self.t_playing, &self.shown) else {
            return;
        };
        let steps = m.info.window.max(1);
        let every = (T_PLAY_MS / steps as f64).clamp(40.0, 400.0);
        let t = now();
        if t - since >= every {
            self.step_t = (self.step_t.min(steps - 1) + 1) % steps;
            self.t_playing = Some(t);
        }
    }

    fn schedule(&mut self, ctx: &Context<Self>) {
        if self.shown.as_ref().is_some_and(|m| m.now.busy) || self.t_playing.is_some() {
            let link = ctx.link().clone();
            self.frame = Some(request_animation_frame(move |_| {
                link.send_message(Msg::Frame)
            }));
        } else {
            self.frame = None;
        }
    }

    /// A hint when the run is not learning: large unnormalised inputs (the notes' failure),
    /// or a loss that has not halved after 300 steps.
    fn not_learning(&self) -> Option<Hint> {
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
}

/// A number input's value as a whole number in [lo, hi], or what is wrong with it.
pub(super) fn whole_number(e: &Event, lo: usize, hi: usize) -> Result<usize, Text> {
    let v = e.target_unchecked_into::<HtmlInputElement>().value();
    match v.trim().parse::<usize>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(Text::with(
            "invalid.whole",
            &[("v", &v), ("lo", &lo), ("hi", &hi)],
        )),
    }
}

pub(super) fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let loaded = crate::ui::share::load();
        // The language first: the notices below are in it.
        let lang = match &loaded {
            Some(Restored::Link(Ok(l))) => l.lang,
            _ => crate::ui::share::remembered_lang(),
        };
        crate::i18n::set(lang);
        crate::ui::share::save_lang(lang);
        let (lesson, settings, restored) = match loaded {
            Some(Restored::Link(Ok(l))) => {
                (l.lesson, l.settings, Some(Text::new("notice.link_opened")))
            }
            Some(Restored::Remembered(l)) => (l.lesson, l.settings, None),
            Some(Restored::Link(Err(e))) => {
                let l = Lesson::SineNextValue;
                (
                    l,
                    l.defaults(),
                    Some(Text::new("notice.link_broken").and("e", e)),
                )
            }
            None => (
                Lesson::SineNextValue,
                Lesson::SineNextValue.defaults(),
                None,
            ),
        };
        let keys = page_keys(ctx);
        let link = ctx.link().clone();
        let resize = web_sys::window()
            .map(|w| EventListener::new(&w, "resize", move |_| link.send_message(Msg::Resized)));
        let mut app = App {
            running: Source {
                lesson,
                settings,
                on_csv: false,
            },
            lesson,
            csv: None,
            csv_error: None,
            on_csv: false,
            x_labels: None,
            settings,
            shown: None,
            worker: start_worker(ctx),
            builds: 0,
            pending: None,
            asked: false,
            ask_again: false,
            asked_at: 0.0,
            pressed_since_ask: false,
            worked: None,
            error: None,
            notice: None,
            frame: None,
            _keys: keys,
            signal: SignalParams {
                points: 1000,
                x_end: 50.0,
                noise: 0.05,
                ..SignalParams::default()
            },
            loss_scale: LossScale::Log,
            step_t: 0,
            step_unit: 0,
            t_playing: None,
            watch: Watch::default(),
            tab: Tab::Flow,
            tab_keys: tab_keys(ctx),
            controls_key: 0,
            emit: ctx.link().callback(|m: Msg| m),
            actions: RunActions {
                play: ctx.link().callback(|_| Msg::TogglePlay),
                step: ctx.link().callback(|_| Msg::Step),
                epoch: ctx.link().callback(|_| Msg::StepEpoch),
                reset: ctx.link().callback(|_| Msg::Reset),
            },
            sizes: 0,
            _resize: resize,
            files_loaded: 0,
        };
        if app.worker.is_none() {
            app.error = Some(Text::new("error.no_worker"));
        }
        app.send(&Request::Lang(lang));
        app.restart(restored);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        self.apply(ctx, msg)
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        self.page(ctx)
    }
}

/// A cell's name in the page's language (from [`CELLS`]).
pub(super) fn cell_name(kind: CellKind) -> &'static str {
    key_of(&CELLS, &kind).map_or("", tr)
}

/// A normalisation's name in the page's language (from [`SCALINGS`]).
pub(super) fn scaling_name(scaling: Scaling) -> &'static str {
    key_of(&SCALINGS, &scaling).map_or("", tr)
}
