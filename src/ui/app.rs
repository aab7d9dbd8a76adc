//! The root component: pick a lesson, train it live, watch the prediction converge.
//!
//! The run lives in a Web Worker (`ui::worker`, `crate::worker`): the page sends it
//! requests and shows its copy of the run ([`Mirror`]), asking for a fresh view once per
//! animation frame while the run has work under way, so training never shares the page's
//! thread. The component owns the worker and the frame handle (dropping the handle cancels
//! the loop).

use gloo_events::{EventListener, EventListenerOptions};
use gloo_render::{request_animation_frame, AnimationFrame};
use plotters::prelude::*;
use wasm_bindgen::Clamped;
use wasm_bindgen::JsCast;
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlInputElement, HtmlSelectElement, ImageData,
    KeyboardEvent,
};
use yew::prelude::*;

use crate::charts::diagram::{cell_svg, CellValues};
use crate::charts::{
    draw_gradient_flow, draw_heatmap, draw_log_lines, draw_losses, draw_prediction, heat_rgba,
    FlowLine, HeatCells, HeatGrid, HeatScale, LossScale, PredictionView, COMPARE_COLOURS_FROM,
};
use crate::data::normalise::Scaling;
use crate::data::signals::{generate, SignalKind, SignalParams};
use crate::data::table::{parse_csv, CsvOptions, MissingPolicy, SeriesFilter, Table};
use crate::i18n::{tr, trf};
use crate::nn::network::GradientFlow;
use crate::nn::optim::{Clip, OptimizerKind};
use crate::nn::CellKind;
use crate::train::host::{
    heat_decimation, heat_sources, Ask, DataSource, ExportKind, HeatSource, Mirror, Reply, Request,
    Watch,
};
use crate::train::lessons::{CsvChoice, CsvTask, Lesson, RunLink};
use crate::train::runner::RunEvent;
use crate::train::settings::{
    key_of, Settings, Shape, CELLS, CLIPS, FIX_CLIP, OPTIMIZERS, SCALINGS,
};
use crate::train::{Schedule, PLATEAU_PATIENCE, STOP_PATIENCE};
use crate::ui::canvas::Canvas;
use crate::ui::controls::ModelControls;
use crate::ui::messages::{Banners, Hint, LessonPicker};
use crate::ui::run_bar::{RunActions, RunBar, RunStats};
use crate::ui::share::Restored;
use crate::ui::worker::{Heard, TrainingWorker};

/// How long the step-through takes to play over a whole window.
const T_PLAY_MS: f64 = 4000.0;

/// A frame's drawing budget: after the first chart, further charts and the next heatmap are
/// drawn in a frame only while drawing has taken less than this.
const HEATMAP_AFTER_MS: f64 = 6.0;

/// The sample files shipped in www/data, with their button labels' keys.
const SAMPLES: [(&str, &str); 3] = [
    ("sample.stock", "data/stock_like_synthetic.csv"),
    ("sample.household", "data/household_load_synthetic.csv"),
    ("sample.two_class", "data/two_class_synthetic.csv"),
];

/// A loaded CSV and what the learner picked from it.
struct CsvState {
    /// Which file this is, counting the files loaded (a run built from it remembers it).
    file: u64,
    name: String,
    bytes: Vec<u8>,
    table: Table,
    choice: CsvChoice,
    series: Option<SeriesFilter>,
    missing: MissingPolicy,
}

impl CsvState {
    /// Parses the bytes again with the current series and missing-cell choices; on failure
    /// the table loaded before stays.
    fn reparse(&mut self) -> Result<(), String> {
        let opts = CsvOptions {
            missing: self.missing,
            series: self.series.clone(),
        };
        self.table = parse_csv(&self.bytes, &opts).map_err(|e| e.to_string())?;
        Ok(())
    }

    /// The date column's text per row, for the chart's x axis.
    fn date_labels(&self) -> Option<Vec<String>> {
        let col = self.table.date_column()?;
        Some(
            (0..self.table.rows)
                .map(|r| col.label(r).unwrap_or_default().to_string())
                .collect(),
        )
    }
}

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
    Invalid(String),
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
    /// The pointer over heatmap k at this canvas pixel, or off the heatmaps (None).
    HeatHover(Option<(usize, f64, f64)>),
    /// A click on heatmap k at this canvas pixel: open that step and unit in the step-through.
    HeatClick(usize, f64, f64),
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

/// The views one click away below the story: each a tab.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tab {
    Flow,
    Equations,
    Compare,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Flow, Tab::Equations, Tab::Compare];

    /// The id of its tab (`tab-…`) and panel (`panel-…`).
    fn id(self) -> &'static str {
        match self {
            Tab::Flow => "flow",
            Tab::Equations => "equations",
            Tab::Compare => "compare",
        }
    }

    /// Its name's catalogue key.
    fn key(self) -> &'static str {
        match self {
            Tab::Flow => "tab.flow",
            Tab::Equations => "tab.equations",
            Tab::Compare => "tab.compare",
        }
    }
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
    csv: Option<CsvState>,
    csv_error: Option<String>,
    /// Training on the CSV (true) or on the lesson's data (false).
    on_csv: bool,
    /// x-axis labels of the current run (a CSV's dates).
    x_labels: Option<Vec<String>>,
    settings: Settings,
    /// The page's copy of the run the worker trains (None until the first run is built, or
    /// when it could not be; a banner says why).
    shown: Option<Mirror>,
    /// The training worker (None only if it could not be started; a banner says why).
    worker: Option<TrainingWorker>,
    /// Builds asked for so far (each run's id), and the latest one awaiting its reply, with
    /// what it is built from and the notice to show once it is.
    builds: u64,
    pending: Option<(u64, Source, Option<String>)>,
    /// A view is asked for and not yet here; `ask_again`: ask once more when it comes (the
    /// run changed after it was asked for).
    asked: bool,
    ask_again: bool,
    /// The last settings whose run trained without trouble (offered after a worker dies).
    worked: Option<Source>,
    error: Option<String>,
    notice: Option<String>,
    frame: Option<AnimationFrame>,
    _keys: Option<EventListener>,
    loss_scale: LossScale,
    flow_ref: NodeRef,
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
    /// A chart changed but waits for a later frame (see [`Self::draw`]).
    charts_due: std::cell::Cell<bool>,
    /// What each heatmap drew, for the pointer readout.
    heat_drawn: std::cell::RefCell<Vec<Option<HeatDrawn>>>,
    /// The heatmap cell under the pointer.
    heat_hover: Option<HeatHover>,
    /// The signal generator's settings.
    signal: SignalParams,
    prediction_ref: NodeRef,
    loss_ref: NodeRef,
}

fn now() -> f64 {
    js_sys::Date::now()
}

impl App {
    /// Sends `request` to the training worker.
    fn send(&mut self, request: &Request) {
        if let Some(w) = &self.worker {
            w.send(request);
        }
    }

    /// Asks the worker for a fresh view of the run (one at a time: if one is under way, once
    /// more when it arrives).
    fn ask_view(&mut self) {
        if self.asked {
            self.ask_again = true;
            return;
        }
        let Some(m) = &self.shown else { return };
        let ask: Ask = m.ask(self.watch, self.step_t, self.step_unit);
        self.asked = true;
        self.send(&Request::View(ask));
    }

    /// Asks the worker to rebuild data and model from the lesson and settings; until it
    /// replies the old run stays, and if it cannot, it stays for good (see `Msg::Heard`).
    fn restart(&mut self, notice: Option<String>) {
        let data = match (&self.csv, self.on_csv) {
            (Some(c), true) => DataSource::Csv {
                file: c.file,
                bytes: c.bytes.clone(),
                options: CsvOptions {
                    missing: c.missing,
                    series: c.series.clone(),
                },
                choice: c.choice.clone(),
            },
            _ => DataSource::Lesson(self.lesson),
        };
        self.builds += 1;
        let id = self.builds;
        self.pending = Some((
            id,
            Source {
                lesson: self.lesson,
                settings: self.settings,
                on_csv: self.on_csv,
            },
            notice,
        ));
        self.send(&Request::Build {
            id,
            data: Box::new(data),
            settings: self.settings,
        });
    }

    /// A reply from the worker.
    fn heard(&mut self, reply: Reply) {
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
                    .and_then(CsvState::date_labels);
                self.shown = Some(Mirror::new(id, *info));
                self.asked = false;
                self.error = None;
                self.notice = notice;
                self.heat_hover = None;
                self.ask_view();
            }
            Reply::Refused { id, error } => {
                if self.pending.take_if(|p| p.0 == id).is_none() {
                    return;
                }
                // The controls go back to what the kept run was built from (made anew, so a
                // choice the run refused does not stay on screen).
                self.controls_key += 1;
                Source {
                    lesson: self.lesson,
                    settings: self.settings,
                    on_csv: self.on_csv,
                } = self.running;
                self.error = Some(trf("error.setup", &[("e", &error)]));
            }
            Reply::View(v) => {
                self.asked = false;
                let Some(m) = &mut self.shown else { return };
                if let Some(events) = m.apply(*v) {
                    if m.now.steps > 0 && m.now.diverged_at.is_none() {
                        self.worked = Some(self.running);
                    }
                    self.tell(&events);
                }
                if std::mem::take(&mut self.ask_again) {
                    self.ask_view();
                }
            }
            Reply::Export { what, text } => {
                if let Err(e) = export_text(what, &text) {
                    self.error = Some(trf("error.download", &[("e", &e)]));
                }
            }
            Reply::Failed(e) => self.error = Some(trf("error.setup", &[("e", &e)])),
        }
    }

    /// The worker died (out of memory, a trap): say so, start a new one and rebuild the last
    /// settings that trained without trouble.
    fn worker_died(&mut self, ctx: &Context<Self>, why: &str) {
        self.worker = start_worker(ctx);
        self.asked = false;
        self.ask_again = false;
        self.pending = None;
        let back = self
            .worked
            .filter(|w| *w != self.running)
            .unwrap_or(Source {
                lesson: self.running.lesson,
                settings: self.running.lesson.defaults(),
                on_csv: false,
            });
        Source {
            lesson: self.lesson,
            settings: self.settings,
            on_csv: self.on_csv,
        } = back;
        self.controls_key += 1;
        self.send(&Request::Lang(crate::i18n::current()));
        self.restart(Some(trf("error.worker_died", &[("e", &why)])));
    }

    /// Starts training (when paused).
    fn play(&mut self) {
        self.send(&Request::Play);
    }

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

    /// Tells the learner what a frame's training did.
    fn tell(&mut self, events: &[RunEvent]) {
        for event in events {
            self.notice = Some(match *event {
                RunEvent::LrReduced(lr) => trf(
                    "notice.lr_halved",
                    &[("lr", &lr), ("patience", &PLATEAU_PATIENCE)],
                ),
                RunEvent::EarlyStop { epoch, best } => trf(
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

    /// The signal generator: a kind, its parameters, and a button that loads the series as
    /// if it were a file (then the same column, task and window choices apply).
    fn signal_panel(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let p = self.signal;
        let on_points = link.callback(move |e: Event| match whole_number(&e, 20, 20_000) {
            Ok(n) => Msg::Signal(SignalParams { points: n, ..p }),
            Err(m) => Msg::Invalid(trf("invalid.points", &[("m", &m)])),
        });
        let on_frequency = link.callback(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            match v.trim().parse::<f64>() {
                Ok(f) if f > 0.0 && f <= 100.0 => Msg::Signal(SignalParams { frequency: f, ..p }),
                _ => Msg::Invalid(trf("invalid.frequency", &[("v", &v)])),
            }
        });
        html! {
            <details class="generate" id="generate">
                <summary title={tr("signal.tip")}>{ tr("signal.heading") }</summary>
                <label for="signal-kind">{ tr("signal.kind") }</label>
                <select id="signal-kind" onchange={link.callback(move |e: Event| {
                    let v = select_value(&e);
                    let kind = SignalKind::ALL.into_iter().find(|k| signal_key(*k) == v).unwrap_or(SignalKind::Sine);
                    Msg::Signal(SignalParams { kind, ..p })
                })}>
                    { for SignalKind::ALL.iter().map(|k| html! {
                        <option value={signal_key(*k)} selected={*k == p.kind}>{ tr(signal_key(*k)) }</option>
                    }) }
                </select>
                <div class="pair">
                    <label title={tr("signal.points_tip")}>{ tr("signal.points") }
                        <input id="signal-points" type="number" min="20" max="20000" value={shown("signal-points", p.points)} onchange={on_points} /></label>
                    <label title={tr("signal.frequency_tip")}>{ tr("signal.frequency") }
                        <input id="signal-frequency" type="number" min="0.01" max="100" step="0.1" value={shown("signal-frequency", p.frequency)} onchange={on_frequency} /></label>
                </div>
                <label for="signal-noise" title={tr("signal.noise_tip")}>{ tr("signal.noise") }</label>
                <select id="signal-noise" onchange={link.batch_callback(move |e: Event| {
                    select_value(&e).parse::<f64>().ok().map(|noise| Msg::Signal(SignalParams { noise, ..p }))
                })}>
                    { for [0.0, 0.02, 0.05, 0.1, 0.2, 0.5].iter().map(|n| html! {
                        <option value={n.to_string()} selected={(*n - p.noise).abs() < 1e-12}>{ n.to_string() }</option>
                    }) }
                </select>
                <button id="signal-use" class="wide" onclick={link.callback(|_| Msg::GenerateSignal)}>{ tr("signal.use") }</button>
            </details>
        }
    }

    /// The compare panel: the three runs' losses and gradient flow overlaid, their
    /// predictions side by side, and a table of where each stands.
    fn compare_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let Some(runs) = self.shown.as_ref().and_then(|m| m.now.compare.as_ref()) else {
            return html! {
                <div class="compare-bar">
                    <button id="compare" title={tr("compare.tip")} onclick={link.callback(|_| Msg::Compare(true))}>{ tr("compare.start") }</button>
                </div>
            };
        };
        html! {
            <div class="compare" id="compare-panel">
                <div class="compare-bar">
                    <strong>{ tr("compare.heading") }</strong>
                    <button id="compare" onclick={link.callback(|_| Msg::Compare(false))}>{ tr("compare.stop") }</button>
                </div>
                <table class="scores" id="compare-table">
                    <thead><tr>
                        <th>{ tr("model.cell") }</th><th>{ tr("stats.step") }</th><th>{ tr("stats.train_loss") }</th><th>{ tr("stats.val_loss") }</th>
                        <th title={tr("compare.ratio_tip")}>{ tr("compare.ratio") }</th>
                    </tr></thead>
                    <tbody>
                        { for runs.iter().map(|r| {
                            let val = r.validation_loss;
                            let train = r.losses.last().copied();
                            let ratio = r.dh.as_ref().map(|v| {
                                let (first, last) = (v.first().copied().unwrap_or(0.0), v.last().copied().unwrap_or(0.0));
                                if last > 0.0 { first / last } else { f64::NAN }
                            });
                            let f = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.4}"));
                            html! {
                                <tr data-cell={r.cell.name()} data-steps={r.steps.to_string()}
                                    data-val={val.map_or(String::new(), |v| v.to_string())}
                                    data-ratio={ratio.map_or(String::new(), |v| v.to_string())}>
                                    <th scope="row">{ cell_name(r.cell) }</th>
                                    <td>{ r.steps }</td><td>{ f(train) }</td><td>{ f(val) }</td>
                                    <td>{ ratio.map_or("–".to_string(), |v| format!("{v:.1e}")) }</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
                <canvas id="compare-loss" width="900" height="220"></canvas>
                <canvas id="compare-flow" width="900" height="250"></canvas>
                <div class="compare-predictions">
                    { for runs.iter().enumerate().map(|(k, _)| html! {
                        <canvas id={format!("compare-pred-{k}")} width="300" height="200"></canvas>
                    }) }
                </div>
            </div>
        }
    }

    /// Draws the compare panel's charts whose data changed.
    fn draw_compare(&self) {
        let Some(m) = &self.shown else { return };
        let Some(runs) = m.now.compare.as_ref() else {
            return;
        };
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let canvas = |id: &str| {
            document
                .get_element_by_id(id)
                .and_then(|e| e.dyn_into::<HtmlCanvasElement>().ok())
        };
        let steps: Vec<u64> = runs.iter().map(|r| r.steps).collect();
        let key = format!("{}:{steps:?}", self.chart_epoch());
        if let Some(c) = canvas("compare-loss").filter(|c| stale(c, &key)) {
            let lines: Vec<FlowLine> = runs
                .iter()
                .enumerate()
                .map(|(k, r)| FlowLine {
                    label: cell_name(r.cell).to_string(),
                    norms: &r.losses,
                    dashed: false,
                    colour: COMPARE_COLOURS_FROM + k,
                })
                .collect();
            paint(&c, &key, |root| {
                draw_log_lines(root, &lines, tr("compare.loss_chart"), tr("chart.step"))
            });
        }
        if let Some(c) = canvas("compare-flow").filter(|c| stale(c, &key)) {
            let lines: Vec<FlowLine> = runs
                .iter()
                .enumerate()
                .filter_map(|(k, r)| {
                    let norms = r.dh.as_ref()?;
                    Some(FlowLine {
                        label: format!("‖dL/dh_t‖ {}", cell_name(r.cell)),
                        norms,
                        dashed: false,
                        colour: COMPARE_COLOURS_FROM + k,
                    })
                })
                .collect();
            paint(&c, &key, |root| {
                draw_gradient_flow(root, &lines, tr("compare.flow_chart"))
            });
        }
        // Redrawn when a prediction changed (the sum of its values tells one from another).
        let sums: Vec<f64> = runs
            .iter()
            .map(|r| r.prediction.iter().map(|p| p.1).sum())
            .collect();
        let pkey = format!("{}:{sums:?}", self.chart_epoch());
        for (k, r) in runs.iter().enumerate() {
            let Some(c) = canvas(&format!("compare-pred-{k}")).filter(|c| stale(c, &pkey)) else {
                continue;
            };
            let view = prediction_view(m, &r.prediction, self.x_labels.as_deref());
            paint(&c, &pkey, |root| {
                draw_prediction(root, &view, cell_name(r.cell))
            });
        }
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

    /// Heatmaps of every gate, h_t and c_t over time for the watched layer, direction and
    /// sample of the latest batch (see [`Watch`]), from the trace backprop used.
    fn cell_view(&self, ctx: &Context<Self>) -> Html {
        let Some(m) = &self.shown else {
            return html! {};
        };
        // Drawn from the start, before the first step's trace, so that step changes pixels,
        // not the page's layout.
        let saturation = m.now.saturation.unwrap_or(0.0);
        let kind = m.info.config.cell;
        let watch = m.cell.as_ref().map_or(Watch::default(), |c| c.watch);
        let layers = m.info.config.layers;
        let dirs = if m.info.config.bidirectional { 2 } else { 1 };
        let batch = m
            .cell
            .as_ref()
            .map_or(m.info.config.batch_size, |c| c.batch)
            .max(1);
        let link = ctx.link();
        let on_layer = link.callback(move |e: Event| match whole_number(&e, 1, layers) {
            Ok(n) => Msg::WatchLayer(n - 1),
            Err(m) => Msg::Invalid(trf("invalid.watch_layer", &[("m", &m)])),
        });
        let on_sample = link.callback(move |e: Event| match whole_number(&e, 1, batch) {
            Ok(n) => Msg::WatchSample(n - 1),
            Err(m) => Msg::Invalid(trf("invalid.watch_sample", &[("m", &m)])),
        });
        let on_dir =
            link.callback(|e: Event| Msg::WatchDir(usize::from(select_value(&e) == "reverse")));
        let watch_row = html! {
            <div class="chart-options" id="watch" title={tr("watch.tip")}>
                <strong>{ tr("watch.heading") }</strong>
                <label for="watch-layer">{ tr("watch.layer") }</label>
                <input id="watch-layer" type="number" min="1" max={layers.to_string()} value={shown("watch-layer", watch.layer + 1)} onchange={on_layer} disabled={layers == 1} />
                <label for="watch-dir">{ tr("watch.direction") }</label>
                <select id="watch-dir" onchange={on_dir} disabled={dirs == 1}>
                    <option value="forward" selected={watch.dir == 0}>{ tr("watch.forward") }</option>
                    <option value="reverse" selected={watch.dir == 1}>{ tr("watch.reverse") }</option>
                </select>
                <label for="watch-sample">{ trf("watch.sample", &[("n", &batch)]) }</label>
                <input id="watch-sample" type="number" min="1" max={batch.to_string()} value={shown("watch-sample", watch.sample + 1)} onchange={on_sample} />
            </div>
        };
        let (steps, hidden) = (m.info.window, m.info.config.hidden_size);
        let (stride, units) = heat_decimation(steps, hidden);
        let decimated = match (stride > 1, units < hidden) {
            (false, false) => String::new(),
            (true, false) => trf(
                "cell.decimated_steps",
                &[("stride", &stride), ("steps", &steps)],
            ),
            (false, true) => trf(
                "cell.decimated_units",
                &[("units", &units), ("hidden", &hidden)],
            ),
            (true, true) => trf(
                "cell.decimated_both",
                &[
                    ("stride", &stride),
                    ("steps", &steps),
                    ("units", &units),
                    ("hidden", &hidden),
                ],
            ),
        };
        let names: Vec<String> = heat_panels(kind)
            .into_iter()
            .map(|(title, _)| title)
            .collect();
        html! {
            <div class="cell-view">
                <p class="flow-readout" id="saturation" data-saturation={saturation.to_string()}
                    title={tr("cell.saturation_tip")}>
                    { trf("cell.saturation", &[("what", &describe(watch)), ("pct", &format!("{:.0}", saturation * 100.0))]) }
                    { decimated }
                </p>
                <div class="heatmaps">
                    { for names.iter().enumerate().map(|(k, n)| {
                        let link = ctx.link();
                        let hover = link.callback(move |e: MouseEvent| {
                            let (x, y) = canvas_pixel(&e);
                            Msg::HeatHover(Some((k, x, y)))
                        });
                        let click = link.callback(move |e: MouseEvent| {
                            let (x, y) = canvas_pixel(&e);
                            Msg::HeatClick(k, x, y)
                        });
                        html! {
                            <canvas class="heatmap" id={format!("heat-{k}")} aria-label={n.clone()} width="290" height="170"
                                onmousemove={hover} onclick={click} onmouseleave={link.callback(|_| Msg::HeatHover(None))}></canvas>
                        }
                    }) }
                </div>
                { self.heat_readout() }
                { watch_row }
            </div>
        }
    }

    /// One line under the heatmaps: the value under the pointer with its time step and unit
    /// (`data-*` for tests), or how to get it. Always one line, so the page does not shift.
    fn heat_readout(&self) -> Html {
        match &self.heat_hover {
            Some(h) => html! {
                <p class="flow-readout" id="heat-hover" data-t={h.t.to_string()} data-unit={h.unit.to_string()} data-value={h.value.to_string()}>
                    { trf("heat.hover", &[("title", &h.title), ("t", &(h.t + 1)), ("unit", &(h.unit + 1)), ("value", &format!("{:.4}", h.value))]) }
                </p>
            },
            None => html! {
                <p class="flow-readout" id="heat-hover">
                    { tr("heat.hint") }
                </p>
            },
        }
    }

    /// The heatmap cell at canvas pixel (`x`, `y`) of heatmap `k`, from what was drawn last.
    fn heat_cell(&self, k: usize, x: f64, y: f64) -> Option<HeatHover> {
        let drawn = self.heat_drawn.borrow();
        // Only a heatmap of the latest step's trace, which the step-through shows too.
        let d = drawn
            .get(k)?
            .as_ref()
            .filter(|d| self.shown.as_ref().map(|m| m.now.steps) == Some(d.step))?;
        let (col, unit) = d.grid.cell_at(x, y)?;
        Some(HeatHover {
            title: d.title.clone(),
            t: *d.shown.get(col)?,
            unit,
            value: *d.values.get(col * d.grid.units + unit)?,
        })
    }

    /// One time step of the watched sample's first layer as equations with the trace's
    /// numbers, for a chosen unit; a scrubber over t and buttons to step.
    fn step_through(&self, ctx: &Context<Self>) -> (Html, Html) {
        let Some(m) = &self.shown else {
            return (Html::default(), Html::default());
        };
        let placeholder = (
            html! {
                <div class="step-controls">
                    <div class="chart-options"><strong>{ tr("step.title") }</strong><span>{ tr("step.waiting") }</span></div>
                    <div class="cell-diagram-box"></div>
                </div>
            },
            html! {
                <div class="step-through" id="step-through"><p class="explain">{ tr("step.waiting") }</p></div>
            },
        );
        let Some((cell, st)) = m
            .cell
            .as_ref()
            .and_then(|c| Some((c, c.step_through.as_ref()?)))
        else {
            return placeholder;
        };
        let w = cell.watch;
        let kind = m.info.config.cell;
        let hidden = m.info.config.hidden_size;
        let last = cell.steps.saturating_sub(1);
        // The step and unit asked for, as far as the trace shown has them (the worker's
        // answer to a new choice is a frame away).
        let (t, unit) = (st.t, st.unit);
        let x = &st.x;
        let eqs = &st.equations;
        let svg = cell_svg(
            kind,
            &CellValues {
                feature: if unit < x.len() { unit } else { 0 },
                x: x.get(if unit < x.len() { unit } else { 0 })
                    .copied()
                    .unwrap_or(f64::NAN),
                features: x.len(),
                h_prev: st.h_prev,
                c_prev: st.c_prev,
                named: eqs.iter().map(|e| (e.name.clone(), e.value)).collect(),
                reverse: w.dir == 1,
            },
            &trf(
                "diagram.title",
                &[
                    ("cell", &cell_name(kind)),
                    ("t", &(t + 1)),
                    ("unit", &(unit + 1)),
                ],
            ),
        );
        let link = ctx.link();
        let on_t = link.batch_callback(move |e: InputEvent| {
            e.target_unchecked_into::<HtmlInputElement>()
                .value()
                .parse::<usize>()
                .ok()
                .map(|v| Msg::StepThrough(v.saturating_sub(1), unit))
        });
        let on_unit = link.callback(move |e: Event| match whole_number(&e, 1, hidden) {
            Ok(u) => Msg::StepThrough(t, u - 1),
            Err(m) => Msg::Invalid(trf("invalid.unit", &[("m", &m)])),
        });
        let diagram = html! {
            <div class="step-controls">
                <div class="chart-options">
                    <strong>{ tr("step.title") }</strong>
                    <button id="t-prev" title={tr("step.prev")} disabled={t == 0} onclick={link.callback(move |_| Msg::StepThrough(t.saturating_sub(1), unit))}>{ "◀" }</button>
                    <label for="t-scrub" title={trf("step.scrub_tip", &[("what", &describe(w))])}>{ trf("step.t_of", &[("t", &(t + 1)), ("n", &(last + 1))]) }</label>
                    <input id="t-scrub" type="range" min="1" max={(last + 1).to_string()} value={shown("t-scrub", t + 1)} oninput={on_t} />
                    <button id="t-next" title={tr("step.next")} disabled={t == last} onclick={link.callback(move |_| Msg::StepThrough((t + 1).min(last), unit))}>{ "▶" }</button>
                    <button id="t-play" title={tr("step.play_tip")} aria-pressed={self.t_playing.is_some().to_string()} onclick={link.callback(|_| Msg::PlayT)}>
                        { if self.t_playing.is_some() { tr("step.stop") } else { tr("step.play") } }
                    </button>
                    <label for="unit" title={tr("step.unit_tip")}>{ tr("step.unit") }</label>
                    <input id="unit" type="number" min="1" max={hidden.to_string()} value={shown("unit", unit + 1)} onchange={on_unit} />
                </div>
                <div class="cell-diagram-box" id="cell-diagram" data-t={t.to_string()} data-unit={unit.to_string()}>
                    { Html::from_html_unchecked(AttrValue::from(svg)) }
                </div>
            </div>
        };
        let equations = html! {
            <div class="step-through" id="step-through">
                <p class="explain">{ trf("step.equations_of", &[("t", &(t + 1)), ("unit", &(unit + 1)), ("what", &describe(w))]) }</p>
                <ol class="equations">
                    { for eqs.iter().map(|e| html! {
                        <li data-name={e.name.clone()} data-value={e.value.to_string()} data-recomputed={e.recomputed.to_string()}>
                            <code>{ &e.text }</code>
                        </li>
                    }) }
                </ol>
            </div>
        };
        (diagram, equations)
    }

    /// The key of the latest step's trace for the heatmaps (see [`Self::draw`]).
    fn heat_key(&self) -> Option<String> {
        let c = self.shown.as_ref()?.cell.as_ref()?;
        Some(format!("{}:{}:{:?}", self.chart_epoch(), c.step, c.watch))
    }

    /// The first heatmap canvas not showing the latest step's trace.
    fn stale_heatmap(&self) -> Option<(usize, HtmlCanvasElement, String)> {
        let key = self.heat_key()?;
        let document = web_sys::window()?.document()?;
        let panels = heat_panels(self.shown.as_ref()?.info.config.cell).len();
        (0..panels).find_map(|k| {
            let canvas = document
                .get_element_by_id(&format!("heat-{k}"))?
                .dyn_into::<HtmlCanvasElement>()
                .ok()?;
            stale(&canvas, &key).then(|| (k, canvas, key.clone()))
        })
    }

    /// Whether a heatmap is behind the latest step's trace.
    fn heatmaps_due(&self) -> bool {
        self.stale_heatmap().is_some()
    }

    /// Draws the first heatmap behind the latest step's trace (or, before the first step, an
    /// empty one): one per frame, so no frame's task grows long, and all of them a few
    /// frames after each step.
    fn draw_next_heatmap(&self) {
        if let Some((k, canvas, key)) = self.stale_heatmap() {
            self.draw_heatmap_panel(k, &canvas);
            // Marked even if drawing failed, so a failing map is not retried every frame.
            mark_drawn(&canvas, &key);
        }
    }

    /// Draws heatmap `only` of [`Self::cell_view`] on `canvas`: the latest trace of the
    /// watched layer, direction and sample, or an empty frame with a note before the run's
    /// first step.
    fn draw_heatmap_panel(&self, only: usize, canvas: &HtmlCanvasElement) {
        let Some(m) = &self.shown else { return };
        let Some(cell) = &m.cell else { return };
        let Some((title, scale)) = heat_panels(m.info.config.cell).into_iter().nth(only) else {
            return;
        };
        let heat = &cell.heat;
        let (stride, units) = (heat.stride, heat.units);
        let shown = heat.shown.clone();
        let values = heat.panels.get(only).cloned().unwrap_or_default();
        let mut drawn = self.heat_drawn.borrow_mut();
        drawn.resize_with(only + 1, || None);
        drawn[only] = None;
        let Some(backend) = Canvas::new(canvas) else {
            return;
        };
        let Ok(grid) = draw_heatmap(
            &backend.into_drawing_area(),
            &title,
            &values,
            shown.len(),
            units,
            scale,
            stride,
            HeatCells::Image,
        ) else {
            return;
        };
        // Which step's trace the map shows (0: none yet), for tests to wait on.
        let step = if values.is_empty() { 0 } else { cell.step };
        let _ = canvas.set_attribute("data-step", &step.to_string());
        if !values.is_empty() {
            put_image(
                canvas,
                &grid,
                &heat_rgba(&values, shown.len(), units, scale),
            );
            drawn[only] = Some(HeatDrawn {
                step: cell.step,
                grid,
                shown,
                values,
                title,
            });
        }
    }

    /// The gradient-flow chart, its clipping readout, and the plotted data for tests
    /// (`data-dh`, `data-dc`: the first layer's forward direction, t = 1 first).
    fn flow_view(&self) -> Html {
        let first = |v: &Vec<Vec<Vec<f64>>>| {
            v.first()
                .and_then(|l| l.first())
                .map_or_else(String::new, |n| {
                    serde_json::to_string(n).unwrap_or_default()
                })
        };
        let Some(m) = &self.shown else {
            return Html::default();
        };
        let (dh, dc) = m
            .now
            .flow
            .as_ref()
            .map_or((String::new(), String::new()), |f| {
                (first(&f.dh_norm), first(&f.dc_norm))
            });
        let (clipped, of) = (m.now.clipped, m.now.clip_of);
        html! {
            <div class="flow">
                <p class="flow-readout" id="clip-readout" data-clipped={clipped.to_string()} data-of={of.to_string()}
                    title={tr("flow.clip_tip")}>
                    { trf("flow.clipped", &[("clipped", &clipped), ("n", &of)]) }
                </p>
                <canvas id="flow-chart" ref={self.flow_ref.clone()} width="900" height="290" data-dh={dh} data-dc={dc}></canvas>
            </div>
        }
    }

    /// Hands one export to the browser as a download (the run's files are worded by the
    /// worker: the download follows its reply).
    fn export(&mut self, what: Export) -> Result<(), String> {
        use crate::ui::files::{download_text, download_url};
        let kind = match what {
            Export::Weights => ExportKind::Weights,
            Export::PyTorchBundle => ExportKind::PyTorchBundle,
            Export::Predictions => ExportKind::Predictions,
            Export::History => ExportKind::History,
            Export::PyTorchScript => {
                return download_text(
                    "reproduce_in_pytorch.py",
                    "text/x-python",
                    crate::train::export::PYTORCH_SCRIPT,
                )
            }
            Export::PredictionChart | Export::LossChart => {
                let canvas = if what == Export::LossChart {
                    &self.loss_ref
                } else {
                    &self.prediction_ref
                };
                let url = canvas
                    .cast::<HtmlCanvasElement>()
                    .ok_or_else(|| tr("export.no_chart").to_string())?
                    .to_data_url()
                    .map_err(|_| tr("export.encode").to_string())?;
                let name = if what == Export::LossChart {
                    "rnn-lab-loss.png"
                } else {
                    "rnn-lab-prediction.png"
                };
                return download_url(name, &url);
            }
        };
        if self.shown.is_none() {
            return Err(tr("export.no_run").to_string());
        }
        self.send(&Request::Export(kind));
        Ok(())
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
        if self.shown.as_ref().is_some_and(|m| m.now.busy)
            || self.t_playing.is_some()
            || self.charts_due.get()
            || self.heatmaps_due()
        {
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

    /// Redraws the charts whose data changed since they were drawn (each canvas carries the
    /// key of what it shows in `data-drawn`, so a canvas the view re-created is drawn again),
    /// then, if this frame has time left, the next heatmap behind the latest trace.
    fn draw(&self) {
        let Some(m) = &self.shown else { return };
        let config = &m.info.config;
        let start = now();
        // A new run or a new language: every chart is redrawn.
        let run = self.chart_epoch();
        // Charts in turn while the frame's drawing budget lasts (the first always): when several
        // heavy ones changed at once (the end of a long step), the others wait a frame or two,
        // so no frame's task grows long.
        let drew = std::cell::Cell::new(false);
        let turn = |stale: bool| {
            let go = stale && (!drew.get() || now() - start < HEATMAP_AFTER_MS);
            if stale && !go {
                self.charts_due.set(true);
            }
            drew.set(drew.get() || go);
            go
        };
        self.charts_due.set(false);
        if let Some(canvas) = self.prediction_ref.cast::<HtmlCanvasElement>() {
            let key = format!("{run}:{}", m.predicted_at);
            if turn(stale(&canvas, &key)) {
                let title = trf("chart.prediction", &[("target", &m.info.target_name)]);
                let view = prediction_view(m, &m.prediction, self.x_labels.as_deref());
                paint(&canvas, &key, |root| draw_prediction(root, &view, &title));
            }
        }
        if let Some(canvas) = self.flow_ref.cast::<HtmlCanvasElement>() {
            // Before the run's first step: an empty chart that says so.
            let key = format!("{run}:{}:{}", m.now.steps, m.now.flow.is_some());
            if turn(stale(&canvas, &key)) {
                let dirs = if config.bidirectional { 2 } else { 1 };
                let name = |l: usize, d: usize| {
                    let layer = if config.layers > 1 {
                        trf("flow.layer", &[("n", &(l + 1))])
                    } else {
                        String::new()
                    };
                    let rev = if d == 1 { tr("flow.reverse") } else { "" };
                    format!("{layer}{rev}")
                };
                let mut lines = Vec::new();
                let empty = GradientFlow::default();
                let flow = m.now.flow.as_ref().unwrap_or(&empty);
                for l in 0..flow.dh_norm.len() {
                    for d in 0..dirs.min(flow.dh_norm[l].len()) {
                        lines.push(FlowLine {
                            label: format!("‖dL/dh_t‖{}", name(l, d)),
                            norms: &flow.dh_norm[l][d],
                            dashed: false,
                            colour: l * dirs + d,
                        });
                        if let Some(dc) = flow.dc_norm.get(l).and_then(|v| v.get(d)) {
                            lines.push(FlowLine {
                                label: format!("‖dL/dc_t‖{}", name(l, d)),
                                norms: dc,
                                dashed: true,
                                colour: l * dirs + d,
                            });
                        }
                    }
                }
                paint(&canvas, &key, |root| {
                    draw_gradient_flow(root, &lines, tr("chart.flow"))
                });
                let step = if m.now.flow.is_some() { m.now.steps } else { 0 };
                let _ = canvas.set_attribute("data-step", &step.to_string());
            }
        }
        if let Some(canvas) = self.loss_ref.cast::<HtmlCanvasElement>() {
            let key = format!("{run}:{}:{:?}", m.history.len(), self.loss_scale);
            if turn(stale(&canvas, &key)) {
                let step = (m.history.len() / 2000).max(1);
                let train: Vec<(f64, f64)> = m
                    .history
                    .iter()
                    .step_by(step)
                    .map(|h| (h.step as f64, h.train_loss))
                    .collect();
                let val: Vec<(f64, f64)> = m
                    .history
                    .iter()
                    .filter_map(|h| h.validation_loss.map(|v| (h.step as f64, v)))
                    .collect();
                paint(&canvas, &key, |root| {
                    draw_losses(root, &train, &val, self.loss_scale)
                });
            }
        }
        self.draw_compare();
        if now() - start < HEATMAP_AFTER_MS {
            self.draw_next_heatmap();
        }
    }
}

/// The series of run `m` with `prediction` over it, for the prediction charts.
fn prediction_view<'a>(
    m: &'a Mirror,
    prediction: &'a [(f64, f64)],
    x_labels: Option<&'a [String]>,
) -> PredictionView<'a> {
    PredictionView {
        x: &m.info.x,
        y: &m.info.y,
        train_end: m.info.train_end,
        validation_end: m.info.validation_end,
        prediction,
        x_labels,
    }
}

/// Saves a file the worker worded.
fn export_text(what: ExportKind, text: &str) -> Result<(), String> {
    let (name, mime) = match what {
        ExportKind::Weights => ("rnn-lab-weights.json", "application/json"),
        ExportKind::PyTorchBundle => ("rnn-lab-run.json", "application/json"),
        ExportKind::Predictions => ("rnn-lab-predictions.csv", "text/csv"),
        ExportKind::History => ("rnn-lab-loss-history.csv", "text/csv"),
    };
    crate::ui::files::download_text(name, mime, text)
}

/// Puts a heatmap's cells ([`heat_rgba`]) into its grid on `canvas`: one image scaled
/// without smoothing, where rectangles would take a call per cell (7,680 at 120 x 64).
fn put_image(canvas: &HtmlCanvasElement, grid: &HeatGrid, rgba: &[u8]) {
    thread_local! {
        /// The image at its own size, before scaling (reused: one per page).
        static SCRATCH: Option<HtmlCanvasElement> = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.create_element("canvas").ok())
            .and_then(|c| c.dyn_into().ok());
    }
    let context = |c: &HtmlCanvasElement| {
        c.get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    };
    let (w, h) = (grid.steps as u32, grid.units as u32);
    SCRATCH.with(|scratch| {
        let (Some(scratch), Some(target)) = (scratch, context(canvas)) else {
            return;
        };
        scratch.set_width(w);
        scratch.set_height(h);
        let (Some(small), Ok(image)) = (
            context(scratch),
            ImageData::new_with_u8_clamped_array_and_sh(Clamped(rgba), w, h),
        ) else {
            return;
        };
        if small.put_image_data(&image, 0.0, 0.0).is_ok() {
            target.set_image_smoothing_enabled(false);
            let _ = target.draw_image_with_html_canvas_element_and_dw_and_dh(
                scratch,
                f64::from(grid.x.start),
                f64::from(grid.y.start),
                f64::from(grid.x.end - grid.x.start),
                f64::from(grid.y.end - grid.y.start),
            );
        }
    });
}

/// Whether `canvas` shows something other than `key` (see [`App::draw`]).
fn stale(canvas: &HtmlCanvasElement, key: &str) -> bool {
    canvas.get_attribute("data-drawn").as_deref() != Some(key)
}

fn mark_drawn(canvas: &HtmlCanvasElement, key: &str) {
    let _ = canvas.set_attribute("data-drawn", key);
}

/// Draws on `canvas` with `draw`, and marks it as showing `key` when that succeeded.
fn paint(
    canvas: &HtmlCanvasElement,
    key: &str,
    draw: impl FnOnce(&DrawingArea<Canvas, plotters::coord::Shift>) -> Result<(), String>,
) {
    if let Some(backend) = Canvas::new(canvas) {
        if draw(&backend.into_drawing_area()).is_ok() {
            mark_drawn(canvas, key);
        }
    }
}

impl App {
    /// The data section: drop or pick a CSV, or load a sample; then pick the series, target,
    /// features, window and horizon, with a preview of the first rows.
    fn csv_panel(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on_file = link.batch_callback(|e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            input.files().and_then(|f| f.get(0)).map(Msg::LoadFile)
        });
        let on_drop = link.batch_callback(|e: DragEvent| {
            e.prevent_default();
            e.data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
                .map(Msg::LoadFile)
        });
        let on_dragover = Callback::from(|e: DragEvent| e.prevent_default());
        let details = self.csv.as_ref().map(|c| {
            let numeric: Vec<String> = c.table.numeric_columns().iter().map(|s| s.to_string()).collect();
            let series = c.table.series_columns().first().map(|(n, v)| (n.to_string(), v.to_vec()));
            let preview = c.table.preview_rows(5);
            let on_series = link.callback(|e: Event| Msg::CsvSeries(select_value(&e)));
            let on_target = link.callback(|e: Event| Msg::CsvTarget(select_value(&e)));
            let on_window = link.callback(|e: Event| match whole_number(&e, 1, 1000) {
                Ok(w) => Msg::CsvWindow(w),
                Err(m) => Msg::Invalid(trf("invalid.window", &[("m", &m)])),
            });
            let on_horizon = link.callback(|e: Event| match whole_number(&e, 1, 1000) {
                Ok(h) => Msg::CsvHorizon(h),
                Err(m) => Msg::Invalid(trf("invalid.horizon", &[("m", &m)])),
            });
            html! {
                <div class="csv-details" id="csv-details">
                    <p class="explain">
                        { trf("csv.summary", &[("name", &c.name), ("rows", &c.table.rows), ("columns", &c.table.columns.len())]) }
                        { for c.table.notes.iter().map(|n| html! { <><br />{ n }</> }) }
                    </p>
                    if let Some((column, values)) = series {
                        <label for="csv-series" title={tr("csv.series_tip")}>{ trf("csv.series", &[("column", &column)]) }</label>
                        <select id="csv-series" onchange={on_series}>
                            <option value="" selected={c.series.is_none()}>{ tr("csv.all_rows") }</option>
                            { for values.iter().map(|v| html! {
                                <option value={v.clone()} selected={c.series.as_ref().is_some_and(|s| s.value == *v)}>{ v }</option>
                            }) }
                        </select>
                    }
                    <label for="csv-missing" title={tr("csv.missing_tip")}>{ tr("csv.missing") }</label>
                    <select id="csv-missing" onchange={link.callback(|e: Event| Msg::CsvMissing(if select_value(&e) == "drop" { MissingPolicy::DropRows } else { MissingPolicy::ForwardFill }))}>
                        <option value="fill" selected={c.missing == MissingPolicy::ForwardFill}>{ tr("csv.fill") }</option>
                        <option value="drop" selected={c.missing == MissingPolicy::DropRows}>{ tr("csv.drop") }</option>
                    </select>
                    <label for="csv-target" title={tr("csv.target_tip")}>{ tr("csv.target") }</label>
                    <select id="csv-target" onchange={on_target}>
                        { for numeric.iter().map(|n| html! { <option value={n.clone()} selected={*n == c.choice.target}>{ n }</option> }) }
                    </select>
                    <fieldset class="features">
                        <legend title={tr("csv.features_tip")}>{ tr("csv.features") }</legend>
                        { for numeric.iter().map(|n| {
                            let name = n.clone();
                            let on = link.callback(move |e: Event| Msg::CsvFeature(name.clone(), e.target_unchecked_into::<HtmlInputElement>().checked()));
                            html! { <label class="check"><input type="checkbox" checked={c.choice.features.contains(n)} onchange={on} />{ n }</label> }
                        }) }
                    </fieldset>
                    <label for="csv-task" title={tr("csv.task_tip")}>{ tr("csv.task") }</label>
                    <select id="csv-task" onchange={link.callback(|e: Event| {
                        let v = select_value(&e);
                        Msg::CsvTask(CsvTask::ALL.into_iter().find(|t| t.key() == v).unwrap_or_default())
                    })}>
                        { for CsvTask::ALL.iter().map(|t| html! {
                            <option value={t.key()} selected={*t == c.choice.task}>{ tr(t.key()) }</option>
                        }) }
                    </select>
                    <div class="pair">
                        <label title={tr("csv.window_tip")}>{ tr("csv.window") }
                            <input id="csv-window" type="number" min="1" max="1000" value={shown("csv-window", c.choice.window)} onchange={on_window} /></label>
                        <label title={tr("csv.horizon_tip")}>{ tr("csv.horizon") }
                            <input id="csv-horizon" type="number" min="1" max="1000" value={shown("csv-horizon", c.choice.horizon)} onchange={on_horizon}
                                disabled={c.choice.task == CsvTask::SeqToSeq} /></label>
                    </div>
                    <button id="train-csv" class="primary wide" onclick={link.callback(|_| Msg::TrainCsv)}>{ tr("csv.train") }</button>
                    { self.window_preview() }
                    <div class="preview-wrap">
                        <table class="preview" id="csv-preview">
                            <thead><tr>{ for c.table.columns.iter().map(|col| html! { <th>{ &col.name }</th> }) }</tr></thead>
                            <tbody>{ for preview.iter().map(|row| html! { <tr>{ for row.iter().map(|v| html! { <td>{ v }</td> }) }</tr> }) }</tbody>
                        </table>
                    </div>
                </div>
            }
        });
        html! {
            <>
                <h2>{ tr("csv.heading") }</h2>
                <div class="dropzone" ondrop={on_drop} ondragover={on_dragover}>
                    { tr("csv.drop_here") }
                    // The browser's own file button speaks the browser's language: ours is a
                    // label for the hidden input, in the page's.
                    <span class="file-pick">
                        <input id="csv-file" class="sr-only" type="file" accept=".csv,.tsv,.txt,text/csv" onchange={on_file} />
                        <label for="csv-file" class="button small" title={tr("csv.choose")}>{ tr("csv.pick") }</label>
                        <span class="file-name" id="csv-name">
                            { self.csv.as_ref().map_or_else(|| tr("csv.none").to_string(), |c| c.name.clone()) }
                        </span>
                    </span>
                </div>
                <div class="samples">
                    { tr("csv.samples") }
                    { for SAMPLES.iter().map(|&(label, path)| html! {
                        <button class="small" onclick={link.callback(move |_| Msg::LoadSample(path))}>{ tr(label) }</button>
                    }) }
                </div>
                { self.signal_panel(ctx) }
                if let Some(e) = &self.csv_error {
                    <div class="banner error" role="alert" id="csv-error">{ e }</div>
                }
                { details.unwrap_or_default() }
            </>
        }
    }
}

impl App {
    /// The first training window exactly as the network receives it (after normalisation):
    /// one row per step, one column per feature, and the target it is trained to predict.
    fn window_preview(&self) -> Html {
        // The windows of the run that trains, only while it was built from the file shown.
        let shown = self.csv.as_ref().map(|c| c.file);
        let Some(m) = self
            .shown
            .as_ref()
            .filter(|m| self.on_csv && m.info.file.is_some() && m.info.file == shown)
        else {
            return Html::default();
        };
        let Some(p) = &m.info.preview else {
            return Html::default();
        };
        let scaling = p.scaling.map_or(tr("scaling.raw"), scaling_name);
        let names = &m.info.feature_names;
        html! {
            <div class="preview-wrap" id="window-preview">
                <p class="explain">{ trf("csv.window_preview", &[("scaling", &scaling)]) }</p>
                <table class="preview">
                    <thead><tr><th>{ tr("csv.step") }</th>{ for names.iter().map(|n| html! { <th>{ n }</th> }) }</tr></thead>
                    <tbody>
                        { for p.rows.iter().enumerate().map(|(t, v)| html! {
                            <tr><td>{ t + 1 }</td>{ for v.iter().map(|x| html! { <td>{ format!("{x:.4}") }</td> }) }</tr>
                        }) }
                        <tr class="target"><td>{ tr("csv.target_row") }</td><td colspan={names.len().to_string()}>{ format!("{} = {}", m.info.target_name, p.target) }</td></tr>
                    </tbody>
                </table>
            </div>
        }
    }
}

/// A number input's value as a whole number in [lo, hi], or what is wrong with it.
pub(super) fn whole_number(e: &Event, lo: usize, hi: usize) -> Result<usize, String> {
    let v = e.target_unchecked_into::<HtmlInputElement>().value();
    match v.trim().parse::<usize>() {
        Ok(n) if (lo..=hi).contains(&n) => Ok(n),
        _ => Err(trf("invalid.whole", &[("v", &v), ("lo", &lo), ("hi", &hi)])),
    }
}

/// The value a text or number input shows: `v`, except while the learner is typing in it (it
/// has the focus), when it shows what they typed. The page re-renders every frame while it
/// trains, and a controlled input would otherwise lose each keystroke to the next frame.
fn shown(id: &str, v: impl ToString) -> String {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element())
        .filter(|e| e.id() == id)
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .map_or_else(|| v.to_string(), |input| input.value())
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
            Some(Restored::Link(Ok(l))) => (
                l.lesson,
                l.settings,
                Some(tr("notice.link_opened").to_string()),
            ),
            Some(Restored::Remembered(l)) => (l.lesson, l.settings, None),
            Some(Restored::Link(Err(e))) => {
                let l = Lesson::SineNextValue;
                (
                    l,
                    l.defaults(),
                    Some(trf("notice.link_broken", &[("e", &e)])),
                )
            }
            None => (
                Lesson::SineNextValue,
                Lesson::SineNextValue.defaults(),
                None,
            ),
        };
        let link = ctx.link().clone();
        let keys = web_sys::window().and_then(|w| w.document()).map(|doc| {
            EventListener::new_with_options(
                &doc,
                "keydown",
                EventListenerOptions::enable_prevent_default(),
                move |e| {
                    let Some(e) = e.dyn_ref::<KeyboardEvent>() else {
                        return;
                    };
                    let target = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok());
                    let tag = target.as_ref().map(|el| el.tag_name()).unwrap_or_default();
                    // A tab takes its own arrow keys (see the tab list).
                    let on_tab = target
                        .as_ref()
                        .is_some_and(|el| el.get_attribute("role").as_deref() == Some("tab"));
                    // Typing, and the browser's own shortcuts (Ctrl+R, Ctrl+E), are not ours.
                    if matches!(tag.as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                        || (on_tab && e.key().starts_with("Arrow"))
                        || e.ctrl_key()
                        || e.meta_key()
                        || e.alt_key()
                    {
                        return;
                    }
                    match e.key().as_str() {
                        // Space presses a focused button (or opens a summary, follows a link):
                        // keys go to the focused control first; elsewhere it is play/pause.
                        " " if !matches!(tag.as_str(), "BUTTON" | "SUMMARY" | "A" | "LABEL") => {
                            e.prevent_default();
                            link.send_message(Msg::TogglePlay);
                        }
                        "ArrowRight" => link.send_message(Msg::Step),
                        "e" | "E" => link.send_message(Msg::StepEpoch),
                        "r" | "R" => link.send_message(Msg::Reset),
                        _ => {}
                    }
                },
            )
        });
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
            flow_ref: NodeRef::default(),
            charts_due: std::cell::Cell::new(false),
            heat_drawn: std::cell::RefCell::new(Vec::new()),
            heat_hover: None,
            step_t: 0,
            step_unit: 0,
            t_playing: None,
            watch: Watch::default(),
            tab: Tab::Flow,
            tab_keys: ctx.link().batch_callback(|e: KeyboardEvent| {
                let focused = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .map(|el| el.id())
                    .unwrap_or_default();
                let at = Tab::ALL
                    .iter()
                    .position(|t| format!("tab-{}", t.id()) == focused)?;
                let n = Tab::ALL.len();
                let next = match e.key().as_str() {
                    "ArrowRight" => (at + 1) % n,
                    "ArrowLeft" => (at + n - 1) % n,
                    "Home" => 0,
                    "End" => n - 1,
                    _ => return None,
                };
                e.prevent_default();
                let tab = Tab::ALL[next];
                if let Some(el) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id(&format!("tab-{}", tab.id())))
                    .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = el.focus();
                }
                Some(Msg::Tab(tab))
            }),
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
            prediction_ref: NodeRef::default(),
            loss_ref: NodeRef::default(),
        };
        if app.worker.is_none() {
            app.error = Some(tr("error.no_worker").to_string());
        }
        app.send(&Request::Lang(lang));
        app.restart(restored);
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        let model_change = |app: &mut App, what: &str| {
            app.send(&Request::Pause);
            app.restart(Some(trf("notice.reset", &[("what", &what)])));
        };
        match msg {
            Msg::Heard(Heard::Reply(reply)) => {
                let view = matches!(reply, Reply::View(_));
                self.heard(reply);
                if view {
                    // A view only shows: the next frame asks for the next one.
                    self.advance_t();
                    self.schedule(ctx);
                    return true;
                }
            }
            Msg::Heard(Heard::Died(why)) => self.worker_died(ctx, &why),
            Msg::LoadFile(file) => {
                let name = file.name();
                ctx.link().send_future(async move {
                    Msg::CsvBytes(name, crate::ui::files::read_file(file).await)
                });
            }
            Msg::LoadSample(path) => {
                let name = path.rsplit('/').next().unwrap_or(path).to_string();
                ctx.link().send_future(async move {
                    Msg::CsvBytes(name, crate::ui::files::fetch_own(path).await)
                });
            }
            Msg::CsvBytes(name, bytes) => {
                let parsed = bytes.and_then(|b| {
                    parse_csv(&b, &CsvOptions::default())
                        .map(|t| (b, t))
                        .map_err(|e| e.to_string())
                });
                match parsed {
                    Ok((bytes, table)) => match CsvChoice::default_for(&table) {
                        Some(choice) => {
                            self.files_loaded += 1;
                            // A message belongs to the action that raised it: the last file's
                            // or last run's error goes with the new file.
                            self.error = None;
                            self.csv = Some(CsvState {
                                file: self.files_loaded,
                                name,
                                bytes,
                                table,
                                choice,
                                series: None,
                                missing: MissingPolicy::default(),
                            });
                            self.csv_error = None;
                        }
                        None => self.csv_error = Some(trf("csv.no_numeric", &[("name", &name)])),
                    },
                    Err(e) => {
                        self.csv_error =
                            Some(trf("csv.load_failed", &[("name", &name), ("e", &e)]));
                    }
                }
            }
            Msg::CsvSeries(value) => {
                if let Some(c) = &mut self.csv {
                    let column = c.table.series_columns().first().map(|(n, _)| n.to_string());
                    let previous = c.series.clone();
                    c.series = column
                        .filter(|_| !value.is_empty())
                        .map(|column| SeriesFilter { column, value });
                    match c.reparse() {
                        Ok(()) => self.csv_error = None,
                        Err(e) => {
                            c.series = previous;
                            self.csv_error = Some(trf("csv.series_failed", &[("e", &e)]));
                        }
                    }
                }
            }
            Msg::Invalid(message) => {
                self.notice = Some(message);
                // The refused value leaves the field: the controls are made anew from the run.
                self.controls_key += 1;
            }
            Msg::CsvMissing(policy) => {
                if let Some(c) = &mut self.csv {
                    let previous = c.missing;
                    c.missing = policy;
                    match c.reparse() {
                        Ok(()) => self.csv_error = None,
                        Err(e) => {
                            c.missing = previous;
                            self.csv_error = Some(trf("csv.apply_failed", &[("e", &e)]));
                        }
                    }
                }
            }
            Msg::CsvTarget(t) => {
                if let Some(c) = &mut self.csv {
                    c.choice.target = t;
                }
            }
            Msg::CsvFeature(f, on) => {
                if let Some(c) = &mut self.csv {
                    c.choice.features.retain(|x| *x != f);
                    if on {
                        c.choice.features.push(f);
                    }
                }
            }
            Msg::CsvWindow(w) => {
                if let Some(c) = &mut self.csv {
                    c.choice.window = w;
                }
            }
            Msg::CsvHorizon(h) => {
                if let Some(c) = &mut self.csv {
                    c.choice.horizon = h;
                }
            }
            Msg::Signal(p) => self.signal = p,
            Msg::GenerateSignal => {
                let p = self.signal;
                let name = trf("signal.file", &[("kind", &tr(signal_key(p.kind)))]);
                let csv = generate(&p).to_csv("value");
                ctx.link()
                    .send_message(Msg::CsvBytes(name, Ok(csv.into_bytes())));
            }
            Msg::CsvTask(t) => {
                if let Some(c) = &mut self.csv {
                    c.choice.task = t;
                }
            }
            Msg::TrainCsv => {
                let was = self.on_csv;
                self.on_csv = true;
                if !was && self.settings.scaling == Scaling::None {
                    // Columns of a real file come in their own units: start normalised.
                    self.settings.scaling = Scaling::ZScore;
                }
                model_change(self, tr("notice.train_csv"));
            }
            Msg::Frame => {
                // A frame asks for a fresh view; it renders when the view arrives.
                if self.shown.as_ref().is_some_and(|m| m.now.busy) {
                    self.ask_view();
                }
                let t = self.step_t;
                self.advance_t();
                if t != self.step_t {
                    self.ask_view();
                }
                // Charts and heatmaps left for later frames are drawn without rendering.
                self.draw();
                self.schedule(ctx);
                return t != self.step_t;
            }
            Msg::LossScale(scale) => self.loss_scale = scale,
            Msg::Speed(n) => self.send(&Request::Speed(n)),
            Msg::StepThrough(t, unit) => {
                self.step_t = t;
                self.step_unit = unit;
            }
            Msg::Lang(lang) => {
                crate::i18n::set(lang);
                self.send(&Request::Lang(lang));
                crate::ui::share::save_lang(lang);
                self.save_link();
            }
            Msg::WatchLayer(layer) => self.watch.layer = layer,
            Msg::WatchDir(dir) => self.watch.dir = dir,
            Msg::WatchSample(sample) => self.watch.sample = sample,
            Msg::Tab(tab) => {
                // Its canvases were hidden: measured (and drawn) again now they show.
                self.tab = tab;
                self.canvases_resized();
            }
            Msg::Resized => self.canvases_resized(),
            Msg::Compare(on) => {
                if on {
                    self.notice = Some(tr("compare.started").to_string());
                    self.tab = Tab::Compare;
                    self.canvases_resized();
                }
                self.send(&Request::Compare(on));
            }
            Msg::PlayT => {
                self.t_playing = match self.t_playing {
                    Some(_) => None,
                    None => Some(now()),
                };
            }
            Msg::HeatHover(at) => {
                let hover = at.and_then(|(k, x, y)| self.heat_cell(k, x, y));
                if hover == self.heat_hover {
                    return false;
                }
                self.heat_hover = hover;
            }
            Msg::HeatClick(k, x, y) => {
                let Some(h) = self.heat_cell(k, x, y) else {
                    return false;
                };
                self.step_t = h.t;
                self.step_unit = h.unit;
            }
            Msg::Recursive(on) => self.send(&Request::Recursive(on)),
            Msg::Shape(shape, what) => {
                self.settings.shape = shape;
                model_change(self, tr(what));
            }
            Msg::Schedule(schedule) => {
                // Callbacks change how training continues, not the model: no reset.
                self.settings.schedule = schedule;
                self.running.settings.schedule = schedule;
                self.send(&Request::Schedule(schedule));
                self.save_link();
            }
            Msg::Export(what) => {
                if let Err(e) = self.export(what) {
                    self.error = Some(trf("error.download", &[("e", &e)]));
                }
            }
            Msg::TogglePlay => {
                // The button answers at once; the worker stops at its next chunk.
                if let Some(m) = &mut self.shown {
                    m.now.playing = !m.now.playing;
                    m.now.busy |= m.now.playing;
                    if m.now.playing {
                        self.notice = None;
                    }
                }
                self.send(&Request::TogglePlay);
            }
            Msg::Step | Msg::StepEpoch => {
                // Each press adds its steps to those asked for; a long step, or several
                // presses, go on in the worker.
                if let Some(m) = &mut self.shown {
                    m.now.playing = false;
                    m.now.busy = true;
                }
                self.send(&Request::Step {
                    epoch: matches!(msg, Msg::StepEpoch),
                });
            }
            Msg::Reset => model_change(self, tr("notice.reset_button")),
            Msg::Lesson(l) => {
                self.lesson = l;
                self.on_csv = false;
                self.settings = l.defaults();
                model_change(self, &trf("notice.lesson", &[("title", &l.title())]));
            }
            Msg::Cell(c) => {
                self.settings.cell = c;
                model_change(self, &trf("notice.cell", &[("cell", &cell_name(c))]));
            }
            Msg::Hidden(h) => {
                self.settings.hidden_size = h;
                model_change(self, &trf("notice.hidden", &[("h", &h)]));
            }
            Msg::Seed(seed) => {
                self.settings.seed = seed;
                model_change(self, &trf("notice.seed", &[("seed", &seed)]));
            }
            Msg::LearningRate(lr) => {
                self.settings.learning_rate = lr;
                model_change(self, &trf("notice.lr", &[("lr", &lr)]));
            }
            Msg::Optimizer(o) => {
                self.settings.optimizer = o;
                let name = key_of(&OPTIMIZERS, &o).map_or(tr("settings.other"), tr);
                model_change(self, &trf("notice.optimiser", &[("name", &name)]));
            }
            Msg::Clipping(c) => {
                self.settings.clip = c;
                let name = key_of(&CLIPS, &c).map_or(tr("settings.other"), tr);
                model_change(self, &trf("notice.clip", &[("name", &name)]));
            }
            Msg::Scaling(sc) => {
                self.settings.scaling = sc;
                model_change(self, &trf("notice.scaling", &[("name", &scaling_name(sc))]));
            }
            Msg::Normalise => {
                self.settings.scaling = Scaling::ZScore;
                model_change(self, tr("notice.normalised"));
                self.play();
            }
            Msg::LowerLearningRate => {
                self.settings.learning_rate /= 10.0;
                model_change(
                    self,
                    &trf("notice.lr_lowered", &[("lr", &self.settings.learning_rate)]),
                );
            }
            Msg::ClipGradients => {
                self.settings.clip = FIX_CLIP;
                model_change(self, tr("notice.clipped"));
                self.play();
            }
        }
        // Whatever changed, the next view shows it.
        self.ask_view();
        self.schedule(ctx);
        true
    }

    fn rendered(&mut self, ctx: &Context<Self>, first: bool) {
        if first {
            // The first prediction may need more frames to finish.
            self.schedule(ctx);
        }
        self.draw();
        if self.charts_due.get() && self.frame.is_none() {
            // Charts left for the next frames: ask for them even when nothing else runs.
            self.schedule(ctx);
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let m = self.shown.as_ref();
        let now = m.map(|m| &m.now);
        let config = m.map(|m| &m.info.config);
        let (diagram, equations) = self.step_through(ctx);
        let playing = now.is_some_and(|v| v.playing);
        let recursive = now.is_some_and(|v| v.recursive);
        let per_frame = now.and_then(|v| v.steps_per_frame);
        html! {
            <>
                <header class="top">
                    <h1>{ tr("app.title") }</h1>
                    <p class="tagline">{ tr("app.tagline") }</p>
                    <label class="lang" title={tr("lang.tip")}>
                        <span class="sr-only">{ tr("lang.label") }</span>
                        <select id="lang" onchange={link.callback(|e: Event| Msg::Lang(
                            crate::i18n::Lang::ALL.into_iter().find(|l| l.tag() == select_value(&e)).unwrap_or_default()
                        ))}>
                            { for crate::i18n::Lang::ALL.iter().map(|l| html! {
                                <option value={l.tag()} selected={*l == crate::i18n::current()}>{ l.own_name() }</option>
                            }) }
                        </select>
                    </label>
                </header>
                <main class="layout">
                    <section class="panel controls" aria-label={tr("aria.controls")} key={self.controls_key.to_string()}>
                        <LessonPicker lang={crate::i18n::current()} lesson={self.lesson} on_csv={self.on_csv} on={self.emit.clone()} />
                        { self.csv_panel(ctx) }
                        <ModelControls lang={crate::i18n::current()} settings={self.settings} on={self.emit.clone()} />
                    </section>
                    <section class="panel charts" aria-label={tr("aria.charts")}>
                        <RunBar lang={crate::i18n::current()} playing={playing} actions={self.actions.clone()}
                            stats={RunStats {
                                run: m.map_or(0, |m| m.id),
                                steps: now.map_or(0, |v| v.steps),
                                epoch: now.map_or(0, |v| v.epoch),
                                // Shown for steps that span frames (for short ones it would only flicker).
                                progress: now.and_then(|v| v.progress),
                                loss: now.and_then(|v| v.last_loss),
                                val_loss: now.and_then(|v| v.validation_loss),
                                rate: now.map_or(0.0, |v| v.rate),
                                cell: config.map_or("", |c| c.cell.name()),
                                lr: config.map(|c| c.learning_rate),
                                batch: config.map(|c| c.batch_size),
                            }}
                            scores={now.map_or([None, None], |v| v.scores.clone())}
                            classify={m.is_some_and(|m| m.info.classify)} />
                        <Banners lang={crate::i18n::current()} error={self.error.clone()}
                            diverged_at={now.and_then(|v| v.diverged_at)} hint={self.not_learning()}
                            notice={self.notice.clone()} on={self.emit.clone()} />
                        <div class="story">
                        <div class="story-main">
                        <canvas id="prediction-chart" ref={self.prediction_ref.clone()} width="900" height="360"></canvas>
                        <div class="chart-options">
                            <label for="test-mode" title={tr("options.test_tip")}>{ tr("options.test") }</label>
                            <select id="test-mode" onchange={link.callback(|e: Event| Msg::Recursive(select_value(&e) == "recursive"))}>
                                <option value="one-step" selected={!recursive}>{ tr("options.one_step") }</option>
                                <option value="recursive" selected={recursive}>{ tr("options.recursive") }</option>
                            </select>
                            if let Some(e) = now.and_then(|v| v.forecast_error.as_ref()) {
                                <span class="warn" role="status">{ trf("options.forecast_failed", &[("e", e)]) }</span>
                            }
                            <label for="loss-scale" title={tr("options.loss_tip")}>{ tr("options.loss") }</label>
                            <select id="loss-scale" onchange={link.callback(|e: Event| Msg::LossScale(if select_value(&e) == "linear" { LossScale::Linear } else { LossScale::Log }))}>
                                <option value="log" selected={self.loss_scale == LossScale::Log}>{ tr("options.log") }</option>
                                <option value="linear" selected={self.loss_scale == LossScale::Linear}>{ tr("options.linear") }</option>
                            </select>
                            <label for="speed" title={tr("options.speed_tip")}>{ tr("options.speed") }</label>
                            <select id="speed" onchange={link.callback(|e: Event| Msg::Speed(select_value(&e).parse().ok()))}>
                                <option value="1" selected={per_frame == Some(1)}>{ tr("options.one_per_frame") }</option>
                                <option value="10" selected={per_frame == Some(10)}>{ tr("options.ten_per_frame") }</option>
                                <option value="max" selected={per_frame.is_none()}>{ tr("options.fastest") }</option>
                            </select>
                            <span class="lr" id="current-lr" title={tr("options.current_lr_tip")}>{ trf("options.current_lr", &[("lr", &now.filter(|v| v.learning_rate > 0.0).map_or(self.settings.learning_rate, |v| v.learning_rate))]) }</span>
                        </div>
                        <canvas id="loss-chart" ref={self.loss_ref.clone()} width="900" height="380"></canvas>
                        </div>
                        <div class="story-cell">
                            { diagram }
                            { self.cell_view(ctx) }
                        </div>
                        </div>
                        <div class="tabs" role="tablist" aria-label={tr("tab.aria")} onkeydown={self.tab_keys.clone()}>
                            { for Tab::ALL.iter().map(|&t| html! {
                                <button role="tab" id={format!("tab-{}", t.id())} aria-controls={format!("panel-{}", t.id())}
                                    aria-selected={(t == self.tab).to_string()} tabindex={if t == self.tab { "0" } else { "-1" }}
                                    onclick={link.callback(move |_| Msg::Tab(t))}>{ tr(t.key()) }</button>
                            }) }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-flow" aria-labelledby="tab-flow" hidden={self.tab != Tab::Flow}>
                            { self.flow_view() }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-equations" aria-labelledby="tab-equations" hidden={self.tab != Tab::Equations}>
                            { equations }
                        </div>
                        <div role="tabpanel" class="tab-panel" id="panel-compare" aria-labelledby="tab-compare" hidden={self.tab != Tab::Compare}>
                            { self.compare_view(ctx) }
                        </div>
                        <div class="exports" role="group" aria-label={tr("export.aria")}>
                            <span>{ tr("export.label") }</span>
                            <button id="export-weights" title={tr("export.weights_tip")} onclick={link.callback(|_| Msg::Export(Export::Weights))}>{ tr("export.weights") }</button>
                            <button id="export-bundle" title={tr("export.bundle_tip")} onclick={link.callback(|_| Msg::Export(Export::PyTorchBundle))}>{ tr("export.bundle") }</button>
                            <button id="export-script" title={tr("export.script_tip")} onclick={link.callback(|_| Msg::Export(Export::PyTorchScript))}>{ tr("export.script") }</button>
                            <button id="export-predictions" title={tr("export.predictions_tip")} onclick={link.callback(|_| Msg::Export(Export::Predictions))}>{ tr("export.predictions") }</button>
                            <button id="export-history" title={tr("export.history_tip")} onclick={link.callback(|_| Msg::Export(Export::History))}>{ tr("export.history") }</button>
                            <button id="export-prediction-png" title={tr("export.prediction_png_tip")} onclick={link.callback(|_| Msg::Export(Export::PredictionChart))}>{ tr("export.prediction_png") }</button>
                            <button id="export-loss-png" title={tr("export.loss_png_tip")} onclick={link.callback(|_| Msg::Export(Export::LossChart))}>{ tr("export.loss_png") }</button>
                        </div>
                    </section>
                </main>
            </>
        }
    }
}

/// "sample 2 of the latest batch, layer 1 reverse", in the page's language.
fn describe(w: Watch) -> String {
    let dir = if w.dir == 1 { tr("flow.reverse") } else { "" };
    trf(
        "watch.describe",
        &[
            ("sample", &(w.sample + 1)),
            ("layer", &(w.layer + 1)),
            ("dir", &dir),
        ],
    )
}

/// Starts the training worker; what it says comes back as [`Msg::Heard`].
fn start_worker(ctx: &Context<App>) -> Option<TrainingWorker> {
    let link = ctx.link().clone();
    TrainingWorker::start(move |heard| link.send_message(Msg::Heard(heard))).ok()
}

/// What one heatmap drew: where its cells are, which time steps its columns are, the
/// values (column-major: `col * units + unit`) and its title.
struct HeatDrawn {
    /// The training step whose trace this is.
    step: u64,
    grid: HeatGrid,
    shown: Vec<usize>,
    values: Vec<f64>,
    title: String,
}

/// The heatmap cell under the pointer.
#[derive(Clone, Debug, PartialEq)]
struct HeatHover {
    title: String,
    t: usize,
    unit: usize,
    value: f64,
}

/// The pointer's position in a canvas's own pixels (its drawing buffer may be scaled by CSS).
fn canvas_pixel(e: &MouseEvent) -> (f64, f64) {
    let (x, y) = (f64::from(e.offset_x()), f64::from(e.offset_y()));
    let Some(c) = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlCanvasElement>().ok())
    else {
        return (x, y);
    };
    // From CSS pixels to the units the chart was drawn in (backing pixels over the scale
    // the canvas was drawn at: see `ui::canvas`).
    let scale = c
        .get_attribute("data-scale")
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(1.0);
    let sx = f64::from(c.width()) / f64::from(c.client_width().max(1)) / scale;
    let sy = f64::from(c.height()) / f64::from(c.client_height().max(1)) / scale;
    (x * sx, y * sy)
}

/// The heatmaps for a cell kind (in [`heat_sources`]' order), with their titles and colour
/// scales.
fn heat_panels(kind: CellKind) -> Vec<(String, HeatScale)> {
    use crate::nn::gates::Squash;
    heat_sources(kind)
        .into_iter()
        .map(|source| match source {
            HeatSource::Hidden => match kind {
                CellKind::Rnn(activation) => (
                    trf("heat.rnn", &[("f", &activation.symbol())]),
                    HeatScale::Signed,
                ),
                _ => (tr("heat.hidden").to_string(), HeatScale::Signed),
            },
            HeatSource::Cell => (tr("heat.cell").to_string(), HeatScale::Signed),
            HeatSource::Gate(g) => (
                trf(
                    "heat.gate",
                    &[("gate", &tr(g.key())), ("symbol", &g.symbol())],
                ),
                if g.squash() == Squash::Sigmoid {
                    HeatScale::Unit
                } else {
                    HeatScale::Signed
                },
            ),
        })
        .collect()
}

/// The catalogue key of a signal's name.
fn signal_key(kind: SignalKind) -> &'static str {
    match kind {
        SignalKind::Sine => "signal.sine",
        SignalKind::Cosine => "signal.cosine",
        SignalKind::SumOfSines => "signal.sum_of_sines",
        SignalKind::Square => "signal.square",
        SignalKind::Sawtooth => "signal.sawtooth",
        SignalKind::DampedSine => "signal.damped",
        SignalKind::RandomWalk => "signal.random_walk",
        SignalKind::DailyLoad => "signal.daily_load",
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
